"""Pages of the routines app, mounted at /routines/."""

from django.urls import path  # noqa: F401

app_name = "routines"
urlpatterns: list = []
