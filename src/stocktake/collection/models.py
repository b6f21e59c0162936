"""Imports, source mappings, reviews and reminders.

Data values themselves, and the rollups dashboards read, live in monitoring;
this app records how values came in (ImportBatch), how foreign files map
onto our codes (ColumnMapping, Dhis2Mapping), what the delivery unit decided
about them (Review) and whom we chased (Reminder).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from stocktake.delivery.sourcemaps import check_mapping


class ColumnMapping(models.Model):
    """How one source's files, as they arrive, map onto Stocktake's long format (see delivery.sourcemaps)."""

    name = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True)
    config = models.JSONField(help_text="org_unit, period, indicators, skip, encoding, delimiter, create_org_units ...")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """The mapping's options checked as the API and the mappings page check them (the back office too)."""
        problems = check_mapping(self.config)
        if problems:
            raise ValidationError({"config": problems})


class Dhis2Mapping(models.Model):
    """One DHIS2 id and the Stocktake code it stands for."""

    class Kind(models.TextChoices):
        DATA_ELEMENT = "data_element", _("Data element → indicator")
        ORG_UNIT = "org_unit", _("Org unit → org unit")
        COMBO = "category_option_combo", _("Category option combo → disaggregation")

    class Field(models.TextChoices):
        VALUE = "value", _("Value")
        NUMERATOR = "numerator", _("Numerator")
        DENOMINATOR = "denominator", _("Denominator")

    kind = models.CharField(max_length=24, choices=Kind.choices)
    dhis2_id = models.CharField("DHIS2 id", max_length=60)
    code = models.CharField(
        max_length=100,
        blank=True,
        help_text="Indicator code, org unit code or disaggregation ('' for the default combo).",
    )
    field = models.CharField(
        max_length=12,
        choices=Field.choices,
        default=Field.VALUE,
        help_text="For data elements: which part of the indicator this element carries.",
    )
    name = models.CharField(max_length=200, blank=True, help_text="DHIS2's name, for people.")

    class Meta:
        ordering = ["kind", "dhis2_id"]
        constraints = [models.UniqueConstraint(fields=["kind", "dhis2_id"], name="one_mapping_per_dhis2_id")]
        verbose_name = "DHIS2 mapping"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.dhis2_id} → {self.code or '(default)'}"


class ImportBatch(models.Model):
    """One import run, dry or committed, with its report. Kept for ever, like the values it brought."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused")
        FAILED = "failed", _("Failed")

    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    interface = models.CharField(max_length=10, default="web")
    file_name = models.CharField(max_length=255)
    format = models.CharField(max_length=12)
    mapping = models.ForeignKey(ColumnMapping, null=True, blank=True, on_delete=models.SET_NULL)
    dry_run = models.BooleanField(default=False)
    strict = models.BooleanField(default=False, help_text="Store nothing if any row is rejected.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    message = models.TextField(blank=True)
    rows_read = models.PositiveIntegerField(default=0, help_text="Rows of the file read (blank rows not counted).")
    records = models.PositiveIntegerField(default=0, help_text="Records made from those rows (one per value).")
    rows_skipped = models.PositiveIntegerField(default=0, help_text="File rows a mapping's rule left out.")
    skipped = models.JSONField(default=dict, blank=True, help_text="Skipped rows by rule: {rule: count}.")
    rows_accepted = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    units_created = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="The first errors in full: row, column, message.")
    error_summary = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True, help_text="Data-quality warnings (do not block).")
    seconds = models.FloatField(default=0)
    # The job: who runs it (host:pid), when it started and last said it was alive, and the uploaded file
    # waiting in the spool for the worker.
    task_id = models.CharField(max_length=64, blank=True)
    runner = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    spool = models.CharField(max_length=500, blank=True)
    # The requester's language: a queued import runs in the worker, which has no request, and writes its
    # refusals and row errors in this language (collection.tasks activates it).
    language = models.CharField(max_length=12, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "import batches"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    def __str__(self) -> str:
        return f"import #{self.pk} {self.file_name}"

    @property
    def source_label(self) -> str:
        return f"import #{self.pk}"

    @property
    def stored(self) -> bool:
        return self.status == self.Status.DONE and not self.dry_run and (self.created or self.changed) > 0


class Review(models.Model):
    """A verification decision on a data value: validated, returned (with why) or published."""

    data_value = models.ForeignKey("monitoring.DataValue", on_delete=models.PROTECT, related_name="reviews")
    # The value's indicator and period, copied: on PostgreSQL the foreign key to the value is
    # (data_value, indicator, period), the values' distribution and partition key
    # (docs/decisions/0007-distribution.md). save() fills them; bulk writers pass them.
    indicator = models.ForeignKey("architecture.Indicator", on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey("architecture.Period", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(help_text="The value's version the decision was about.")
    state = models.CharField(max_length=10)
    previous_state = models.CharField(max_length=10)
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["data_value", "at", "id"]

    def save(self, *args, **kwargs):
        if self.data_value_id is not None and (self.indicator_id is None or self.period_id is None):
            self.indicator_id, self.period_id = self.data_value.indicator_id, self.data_value.period_id
        super().save(*args, **kwargs)


class Reminder(models.Model):
    """An email sent to a data lead about a period's data, so nobody is chased twice for the same thing."""

    class Kind(models.TextChoices):
        DUE = "due", _("Due soon")
        LATE = "late", _("Late")

    indicator = models.ForeignKey("architecture.Indicator", on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey("architecture.Period", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    email = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period", "kind", "email"], name="one_reminder_each")
        ]
