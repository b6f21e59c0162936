from django.urls import path, register_converter

from . import feeds, manage, views


class FileFormat:
    regex = "svg|png"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class DataFormat(FileFormat):
    regex = "csv|json"


register_converter(FileFormat, "image")
register_converter(DataFormat, "data")

app_name = "public"
urlpatterns = [
    path("", views.index, name="index"),
    path("commitments/<slug:code>/", views.commitment_page, name="commitment"),
    path("charts/<slug:indicator>/", views.chart_page, name="chart"),
    path("charts/<slug:indicator>.<image:fmt>", views.chart_file, name="chart_file"),
    path("units/", views.units_page, name="units"),
    path("units/<str:code>/", views.unit_page, name="unit"),
    path("search/", views.search, name="search"),
    path("changes/", views.changes_page, name="changes"),
    path("changes/feed/", feeds.ChangesFeed(), name="feed"),
    path("data/", views.data_index, name="data"),
    path("data/dictionary.json", views.dictionary_file, name="dictionary"),
    path("data/iati.xml", views.iati_file, name="iati"),
    path("data/<slug:indicator>.<data:fmt>", views.data_file, name="data_file"),
    path("manage/", manage.manage, name="manage"),
    path("manage/<slug:code>/", manage.choose, name="choose"),
    path("manage/<slug:code>/preview/", manage.preview, name="preview"),
]
