"""An evaluation: which units were treated from when, which units they are compared with, and the windows.

Periods are stored as period codes of the indicator's frequency ("2025-01",
"2025Q1"): an evaluation is a design, checked against the data each time it
is estimated, so that corrected or newly published values flow into it.
The estimates themselves are never stored; they are computed from the
official values (delivery/impact*.py) whenever they are read.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Evaluation(models.Model):
    class Selection(models.TextChoices):
        HAND = "hand", _("Chosen by hand")
        PROPOSED = "proposed", _("Proposed: closest before the start")

    indicator = models.ForeignKey(
        "architecture.Indicator", on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("indicator")
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(
        _("description"), blank=True, help_text=_("What the intervention was, and why these comparison units.")
    )
    denominator_note = models.CharField(
        _("population or denominator"),
        max_length=300,
        blank=True,
        help_text=_("For a count, what it is a count of (e.g. 'per district, about 200,000 people each')."),
    )
    pre_start = models.CharField(_("pre window from"), max_length=20)
    pre_end = models.CharField(_("pre window to"), max_length=20)
    post_start = models.CharField(_("post window from"), max_length=20)
    post_end = models.CharField(_("post window to"), max_length=20)
    selection = models.CharField(
        _("comparison units"), max_length=10, choices=Selection.choices, default=Selection.HAND
    )
    published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("The public sees a published evaluation, estimated from published values only."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class TreatedUnit(models.Model):
    """A unit the intervention reached, and the first period it was in effect there."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="treated")
    org_unit = models.ForeignKey("architecture.OrgUnit", on_delete=models.PROTECT, related_name="+")
    start = models.CharField(_("first treated period"), max_length=20)

    class Meta:
        ordering = ["start", "org_unit__code"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "org_unit"], name="one_treated_row_per_unit")]

    def __str__(self) -> str:
        return f"{self.org_unit.code} from {self.start}"


class ComparisonUnit(models.Model):
    """An untreated unit to compare with; `distance` is how far its pre-window path was when proposed."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="comparison")
    org_unit = models.ForeignKey("architecture.OrgUnit", on_delete=models.PROTECT, related_name="+")
    distance = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["distance", "org_unit__code"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "org_unit"], name="one_comparison_row_per_unit")]

    def __str__(self) -> str:
        return self.org_unit.code
