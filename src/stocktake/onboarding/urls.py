"""Pages of the onboarding app, mounted at /setup/."""

from django.urls import path

from . import views

app_name = "onboarding"
urlpatterns = [
    path("", views.setup, name="setup"),
    path("template.xlsx", views.template, name="template"),
    path("export.xlsx", views.download, name="export"),
]
