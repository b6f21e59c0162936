"""The set-up pages, mounted at /structure/."""

from django.urls import path

from . import views

app_name = "architecture"
urlpatterns = [
    path("", views.index, name="index"),
    path("org-units/lookup/", views.unit_lookup, name="unit_lookup"),
    path("<slug:kind>/", views.record_list, name="list"),
    path("<slug:kind>/new/", views.create, name="create"),
    path("<slug:kind>/<str:code>/edit/", views.edit, name="edit"),
]
