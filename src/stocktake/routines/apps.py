from django.apps import AppConfig


class RoutinesConfig(AppConfig):
    """Routines: assessment rounds, calendar, stocktake packs, minutes, actions and delivery reports (section D)."""

    name = "stocktake.routines"
    label = "routines"
    verbose_name = "Routines"
