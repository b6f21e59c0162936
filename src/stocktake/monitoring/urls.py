"""Pages of the monitoring app, mounted at /monitoring/."""

from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("", views.index, name="index"),
    path("heatmap/", views.heatmap_indicators, name="heatmap_indicators"),
    path("heatmap/<slug:code>/", views.heatmap, name="heatmap"),
    path("league/<slug:code>/", views.league, name="league"),
    path("alerts/", views.alerts_page, name="alerts"),
    path("alerts/rules/", views.alert_rule_create, name="alert_rule_create"),
    path("alerts/rules/<int:pk>/toggle/", views.alert_rule_toggle, name="alert_rule_toggle"),
]
