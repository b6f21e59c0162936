"""Back-office views of plans: read-only, because every write goes through plans.actions (pages and API)."""

from django.contrib import admin

from .models import ChainActor, ChainLink, DeliveryChain, Milestone, Risk, RubricRating, Strategy, StrategyImpact


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Strategy)
class StrategyAdmin(ReadOnly):
    list_display = ("name", "priority", "leader", "cost", "impact_score", "difficulty_score", "withdrawn_at")
    list_filter = ("priority",)


@admin.register(StrategyImpact)
class StrategyImpactAdmin(ReadOnly):
    list_display = ("strategy", "indicator", "start_date", "effect", "ramp", "ramp_periods")


@admin.register(Milestone)
class MilestoneAdmin(ReadOnly):
    list_display = ("name", "strategy", "owner", "due_date", "status")
    list_filter = ("status",)


@admin.register(Risk)
class RiskAdmin(ReadOnly):
    list_display = ("title", "priority", "likelihood", "impact", "owner", "status")


@admin.register(DeliveryChain)
class DeliveryChainAdmin(ReadOnly):
    list_display = ("name", "priority", "strategy")


admin.site.register(ChainActor, ReadOnly)
admin.site.register(ChainLink, ReadOnly)
admin.site.register(RubricRating, ReadOnly)
