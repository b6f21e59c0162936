from django import forms
from django.contrib import admin

from . import actions
from .models import DataValue, DataValueVersion


class VersionInline(admin.TabularInline):
    model = DataValueVersion
    extra = 0
    can_delete = False
    readonly_fields = ["version", "value", "numerator", "denominator", "state", "comment", "source", "at", "by"]

    def has_add_permission(self, request, obj=None):
        return False


class DataValueForm(forms.ModelForm):
    class Meta:
        model = DataValue
        fields = ["indicator", "org_unit", "period", "disaggregation", "value", "numerator", "denominator", "comment"]


@admin.register(DataValue)
class DataValueAdmin(admin.ModelAdmin):
    form = DataValueForm
    list_display = [
        "indicator",
        "org_unit",
        "period",
        "disaggregation",
        "value",
        "numerator",
        "denominator",
        "state",
        "version",
    ]
    list_filter = ["state", "indicator"]
    search_fields = ["org_unit__code", "org_unit__name", "period__code"]
    raw_id_fields = ["org_unit", "period"]
    inlines = [VersionInline]

    def save_model(self, request, obj, form, change):
        d = form.cleaned_data
        saved, _ = actions.record_value(
            indicator=d["indicator"],
            org_unit=d["org_unit"],
            period=d["period"],
            disaggregation=d["disaggregation"] or "",
            value=d["value"],
            numerator=d["numerator"],
            denominator=d["denominator"],
            comment=d["comment"] or "",
            user=request.user,
            interface="admin",
            source="admin",
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False  # nothing is deleted in place
