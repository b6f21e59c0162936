"""Models of the plans app."""

from django.db import models  # noqa: F401
