from django.apps import AppConfig


class PlansConfig(AppConfig):
    """Plans: strategies, milestones, delivery chains, risks, the planning rubric and composed trajectories (section B)."""

    name = "stocktake.plans"
    label = "plans"
    verbose_name = "Plans"

    def ready(self):
        """Add this app's boxes and badges to the portfolio page, and its facts to routines' packs (monitoring.hooks)."""
        from stocktake.monitoring import hooks

        from . import facts, panels

        hooks.register_panels(30, panels)
        hooks.register_plan_facts(facts)
