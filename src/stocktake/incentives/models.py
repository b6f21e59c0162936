"""Models of the incentives app."""

from django.db import models  # noqa: F401
