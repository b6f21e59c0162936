from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """Monitoring: org units, periods, data values, status and the views people use (section C)."""

    name = "stocktake.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring"
