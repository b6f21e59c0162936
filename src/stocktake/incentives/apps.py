from django.apps import AppConfig


class IncentivesConfig(AppConfig):
    """Outcomes fund: schemes, payment rules, verification, the ledger and simulation (section F)."""

    name = "stocktake.incentives"
    label = "incentives"
    verbose_name = "Incentives"
