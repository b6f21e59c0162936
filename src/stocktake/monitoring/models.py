"""The data values themselves, their versions, rollups and alerts.

Where and when data is reported (org units, periods) belongs to the delivery
architecture (architecture.models), one layer down.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from stocktake.architecture.models import OrgUnit, Period
from stocktake.delivery import alerts as A
from stocktake.delivery import periods as P


class DataValue(models.Model):
    """The current version of one number: indicator x org unit x period x disaggregation.

    Every version, this one included, is also written to DataValueVersion;
    a change makes a new version, never an edit in place.
    """

    class State(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        VALIDATED = "validated", "Validated"
        RETURNED = "returned", "Returned"
        PUBLISHED = "published", "Published"

    # no index of its own: the cell key (one_value_per_cell) begins with it
    indicator = models.ForeignKey(
        "architecture.Indicator", on_delete=models.PROTECT, related_name="values", db_index=False
    )
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="values")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="values")
    disaggregation = models.CharField(
        max_length=100, blank=True, default="", help_text="e.g. 'sex=female;age=0-4'; blank for the total."
    )
    value = models.FloatField(null=True, blank=True)
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SUBMITTED)
    comment = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    source = models.CharField(
        max_length=100, blank=True, help_text="Where this version came from: 'web', 'import #12', 'demo'."
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        constraints = [
            # Period before org unit: a month's new values are one contiguous run of the key per
            # indicator, not one insertion point per (indicator, unit), so an import's cost follows its
            # rows and not the values stored (docs/collection.md, growth). The same key serves every
            # read by indicator and period; one unit's series reads the org unit's index.
            models.UniqueConstraint(
                fields=["indicator", "period", "org_unit", "disaggregation"], name="one_value_per_cell"
            ),
        ]
        indexes = [
            # What awaits verification is a small share of all values: counting it (the delivery unit's
            # portfolio notes, the queue) reads this partial index instead of scanning every value.
            models.Index(
                fields=["indicator"],
                condition=models.Q(state__in=["submitted", "returned"]),
                name="datavalue_unverified",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.org_unit.code} {self.period.code}"

    def clean(self):
        ind = self.indicator
        errors = {}
        if self.org_unit_id and self.org_unit.depth != ind.report_depth:
            errors["org_unit"] = _(
                "%(indicator)s is reported at level %(depth)s; %(unit)s is at level %(unit_depth)s"
            ) % {
                "indicator": ind.code,
                "depth": ind.report_depth,
                "unit": self.org_unit.code,
                "unit_depth": self.org_unit.depth,
            }
        if self.period_id and self.period.kind != ind.frequency:
            errors["period"] = _("%(indicator)s is reported %(frequency)s; %(period)s is %(kind)s") % {
                "indicator": ind.code,
                "frequency": P.FREQUENCY_NAMES[ind.frequency],
                "period": self.period.code,
                "kind": P.FREQUENCY_NAMES.get(self.period.kind, self.period.kind),
            }
        if ind.aggregation == "ratio":
            if self.denominator is None:
                errors["denominator"] = _("%(indicator)s is a ratio: a denominator is required") % {
                    "indicator": ind.code
                }
            elif self.denominator == 0:
                errors["denominator"] = _("denominator must not be zero")
            if self.numerator is None:
                errors["numerator"] = _("%(indicator)s is a ratio: a numerator is required") % {"indicator": ind.code}
        elif self.value is None:
            errors["value"] = _("a value is required")
        computed = ind.value_of(self.value, self.numerator, self.denominator)
        if computed is not None:
            if ind.min_value is not None and computed < ind.min_value:
                errors["value"] = _("%(value)s is below the allowed minimum %(minimum)s") % {
                    "value": f"{computed:g}",
                    "minimum": f"{ind.min_value:g}",
                }
            if ind.max_value is not None and computed > ind.max_value:
                errors["value"] = _("%(value)s is above the allowed maximum %(maximum)s") % {
                    "value": f"{computed:g}",
                    "maximum": f"{ind.max_value:g}",
                }
        if errors:
            raise ValidationError(errors)

    @property
    def computed(self) -> float | None:
        return self.indicator.value_of(self.value, self.numerator, self.denominator)


class DataValueVersion(models.Model):
    """Every version of every data value, kept for ever.

    `state` is the state the version was written in, or "published" once that version was published: the
    rollups' public part reads a value's latest published version while a newer one waits to be checked.
    """

    # no index of its own: one_row_per_version begins with it
    data_value = models.ForeignKey(DataValue, on_delete=models.PROTECT, related_name="versions", db_index=False)
    # The value's indicator and period, copied: on PostgreSQL the table is distributed by indicator and
    # partitioned by period (docs/decisions/0007-distribution.md). save() always takes them from the value,
    # and the set-based writes (versionsql) from the cell they version, in the same statement: that is what
    # keeps a version with its value. The database does not check it again, neither these two keys nor, on
    # PostgreSQL, the key to the value (checked through the partitioned table it cost 28 us a version at
    # commit); SQLite keeps its plain key to the value (docs/decisions/0008-import-floor.md).
    indicator = models.ForeignKey(
        "architecture.Indicator", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+", db_constraint=False)
    version = models.PositiveIntegerField()
    value = models.FloatField(null=True, blank=True)
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=DataValue.State.choices)
    comment = models.TextField(blank=True)
    source = models.CharField(max_length=100, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["data_value", "version"]
        constraints = [
            models.UniqueConstraint(fields=["data_value", "version", "indicator", "period"], name="one_row_per_version")
        ]
        indexes = [
            # The rollups' public part looks up a value's latest published version while a newer one waits
            # (rollups._published_version), by indicator and period. Versions are written submitted and marked
            # published later, so an import adds nothing to this index, and a new month finds it empty.
            models.Index(
                fields=["indicator", "period"], condition=models.Q(state="published"), name="version_published"
            ),
        ]

    def save(self, *args, **kwargs):
        if self.data_value_id is not None:  # a version is of its value's cell, whatever it was given
            self.indicator_id, self.period_id = self.data_value.indicator_id, self.data_value.period_id
        super().save(*args, **kwargs)


class Rollup(models.Model):
    """An indicator's aggregate at one org unit and period, kept in step with the values beneath it.

    Views read these, never the raw values: a national heat map is then a
    few thousand indexed rows, not a scan of millions. The whole (every
    state), the official part (validated or published) and the published
    part are kept, so that provisional and official status come from the
    same row, and the public's figures from published values only
    (docs/decisions/0004-published-rollups.md). The
    accumulator parts are stored, not only the result, so that a ratio
    is always numerator over denominator, never an average of averages.
    """

    # Derived rows, written only by refresh() from values whose own keys are checked, and rebuilt whole by
    # `stocktake rollups`: their keys are not checked again by the database (deletes still cascade, through
    # Django), which spares a national import a million rows' worth of checks at commit
    # (docs/decisions/0008-import-floor.md). The indicator has no index of its own: the cell key begins with it.
    indicator = models.ForeignKey(
        "architecture.Indicator",
        on_delete=models.CASCADE,
        related_name="rollups",
        db_index=False,
        db_constraint=False,
    )
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="rollups", db_constraint=False)
    parent = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        help_text="The org unit's parent, copied here so a drill-down is one index range.",
    )
    depth = models.PositiveSmallIntegerField()
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    count = models.PositiveIntegerField(default=0)
    total = models.FloatField(default=0.0)
    numerator = models.FloatField(default=0.0)
    denominator = models.FloatField(default=0.0)
    value = models.FloatField(null=True)
    official_count = models.PositiveIntegerField(default=0)
    official_total = models.FloatField(default=0.0)
    official_numerator = models.FloatField(default=0.0)
    official_denominator = models.FloatField(default=0.0)
    official_value = models.FloatField(null=True)
    expected = models.PositiveIntegerField(
        default=0,
        help_text="Units at the indicator's reporting level beneath this one: count (or official_count) of "
        "expected is the figure's coverage. 0: not known (rollups made before coverage was kept).",
    )
    published_count = models.PositiveIntegerField(default=0)
    published_total = models.FloatField(default=0.0)
    published_numerator = models.FloatField(default=0.0)
    published_denominator = models.FloatField(default=0.0)
    published_value = models.FloatField(null=True)
    expected_weight = models.FloatField(
        null=True,
        help_text="The denominator (a ratio's) or the count (a sum's) the units expected beneath would carry, "
        "each at its latest report up to this period within a year: the reporting units' denominator (or "
        "total) over this is the share of the whole they carry. Null for a mean, or when not known.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "org_unit", "period"], name="one_monitoring_rollup_per_cell")
        ]
        indexes = [
            models.Index(fields=["indicator", "parent", "period"]),
            models.Index(fields=["indicator", "depth", "period"]),
        ]


class AlertRule(models.Model):
    """A condition on an indicator's statuses that should reach its owner before the next stocktake."""

    KIND_CHOICES = [
        ("beyond_band", _("Any unit beyond its tolerance band")),
        ("consecutive", _("Off track several periods in a row")),
    ]
    WORST_CHOICES = [("off_track", _("Off track")), ("slightly_off", _("Slightly off track or worse"))]

    indicator = models.ForeignKey("architecture.Indicator", on_delete=models.CASCADE, related_name="alert_rules")
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    depth = models.PositiveSmallIntegerField(default=3, help_text="Org-unit level the rule looks at (3: districts).")
    worst = models.CharField(max_length=15, choices=WORST_CHOICES, default="off_track")
    periods = models.PositiveSmallIntegerField(default=2, help_text="For 'in a row' rules: how many periods.")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["indicator__code", "kind"]

    def __str__(self) -> str:
        text = self.get_kind_display()
        if self.kind == "consecutive":
            text = _("%(worst)s %(n)s periods in a row") % {"worst": self.get_worst_display(), "n": self.periods}
        return _("%(indicator)s: %(rule)s (level %(depth)s)") % {
            "indicator": self.indicator.code,
            "rule": text,
            "depth": self.depth,
        }

    def clean(self):
        try:
            A.validate(self.kind, {"worst": self.worst, "periods": self.periods})
        except A.RuleError as exc:
            field, _sep, msg = str(exc).partition(": ")
            raise ValidationError({field if field in ("kind", "worst", "periods") else "kind": msg or str(exc)})
        if self.indicator_id and self.depth > self.indicator.report_depth:
            raise ValidationError(
                {
                    "depth": _("%(indicator)s is reported at level %(depth)s; a rule cannot look below it")
                    % {"indicator": self.indicator.code, "depth": self.indicator.report_depth}
                }
            )


class Alert(models.Model):
    """One finding of a rule at one unit and period; raised once, however often the rule is evaluated."""

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="alerts")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    message = models.CharField(max_length=400)
    raised_at = models.DateTimeField(auto_now_add=True)
    emailed_to = models.TextField(blank=True, help_text="Addresses the alert was sent to, one a line.")

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["rule", "org_unit", "period"], name="one_alert_per_finding")]

    def __str__(self) -> str:
        return self.message


class RollupStamp(models.Model):
    """Bumped whenever an indicator's rollups change, so rendered grids can be cached safely.

    Kept in the database, not in a process's memory, so that a page served by
    one process sees an import made by another (the CLI, a worker).
    """

    indicator = models.OneToOneField(
        "architecture.Indicator", on_delete=models.CASCADE, primary_key=True, related_name="rollup_stamp"
    )
    version = models.PositiveBigIntegerField(default=0)
