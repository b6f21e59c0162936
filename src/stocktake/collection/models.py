"""Models of the collection app."""

from django.db import models  # noqa: F401
