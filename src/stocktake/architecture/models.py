"""The delivery architecture: where and when (org units, periods), pillars, priorities, outcomes,
indicators, targets, trajectories."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from stocktake.delivery import coverage as C
from stocktake.delivery import periods as P
from stocktake.delivery import status as S
from stocktake.delivery import trajectory as T
from stocktake.delivery.rollup import MEAN, RATIO, SUM

from . import numbers


class OrgUnitLevel(models.Model):
    """A level of the hierarchy: 1 nation, 2 region, 3 district, 4 facility, or any depth."""

    depth = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["depth"]
        db_table = "monitoring_orgunitlevel"  # moved from monitoring without moving data

    def __str__(self) -> str:
        return f"{self.depth}. {self.name}"


class OrgUnit(models.Model):
    """A place that reports or aggregates: nation, region, district, school, clinic.

    `path` is the chain of ids from the root ("/1/7/42/"), so a whole subtree
    is one indexed prefix query however deep the hierarchy goes.
    """

    code = models.CharField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    depth = models.PositiveSmallIntegerField(default=1, editable=False)
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="The subnational government or provider responsible for this unit, if any.",
    )
    geometry = models.JSONField(null=True, blank=True, help_text="GeoJSON geometry (a point or a boundary), if known.")
    closed_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day the unit was closed: it left the hierarchy but keeps its data (never deleted).",
    )

    class Meta:
        ordering = ["path"]
        verbose_name = "org unit"
        db_table = "monitoring_orgunit"  # moved from monitoring without moving data
        # A level under a unit (all districts of the country, of a region) is one index range.
        indexes = [models.Index(fields=["depth", "path"], name="orgunit_depth_path")]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        node = self.parent
        while node is not None:
            if self.pk and node.pk == self.pk:
                raise ValidationError({"parent": _("an org unit cannot sit under itself")})
            node = node.parent

    def save(self, *args, **kwargs):
        self.depth = (self.parent.depth + 1) if self.parent_id else 1
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
        if path != self.path:
            self.path = path
            OrgUnit.objects.filter(pk=self.pk).update(path=path, depth=self.depth)

    @property
    def level_name(self) -> str:
        level = OrgUnitLevel.objects.filter(depth=self.depth).first()
        return level.name if level else f"level {self.depth}"

    def ancestors(self) -> list[OrgUnit]:
        ids = [int(x) for x in self.path.strip("/").split("/") if x][:-1]
        by_id = OrgUnit.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def descendants(self):
        return OrgUnit.objects.filter(path__startswith=self.path).exclude(pk=self.pk)


class Period(models.Model):
    """A reporting period, stored once and shared by every value and trajectory point."""

    KIND_CHOICES = [(k, v.capitalize()) for k, v in P.FREQUENCY_NAMES.items()]

    code = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=2, choices=KIND_CHOICES)
    start = models.DateField()
    end = models.DateField()

    class Meta:
        ordering = ["start", "kind"]
        db_table = "monitoring_period"  # moved from monitoring without moving data

    def __str__(self) -> str:
        return self.code

    @property
    def label(self) -> str:
        """The period in words ("2005/06 Q1", "Financial year 2005/06"; a calendar period its code)."""
        from .fiscal import label

        return label(self.code)

    @classmethod
    def get(cls, code_or_period: str | P.Period) -> Period:
        """The stored period for a code (raises PeriodError for a bad code, Period.DoesNotExist if not stored).

        Reads only: a period is stored by the action that first needs it (architecture.actions.ensure_period).
        """
        p = code_or_period if isinstance(code_or_period, P.Period) else P.parse(code_or_period)
        return cls.objects.get(code=p.code)


class PortfolioTier(models.Model):
    """Not every priority gets the same attention: A+ weekly, A monthly, B quarterly."""

    name = models.CharField(max_length=40, unique=True)
    monitoring_frequency = models.CharField(
        max_length=2, choices=[(k, gettext_lazy(v)) for k, v in P.FREQUENCY_NAMES.items()]
    )
    description = models.TextField(blank=True)
    rank = models.PositiveSmallIntegerField(default=0, help_text="Lower ranks are shown first.")

    class Meta:
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.name


class Pillar(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    translations = models.JSONField(
        default=dict,
        blank=True,
        help_text='Its name and description in other languages: {"es": {"name": "..."}} (architecture.translations).',
    )
    rank = models.PositiveSmallIntegerField(default=0)
    closed_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day it was closed: it stays, with its history, but takes no new work.",
    )

    class Meta:
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.name


class Priority(models.Model):
    """A government-wide aspiration the head of government has chosen to focus on."""

    pillar = models.ForeignKey(Pillar, on_delete=models.PROTECT, related_name="priorities")
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    tier = models.ForeignKey(PortfolioTier, null=True, blank=True, on_delete=models.SET_NULL, related_name="priorities")
    lead_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="priorities")
    published = models.BooleanField(default=False, help_text="Shown on the public site.")
    translations = models.JSONField(
        default=dict,
        blank=True,
        help_text='Its name and description in other languages: {"es": {"name": "..."}} (architecture.translations).',
    )
    rank = models.PositiveSmallIntegerField(default=0)
    closed_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day it was closed: it stays, with its history, but takes no new work.",
    )

    class Meta:
        ordering = ["pillar__rank", "rank", "name"]
        verbose_name_plural = "priorities"

    def __str__(self) -> str:
        return self.name


class Outcome(models.Model):
    """Success expressed as an impact on citizens, with exactly one accountable leader."""

    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="outcomes")
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    leader = models.ForeignKey(
        "accounts.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_outcomes",
        help_text="The one person accountable. An outcome without one is flagged on the portfolio.",
    )
    translations = models.JSONField(
        default=dict,
        blank=True,
        help_text='Its name and description in other languages: {"es": {"name": "..."}} (architecture.translations).',
    )
    rank = models.PositiveSmallIntegerField(default=0)
    closed_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day it was closed: it stays, with its history, but takes no new work.",
    )

    class Meta:
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    class Direction(models.TextChoices):
        UP = S.UP, gettext_lazy("Higher is better")
        DOWN = S.DOWN, gettext_lazy("Lower is better")

    class Level(models.TextChoices):
        IMPACT = "impact", pgettext_lazy("indicator level", "Impact")
        OUTCOME = "outcome", pgettext_lazy("indicator level", "Outcome")
        OUTPUT = "output", pgettext_lazy("indicator level", "Output")
        ACTIVITY = "activity", pgettext_lazy("indicator level", "Activity")
        LEADING = "leading", pgettext_lazy("indicator level", "Leading")

    class Kind(models.TextChoices):
        PERFORMANCE = "performance", gettext_lazy("Performance indicator")
        CONTEXTUAL = "contextual", gettext_lazy("Contextual / external factor")

    class Aggregation(models.TextChoices):
        SUM = SUM, gettext_lazy("Sum")
        MEAN = MEAN, gettext_lazy("Mean")
        RATIO = RATIO, gettext_lazy("Ratio of numerator and denominator sums")

    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="indicators")
    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=40, help_text="e.g. '%', 'count', 'per 100,000 people'.")
    direction = models.CharField(max_length=4, choices=Direction.choices)
    # the frequency words are marked in delivery (gettext_noop) and read in the reader's language here
    frequency = models.CharField(
        max_length=2, choices=[(k, gettext_lazy(v)) for k, v in P.FREQUENCY_NAMES.items()], default=P.MONTH
    )
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.OUTCOME)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.PERFORMANCE)
    data_source = models.CharField(max_length=300, blank=True)
    aggregation = models.CharField(max_length=5, choices=Aggregation.choices, default=Aggregation.SUM)
    ratio_scale = models.FloatField(
        default=1.0, help_text="Multiply numerator/denominator by this: 100 for a percentage."
    )
    numerator_label = models.CharField(max_length=200, blank=True)
    denominator_label = models.CharField(max_length=200, blank=True)
    report_depth = models.PositiveSmallIntegerField(
        default=3, help_text="Org-unit level (depth) at which values are reported."
    )
    min_value = models.FloatField(null=True, blank=True)
    max_value = models.FloatField(null=True, blank=True)
    decimals = models.PositiveSmallIntegerField(default=1)
    on_track_band = models.FloatField(
        default=S.DEFAULT_ON_TRACK_BAND, help_text="Shortfall up to this share of the planned change is on track."
    )
    off_track_band = models.FloatField(
        default=S.DEFAULT_OFF_TRACK_BAND, help_text="Shortfall beyond this share of the planned change is off track."
    )
    hold_tolerance = models.FloatField(
        null=True,
        blank=True,
        help_text="For a target that holds a level (target = baseline): how far short of it, in the indicator's "
        "unit, is still on track (0.5 for half a point of a percentage). Blank: 1% of the level held.",
    )
    completeness = models.FloatField(
        default=C.DEFAULT_RULE,
        help_text="Share of expected units (0 to 1) that must report before a period's figure is the official "
        "latest; a newer, less complete period is shown as provisional with its coverage.",
    )
    # The 3M check (seed 001, rule 3): meaningful, moveable, measurable.
    meaningful = models.BooleanField(null=True, blank=True)
    moveable = models.BooleanField(null=True, blank=True)
    measurable = models.BooleanField(null=True, blank=True)
    three_m_rationale = models.TextField("3M rationale", blank=True)
    translations = models.JSONField(
        default=dict,
        blank=True,
        help_text='Its name and description in other languages: {"es": {"name": "..."}} (architecture.translations).',
    )
    rank = models.PositiveSmallIntegerField(default=0)
    closed_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day it was closed: it stays, with its history, but takes no new work.",
    )

    class Meta:
        ordering = ["rank", "code"]

    def __str__(self) -> str:
        return f"{self.name}"

    def clean(self):
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            raise ValidationError({"max_value": _("maximum must not be below minimum")})
        if not 0 <= self.on_track_band <= self.off_track_band:
            raise ValidationError({"off_track_band": _("bands must satisfy 0 <= on-track band <= off-track band")})
        if self.hold_tolerance is not None and self.hold_tolerance <= 0:
            raise ValidationError({"hold_tolerance": _("a tolerance above 0, in the indicator's unit, or blank")})
        if self.completeness is not None and not 0 < self.completeness <= 1:
            raise ValidationError({"completeness": _("a share of expected units above 0 and at most 1")})

    def value_of(self, value, numerator=None, denominator=None) -> float | None:
        """The indicator's value from a stored value or its numerator and denominator."""
        if self.aggregation == RATIO:
            if numerator is None or not denominator:
                return None
            return numerator / denominator * self.ratio_scale
        return value

    def fmt(self, value: float | None) -> str:
        """The value as the reader's language writes it (Django's formats): 1,234.5 / 1.234,5; 86.6% / 86,6 %."""
        return self.formatter()(value)

    def formatter(self):
        """fmt() for many values: the language, its separators and the percent pattern looked up once."""
        return numbers.formatter(self.decimals, percent=self.unit == "%")

    def assess(self, actual, planned, target: Target) -> S.Status:
        return S.assess(
            actual,
            planned,
            target.baseline_value,
            target.target_value,
            self.direction,
            self.on_track_band,
            self.off_track_band,
            self.hold_tolerance,
        )


class Target(models.Model):
    """Baseline and target for an indicator at one org unit (blank = the whole country).

    Never overwritten: each change is a TargetRevision with its reason.
    """

    class Status(models.TextChoices):
        PROVISIONAL = "provisional", pgettext_lazy("a target's status", "Provisional")
        COMMITTED = "committed", pgettext_lazy("a target's status", "Committed")

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets")
    org_unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, help_text="Blank for the national target."
    )
    baseline_value = models.FloatField()
    baseline_date = models.DateField()
    target_value = models.FloatField()
    target_date = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROVISIONAL)
    trajectory_method = models.CharField(
        max_length=10, choices=[(m, m.replace("_", "-")) for m in T.METHODS], default=T.LINEAR
    )
    stages = models.JSONField(
        default=list, blank=True, help_text="For a staged trajectory: [[time fraction, change fraction], ...]."
    )
    rationale = models.TextField(blank=True, help_text="Why this target: the SMART case and the benchmarks used.")
    revision = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["indicator", "org_unit"], name="one_target_per_unit")]

    def __str__(self) -> str:
        where = self.org_unit.name if self.org_unit_id else "national"
        return f"{self.indicator.code} ({where}): {self.target_value:g} by {self.target_date:%b %Y}"

    def clean(self):
        errors = {}
        if self.baseline_date and self.target_date and self.target_date <= self.baseline_date:
            errors["target_date"] = _("target date must be after the baseline date")
        if self.trajectory_method == T.STAGED:
            try:
                T.validate_stages([tuple(s) for s in self.stages or []])
            except (T.TrajectoryError, TypeError, ValueError) as exc:
                errors["stages"] = str(exc)
        if self.org_unit_id and self.indicator_id and self.org_unit.depth > self.indicator.report_depth:
            errors["org_unit"] = _("a target cannot sit below the level the indicator is reported at")
        if errors:
            raise ValidationError(errors)

    def as_plain(self) -> T.Target:
        return T.Target(self.baseline_date, self.baseline_value, self.target_date, self.target_value)


class TargetRevision(models.Model):
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="revisions")
    revision = models.PositiveIntegerField()
    baseline_value = models.FloatField()
    baseline_date = models.DateField()
    target_value = models.FloatField()
    target_date = models.DateField()
    status = models.CharField(max_length=12, choices=Target.Status.choices)
    trajectory_method = models.CharField(max_length=10)
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["target", "revision"]
        constraints = [models.UniqueConstraint(fields=["target", "revision"], name="one_row_per_target_revision")]


class TrajectoryPoint(models.Model):
    """The planned value of the target's indicator at the end of one period."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="points")
    period = models.ForeignKey(Period, on_delete=models.PROTECT)
    value = models.FloatField()

    class Meta:
        ordering = ["period__start"]
        constraints = [models.UniqueConstraint(fields=["target", "period"], name="one_point_per_period")]

    def clean(self):
        t = self.target
        if self.period_id and not (t.baseline_date < self.period.end and self.period.start <= t.target_date):
            raise ValidationError(
                {
                    "period": _("%(code)s lies outside the trajectory's span (%(baseline_date)s to %(target_date)s)")
                    % {
                        "code": self.period.code,
                        "baseline_date": f"{t.baseline_date:%Y-%m-%d}",
                        "target_date": f"{t.target_date:%Y-%m-%d}",
                    }
                }
            )
