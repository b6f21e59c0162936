"""Back-office views of plans: read-only, because every write goes through plans.actions (pages and API)."""

from django.contrib import admin

from stocktake.accounts.admin import ReadOnlyAdmin

from .models import ChainActor, ChainLink, DeliveryChain, Milestone, Risk, RubricRating, Strategy, StrategyImpact


@admin.register(Strategy)
class StrategyAdmin(ReadOnlyAdmin):
    list_display = ("name", "priority", "leader", "cost", "impact_score", "difficulty_score", "withdrawn_at")
    list_filter = ("priority",)


@admin.register(StrategyImpact)
class StrategyImpactAdmin(ReadOnlyAdmin):
    list_display = ("strategy", "indicator", "start_date", "effect", "ramp", "ramp_periods")


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin):
    list_display = ("name", "strategy", "owner", "due_date", "status")
    list_filter = ("status",)


@admin.register(Risk)
class RiskAdmin(ReadOnlyAdmin):
    list_display = ("title", "priority", "likelihood", "impact", "owner", "status")


@admin.register(DeliveryChain)
class DeliveryChainAdmin(ReadOnlyAdmin):
    list_display = ("name", "priority", "strategy")


admin.site.register(ChainActor, ReadOnlyAdmin)
admin.site.register(ChainLink, ReadOnlyAdmin)
admin.site.register(RubricRating, ReadOnlyAdmin)
