from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    """Problem solving and the coalition (issue 20): problems on four levels, hypothesis trees, priority reviews,
    stakeholder maps. It sits above routines (its actions go on the routines action tracker), so it hands its
    board, its pack and report sections and its alert listener to the lower apps through monitoring.hooks."""

    name = "stocktake.problems"
    label = "problems"
    verbose_name = "Problems"

    def ready(self):
        from stocktake.monitoring import hooks

        from . import actions, pack, panels

        hooks.register_panels(35, panels)
        hooks.register_pack_sections(10, pack)
        hooks.register_alert_listener(actions.alert_listener)
