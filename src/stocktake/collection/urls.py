"""Pages of the collection app, mounted at /collection/."""

from django.urls import path

from . import views

app_name = "collection"
urlpatterns = [
    path("", views.home, name="home"),
    path("import/", views.upload, name="upload"),
    path("imports/<int:pk>/", views.batch_page, name="batch"),
    path("template.<str:fmt>", views.template_download, name="template"),
    path("queue/", views.queue, name="queue"),
    path("queue/matching/", views.queue_matching, name="queue_matching"),
    path("queue/<slug:code>/<str:period>/", views.queue_group, name="queue_group"),
    path("decide/", views.decide, name="decide"),
    path("values/<int:pk>/", views.value_page, name="value"),
    path("freshness/", views.freshness_page, name="freshness"),
    path("mappings/", views.mappings, name="mappings"),
]
