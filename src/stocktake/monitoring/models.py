"""Where and when data is reported, and the data values themselves."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from stocktake.delivery import periods as P


class OrgUnitLevel(models.Model):
    """A level of the hierarchy: 1 nation, 2 region, 3 district, 4 facility, or any depth."""

    depth = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["depth"]

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
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
        help_text="The subnational government or provider responsible for this unit, if any.",
    )

    class Meta:
        ordering = ["path"]
        verbose_name = "org unit"

    def __str__(self) -> str:
        return self.name

    def clean(self):
        node = self.parent
        while node is not None:
            if self.pk and node.pk == self.pk:
                raise ValidationError({"parent": "an org unit cannot sit under itself"})
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

    def ancestors(self) -> list["OrgUnit"]:
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

    def __str__(self) -> str:
        return self.code

    @classmethod
    def get(cls, code_or_period: str | P.Period) -> "Period":
        """The stored period for a code, creating it on first use (raises PeriodError)."""
        p = code_or_period if isinstance(code_or_period, P.Period) else P.parse(code_or_period)
        obj, _ = cls.objects.get_or_create(code=p.code, defaults={"kind": p.kind, "start": p.start, "end": p.end})
        return obj


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

    indicator = models.ForeignKey("architecture.Indicator", on_delete=models.PROTECT, related_name="values")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="values")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="values")
    disaggregation = models.CharField(max_length=100, blank=True, default="",
                                      help_text="e.g. 'sex=female;age=0-4'; blank for the total.")
    value = models.FloatField(null=True, blank=True)
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SUBMITTED)
    comment = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    source = models.CharField(max_length=100, blank=True, help_text="Where this version came from: 'web', 'import #12', 'demo'.")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "org_unit", "period", "disaggregation"], name="one_value_per_cell"),
        ]
        indexes = [models.Index(fields=["indicator", "period"])]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.org_unit.code} {self.period.code}"

    def clean(self):
        ind = self.indicator
        errors = {}
        if self.org_unit_id and self.org_unit.depth != ind.report_depth:
            errors["org_unit"] = (
                f"{ind.code} is reported at level {ind.report_depth}; "
                f"{self.org_unit.code} is at level {self.org_unit.depth}"
            )
        if self.period_id and self.period.kind != ind.frequency:
            errors["period"] = (
                f"{ind.code} is reported {P.FREQUENCY_NAMES[ind.frequency]}; "
                f"{self.period.code} is {P.FREQUENCY_NAMES.get(self.period.kind, self.period.kind)}"
            )
        if ind.aggregation == "ratio":
            if self.denominator is None:
                errors["denominator"] = f"{ind.code} is a ratio: a denominator is required"
            elif self.denominator == 0:
                errors["denominator"] = "denominator must not be zero"
            if self.numerator is None:
                errors["numerator"] = f"{ind.code} is a ratio: a numerator is required"
        elif self.value is None:
            errors["value"] = "a value is required"
        computed = ind.value_of(self.value, self.numerator, self.denominator)
        if computed is not None:
            if ind.min_value is not None and computed < ind.min_value:
                errors["value"] = f"{computed:g} is below the allowed minimum {ind.min_value:g}"
            if ind.max_value is not None and computed > ind.max_value:
                errors["value"] = f"{computed:g} is above the allowed maximum {ind.max_value:g}"
        if errors:
            raise ValidationError(errors)

    @property
    def computed(self) -> float | None:
        return self.indicator.value_of(self.value, self.numerator, self.denominator)


class DataValueVersion(models.Model):
    """Every version of every data value, kept for ever."""

    data_value = models.ForeignKey(DataValue, on_delete=models.PROTECT, related_name="versions")
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
        constraints = [models.UniqueConstraint(fields=["data_value", "version"], name="one_row_per_version")]
