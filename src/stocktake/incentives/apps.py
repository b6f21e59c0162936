from django.apps import AppConfig


class IncentivesConfig(AppConfig):
    """Outcomes fund: schemes, payment rules, verification, the ledger and simulation (section F)."""

    name = "stocktake.incentives"
    label = "incentives"
    verbose_name = "Incentives"

    def ready(self):
        """Add this app's boxes and badges to the portfolio page (monitoring.hooks)."""
        from stocktake.monitoring import hooks

        from . import panels

        hooks.register_panels(50, panels)
