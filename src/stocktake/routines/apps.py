from django.apps import AppConfig


class RoutinesConfig(AppConfig):
    """Routines: assessment rounds, calendar, stocktake packs, minutes, actions and delivery reports (section D)."""

    name = "stocktake.routines"
    label = "routines"
    verbose_name = "Routines"

    def ready(self):
        """Add this app's boxes and badges to the portfolio page (monitoring.hooks)."""
        from stocktake.monitoring import hooks

        from . import panels

        hooks.register_panels(40, panels)
