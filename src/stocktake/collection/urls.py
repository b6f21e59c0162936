"""Pages of the collection app, mounted at /collection/."""

from django.urls import path  # noqa: F401

app_name = "collection"
urlpatterns: list = []
