"""Pages of the evaluations app, mounted at /evaluations/."""

from django.urls import path

from . import views

app_name = "evaluations"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/panel.csv", views.panel_csv, name="panel_csv"),
]
