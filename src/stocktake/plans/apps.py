from django.apps import AppConfig


class PlansConfig(AppConfig):
    """Plans: strategies, milestones, delivery chains, risks, the planning rubric and composed trajectories (section B)."""

    name = "stocktake.plans"
    label = "plans"
    verbose_name = "Plans"
