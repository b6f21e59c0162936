from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    """Evidence of impact: did the intervention work? Difference in differences against comparison units (issue 21)."""

    name = "stocktake.evaluations"
    label = "evaluations"
    verbose_name = "Evaluations"

    def ready(self):
        from stocktake.monitoring import hooks

        from . import pack

        hooks.register_evaluation_facts(pack)
