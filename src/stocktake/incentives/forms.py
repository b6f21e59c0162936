"""The forms of the fund pages: a new outcomes fund, and a scheme in it whose payment rule is built from
plain fields (never JSON typed by the user). The actions (create_fund, create_scheme) check them again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stocktake.accounts.models import Organisation
from stocktake.architecture.forms import CodedChoiceField, MarkedErrorsMixin
from stocktake.architecture.models import Indicator
from stocktake.architecture.widgets import SearchableSelect, UnitCodeField
from stocktake.delivery import payments as PAY

from .models import Fund, Scheme

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FundForm(MarkedErrorsMixin, forms.ModelForm):
    class Meta:
        model = Fund
        fields = ["code", "name", "currency", "budget", "starts", "ends", "description"]
        widgets = {"starts": DATE, "ends": DATE, "description": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "code": gettext_lazy("Code"),
            "name": gettext_lazy("Name"),
            "currency": gettext_lazy("Currency"),
            "budget": gettext_lazy("Budget"),
            "starts": gettext_lazy("Operates from"),
            "ends": gettext_lazy("Operates until"),
            "description": gettext_lazy("Description"),
        }
        help_texts = {
            "code": gettext_lazy("Letters, numbers and hyphens; used in links and the API. Must be unique."),
            "currency": gettext_lazy("The ISO 4217 code, e.g. USD, KES."),
        }


# Which rule types use which of the rule's fields (stocktake.delivery.payments.parse_rule).
RULE_PARAMS = {
    "price_per_unit": ("price", "baseline"),
    "threshold": ("target", "amount"),
    "scalable": ("floor", "target", "amount", "min_fraction"),
    "budget_adjustment": ("allocation", "target", "bonus_pct", "floor", "reduction_pct"),
    "recognition": ("target", "label"),
}
PARAM_LABELS = {
    "price": gettext_lazy("Price per unit of outcome"),
    "baseline": gettext_lazy("Baseline the units are counted from"),
    "target": gettext_lazy("Target value"),
    "amount": gettext_lazy("Amount paid"),
    "floor": gettext_lazy("Floor (nothing is paid at or before it)"),
    "min_fraction": gettext_lazy("Smallest share paid (0 to 1)"),
    "allocation": gettext_lazy("Budget allocation"),
    # xgettext:no-python-format
    "bonus_pct": gettext_lazy("Bonus (% of the allocation)"),
    # xgettext:no-python-format
    "reduction_pct": gettext_lazy("Reduction (% of the allocation)"),
    "label": gettext_lazy("Recognition given"),
}


def _used_by(param: str) -> str:
    kinds = [str(PAY.RULE_TYPES[k]) for k, params in RULE_PARAMS.items() if param in params]
    return _("Used by: %(kinds)s.") % {"kinds": ", ".join(kinds)}


class SchemeForm(MarkedErrorsMixin, forms.ModelForm):
    indicator = CodedChoiceField(
        Indicator.objects.select_related("outcome"), label=gettext_lazy("Indicator"), widget=SearchableSelect
    )
    org_unit = UnitCodeField(
        label=gettext_lazy("Where the result is measured"),
        help_text=gettext_lazy(
            "Type the unit's code or name and pick it from the suggestions; everything beneath it counts."
        ),
    )
    recipient = CodedChoiceField(
        Organisation.objects.order_by("name"), label=gettext_lazy("Recipient"), widget=SearchableSelect
    )
    rule_type = forms.ChoiceField(
        label=gettext_lazy("Payment rule"), choices=[(k, PAY.RULE_TYPES[k]) for k in RULE_PARAMS], initial="threshold"
    )
    first_period = forms.CharField(
        label=gettext_lazy("First payment period"),
        max_length=20,
        help_text=gettext_lazy("A period code, e.g. 2026-03, 2026Q1 or 2026."),
    )
    last_period = forms.CharField(label=gettext_lazy("Last payment period"), max_length=20)

    class Meta:
        model = Scheme
        fields = [
            "code",
            "name",
            "indicator",
            "org_unit",
            "recipient",
            "first_period",
            "last_period",
            "commitment",
            "cap_per_period",
            "cap_total",
            "sample_threshold",
            "status",
        ]
        labels = {
            "code": gettext_lazy("Code"),
            "name": gettext_lazy("Name"),
            "commitment": gettext_lazy("Commitment"),
            "cap_per_period": gettext_lazy("Cap per period"),
            "cap_total": gettext_lazy("Cap in total"),
            "sample_threshold": gettext_lazy("Sample check threshold"),
            "status": gettext_lazy("Status"),
        }
        help_texts = {
            "commitment": gettext_lazy("Set aside from the fund's budget for this scheme."),
            "sample_threshold": gettext_lazy(
                "Share of sampled results that must be eligible, e.g. 0.8; blank: no sample check."
            ),
        }

    refusal_fields = {"rule": "rule_type", "period_kind": "indicator"}

    def __init__(self, *args, fund: Fund, **kwargs):
        super().__init__(*args, **kwargs)
        self.fund = fund
        for param, label in PARAM_LABELS.items():
            field = (
                forms.CharField(max_length=200)
                if param == "label"
                else forms.DecimalField(max_digits=18, decimal_places=6, localize=False)
            )
            field.required, field.label, field.help_text = False, label, _used_by(param)
            self.fields[f"rule_{param}"] = field
        self.order_fields(["code", "name", "indicator", "org_unit", "recipient", "rule_type"])

    def rule(self) -> dict:
        """The stored rule: its type and the fields that type uses, as the text of each number."""
        kind = self.cleaned_data.get("rule_type")
        rule = {"type": kind}
        for param in RULE_PARAMS.get(kind, ()):
            value = self.cleaned_data.get(f"rule_{param}")
            if value not in (None, ""):
                rule[param] = str(value) if param != "label" else value
        return rule

    def clean(self):
        data = super().clean()
        indicator = data.get("indicator")
        if indicator is None or not data.get("rule_type"):
            return data
        try:
            rule = PAY.parse_rule(self.rule(), indicator.direction)
            PAY.check_caps(rule, data.get("cap_per_period"), data.get("cap_total"))
        except PAY.RuleError as exc:
            name = exc.field if exc.field in ("cap_per_period", "cap_total") else f"rule_{exc.field}"
            message = str(exc).split(": ", 1)[-1]
            self.add_error(name if name in self.fields else "rule_type", message)
        return data

    def _post_clean(self):
        """The scheme's own checks need the fund and the periods, which the action resolves: leave them to it."""

    def scheme_fields(self) -> dict:
        """What the write path (actions.create_scheme) takes."""
        fields = {name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data}
        return {**fields, "fund": self.fund, "rule": self.rule()}
