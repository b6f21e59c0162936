"""The evaluation form: the indicator, the treated units with their start periods, the comparison, the windows.

Treated units are typed one a line ("R03-D01 2025-01"), comparison units as
codes; each bad line is refused with its line number and the reason. The
design is then checked against the data by the action (nothing is stored
until it estimates).
"""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stocktake.architecture.models import Indicator, OrgUnit

from .actions import PROPOSE_LIMIT


class EvaluationForm(forms.Form):
    indicator = forms.ModelChoiceField(
        Indicator.objects.order_by("code"), to_field_name="code", label=gettext_lazy("Indicator")
    )
    name = forms.CharField(max_length=200, label=gettext_lazy("Name"))
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=gettext_lazy("What the intervention was")
    )
    treated = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label=gettext_lazy("Treated units"),
        help_text=gettext_lazy(
            "One a line: the org unit code and the first period the "
            "intervention was in effect there, e.g. 'R03-D01 2025-01'."
        ),
    )
    comparison = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("Comparison units"),
        help_text=gettext_lazy(
            "Org unit codes, separated by spaces, commas or lines; or leave empty and tick 'propose'."
        ),
    )
    propose = forms.BooleanField(
        required=False,
        label=gettext_lazy("Propose the comparison units"),
        help_text=gettext_lazy(
            "The untreated units whose values over the pre window were closest to the treated units', with how close."
        ),
    )
    propose_limit = forms.IntegerField(
        min_value=2, max_value=200, initial=PROPOSE_LIMIT, required=False, label=gettext_lazy("How many to propose")
    )
    pre_start = forms.CharField(max_length=20, label=gettext_lazy("Pre window from"))
    pre_end = forms.CharField(max_length=20, label=gettext_lazy("Pre window to"))
    post_start = forms.CharField(max_length=20, label=gettext_lazy("Post window from"))
    post_end = forms.CharField(max_length=20, label=gettext_lazy("Post window to"))
    denominator_note = forms.CharField(max_length=300, required=False, label=gettext_lazy("Population or denominator"))
    published = forms.BooleanField(
        required=False,
        label=gettext_lazy("Published"),
        help_text=gettext_lazy("The public then sees it, estimated from published values."),
    )

    def clean_treated(self):
        out, seen = [], set()
        for number, line in enumerate(self.cleaned_data["treated"].splitlines(), start=1):
            parts = line.replace(",", " ").split()
            if not parts:
                continue
            if len(parts) != 2:
                raise forms.ValidationError(
                    _("Line %(n)s: give the unit code and its first treated period, e.g. 'R03-D01 2025-01'.")
                    % {"n": number}
                )
            code, start = parts
            unit = OrgUnit.objects.filter(code=code).first()
            if unit is None:
                raise forms.ValidationError(
                    _("Line %(n)s: %(code)s is not an org unit code.") % {"n": number, "code": code}
                )
            if code in seen:
                raise forms.ValidationError(_("Line %(n)s: %(code)s is listed twice.") % {"n": number, "code": code})
            seen.add(code)
            out.append((unit, start))
        return out

    def clean_comparison(self):
        codes = [c for c in re.split(r"[\s,;]+", self.cleaned_data.get("comparison") or "") if c]
        found = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise forms.ValidationError(_("Not org unit codes: %(codes)s.") % {"codes": ", ".join(missing)})
        return [found[c] for c in dict.fromkeys(codes)]

    def clean(self):
        data = super().clean()
        if "comparison" in data and not data.get("comparison") and not data.get("propose"):
            self.add_error("comparison", _("Name at least one comparison unit, or ask for them to be proposed."))
        return data

    def action_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            k: d[k]
            for k in (
                "indicator",
                "name",
                "description",
                "treated",
                "comparison",
                "propose",
                "pre_start",
                "pre_end",
                "post_start",
                "post_end",
                "denominator_note",
                "published",
            )
        } | {"propose_limit": d.get("propose_limit") or PROPOSE_LIMIT}

    @classmethod
    def initial_for(cls, evaluation) -> dict:
        return {
            "indicator": evaluation.indicator.code,
            "name": evaluation.name,
            "description": evaluation.description,
            "denominator_note": evaluation.denominator_note,
            "treated": "\n".join(f"{t.org_unit.code} {t.start}" for t in evaluation.treated.select_related("org_unit")),
            "comparison": " ".join(c.org_unit.code for c in evaluation.comparison.select_related("org_unit")),
            "pre_start": evaluation.pre_start,
            "pre_end": evaluation.pre_end,
            "post_start": evaluation.post_start,
            "post_end": evaluation.post_end,
            "published": evaluation.published,
        }


def add_errors(form: forms.Form, exc) -> None:
    """Put an action's ValidationError on the form's fields (unknown keys on the whole form)."""
    for key, messages in exc.message_dict.items():
        form.add_error(key if key in form.fields else None, messages)
