from django.contrib import admin, messages

from stocktake.accounts import audit
from stocktake.accounts.admin import AuditedAdmin, ReadOnlyAdmin

from . import actions
from .forms import TargetForm
from .models import (
    Indicator,
    OrgUnit,
    OrgUnitLevel,
    Outcome,
    Period,
    Pillar,
    PortfolioTier,
    Priority,
    Target,
    TargetRevision,
    TrajectoryPoint,
)


@admin.register(OrgUnitLevel)
class OrgUnitLevelAdmin(AuditedAdmin):
    list_display = ["depth", "name"]


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdmin):
    list_display = ["code", "name", "parent", "depth", "organisation"]
    list_filter = ["depth"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]

    def save_model(self, request, obj, form, change):
        """As every audited admin save, and a warning (shown and audited) when this makes a second root."""
        warning = "" if change else actions.another_root_warning(obj.code, obj.parent)
        audit.save_audited(obj, user=request.user, interface="admin", clean=False, reason=warning)
        if warning:
            messages.warning(request, warning)


@admin.register(Period)
class PeriodAdmin(ReadOnlyAdmin):
    """Read-only: a period is made once, through actions.ensure_period, and shared by every value."""

    list_display = ["code", "kind", "start", "end"]
    list_filter = ["kind"]


@admin.register(PortfolioTier)
class PortfolioTierAdmin(AuditedAdmin):
    list_display = ["name", "monitoring_frequency", "rank"]


@admin.register(Pillar)
class PillarAdmin(AuditedAdmin):
    list_display = ["name", "code", "rank"]


class OutcomeInline(admin.TabularInline):
    model = Outcome
    extra = 0
    fields = ["code", "name", "leader", "rank"]
    show_change_link = True


@admin.register(Priority)
class PriorityAdmin(AuditedAdmin):
    list_display = ["name", "pillar", "tier", "lead_organisation", "published"]
    list_filter = ["pillar", "tier", "published"]
    search_fields = ["name", "code"]


@admin.register(Outcome)
class OutcomeAdmin(AuditedAdmin):
    list_display = ["name", "priority", "leader"]
    list_filter = ["priority"]
    search_fields = ["name", "code"]


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = ["code", "name", "unit", "direction", "frequency", "aggregation", "report_depth", "kind"]
    list_filter = ["direction", "frequency", "aggregation", "kind", "level"]
    search_fields = ["code", "name"]


class AdminTargetForm(TargetForm):
    class Meta(TargetForm.Meta):
        fields = ["indicator", "org_unit"] + TargetForm.Meta.fields


class RevisionInline(admin.TabularInline):
    model = TargetRevision
    extra = 0
    can_delete = False
    readonly_fields = [
        "revision",
        "baseline_value",
        "baseline_date",
        "target_value",
        "target_date",
        "status",
        "trajectory_method",
        "reason",
        "at",
        "by",
    ]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    form = AdminTargetForm
    list_display = ["indicator", "org_unit", "baseline_value", "target_value", "target_date", "status", "revision"]
    list_filter = ["status", "indicator__outcome__priority"]
    inlines = [RevisionInline]

    def save_model(self, request, obj, form, change):
        fields = form.target_fields()
        reason = form.cleaned_data.get("reason", "")
        if change:
            actions.revise_target(obj, user=request.user, interface="admin", reason=reason, **fields)
        else:
            created = actions.create_target(
                indicator=form.cleaned_data["indicator"],
                org_unit=form.cleaned_data["org_unit"],
                user=request.user,
                interface="admin",
                reason=reason or "Initial target",
                **fields,
            )
            obj.pk = created.pk

    def has_delete_permission(self, request, obj=None):
        return False  # targets are revised, never deleted


@admin.register(TrajectoryPoint)
class TrajectoryPointAdmin(admin.ModelAdmin):
    list_display = ["target", "period", "value"]
    list_filter = ["target__indicator"]

    def has_add_permission(self, request):
        return False  # points come from the target's trajectory method

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
