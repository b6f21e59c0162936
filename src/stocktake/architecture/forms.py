"""The target form, shared by the target page and the back-office admin."""

from __future__ import annotations

import math

from django import forms
from django.utils.translation import gettext as _

from .actions import TARGET_FIELDS
from .models import Target

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TargetForm(forms.ModelForm):
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why the target is set or changed. Required to change a committed target.",
    )

    class Meta:
        model = Target
        fields = [
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "status",
            "trajectory_method",
            "stages",
            "rationale",
        ]
        widgets = {
            "baseline_date": DATE,
            "target_date": DATE,
            "rationale": forms.Textarea(attrs={"rows": 3}),
            "stages": forms.Textarea(attrs={"rows": 1}),
        }

    def clean_stages(self):
        """A list of [time fraction, change fraction] pairs; an emptied box means none (the column is never NULL)."""
        stages = self.cleaned_data.get("stages") or []

        def pair(s) -> bool:
            return (
                isinstance(s, list)
                and len(s) == 2
                and all(isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in s)
            )

        if not isinstance(stages, list) or not all(pair(s) for s in stages):
            raise forms.ValidationError(_("Write stages as pairs of numbers, e.g. [[0.5, 0.3]]."))
        return stages

    def clean(self):
        data = super().clean()
        if self.instance.pk and self.instance.status == Target.Status.COMMITTED and self.has_changed():
            if not (data.get("reason") or "").strip():
                self.add_error("reason", "A committed target can only be changed with a reason.")
        return data

    def target_fields(self) -> dict:
        """What the write path (actions.create_target / revise_target) takes."""

        return {k: self.cleaned_data[k] for k in TARGET_FIELDS if k in self.cleaned_data}
