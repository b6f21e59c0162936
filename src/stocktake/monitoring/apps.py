from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """Monitoring: org units, periods, data values, status and the views people use (section C)."""

    name = "stocktake.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring"

    def ready(self):
        """Add this app's boxes and badges to the portfolio page (monitoring.hooks)."""
        from stocktake.monitoring import hooks

        from . import panels

        hooks.register_panels(20, panels)
