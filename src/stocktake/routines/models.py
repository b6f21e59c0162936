"""Models of the routines app."""

from django.db import models  # noqa: F401
