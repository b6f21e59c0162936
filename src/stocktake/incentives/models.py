"""The outcomes fund: funds, schemes, sample checks, payments and the append-only ledger.

Money is Decimal in the database too (DecimalField), never a float; the
rules that compute it live in stocktake.delivery.payments.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from stocktake.delivery import payments as PAY
from stocktake.delivery import periods as P

from . import notes

MONEY = dict(max_digits=18, decimal_places=2)


class Fund(models.Model):
    """A pot of money the delivery unit conditions on results."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    currency = models.CharField(max_length=3, help_text=_("ISO 4217 code, e.g. 'USD', 'KES'."))
    budget = models.DecimalField(**MONEY)
    starts = models.DateField()
    ends = models.DateField()
    description = models.TextField(blank=True)
    closed_on = models.DateField(
        null=True,
        blank=True,
        help_text=_("The day the fund was closed: its schemes are closed, no new scheme or payment is made from it."),
    )

    class Meta:
        ordering = ["starts", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        if self.budget is not None and self.budget <= 0:
            errors["budget"] = _("the budget must be more than 0")
        if self.starts and self.ends and self.ends <= self.starts:
            errors["ends"] = _("the fund must end after it starts")
        if self.currency and not (len(self.currency) == 3 and self.currency.isalpha() and self.currency.isupper()):
            errors["currency"] = _("%(currency)r is not a three-letter ISO 4217 code such as 'USD'") % {
                "currency": self.currency
            }
        if errors:
            raise ValidationError(errors)


class Scheme(models.Model):
    """A payment rule attached to an indicator at an org unit, for a recipient, over payment periods."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft (simulation only)")
        ACTIVE = "active", pgettext_lazy("state of an incentive scheme", "Active")
        CLOSED = "closed", _("Closed")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="schemes")
    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    indicator = models.ForeignKey("architecture.Indicator", on_delete=models.PROTECT, related_name="schemes")
    org_unit = models.ForeignKey(
        "architecture.OrgUnit",
        on_delete=models.PROTECT,
        help_text=_("Where the result is measured: everything reported beneath it counts."),
    )
    recipient = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="incentive_schemes")
    rule = models.JSONField(help_text='e.g. {"type": "threshold", "target": "80", "amount": "50000"}')
    period_kind = models.CharField(max_length=2, choices=[(k, v) for k, v in P.FREQUENCY_NAMES.items()])
    first_period = models.ForeignKey("architecture.Period", on_delete=models.PROTECT, related_name="+")
    last_period = models.ForeignKey("architecture.Period", on_delete=models.PROTECT, related_name="+")
    cap_per_period = models.DecimalField(null=True, blank=True, **MONEY)
    cap_total = models.DecimalField(null=True, blank=True, **MONEY)
    commitment = models.DecimalField(help_text=_("Set aside from the fund's budget for this scheme."), **MONEY)
    sample_threshold = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("Share of sampled results that must be eligible (0.8 as in K-WASH); blank: no sample check."),
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    rank = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["fund", "rank", "code"]

    def __str__(self) -> str:
        return self.name

    def parsed_rule(self):
        return PAY.parse_rule(self.rule, self.indicator.direction)

    @property
    def rule_type(self) -> str:
        return PAY.RULE_TYPES.get((self.rule or {}).get("type"), "?")


class SampleCheck(models.Model):
    """A verifier's sample of a recipient's reported results for one period; a resubmission is a new check."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="sample_checks")
    period = models.ForeignKey("architecture.Period", on_delete=models.PROTECT, related_name="+")
    attempt = models.PositiveSmallIntegerField(default=1)
    checked = models.PositiveIntegerField()
    eligible = models.PositiveIntegerField()
    passed = models.BooleanField()
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["scheme", "period__start", "attempt"]
        constraints = [models.UniqueConstraint(fields=["scheme", "period", "attempt"], name="one_check_per_attempt")]

    @property
    def share(self) -> Decimal:
        return Decimal(self.eligible) / Decimal(self.checked) if self.checked else Decimal(0)


class Payment(models.Model):
    """One period's payment under a scheme, from verified values only.

    `inputs` records exactly which data values, at which versions, it used.
    A payment is never edited after it is computed except to move along its
    status; a corrected value gives a new correcting payment instead.
    """

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payment")
        CORRECTION = "correction", _("Correction")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed correction")
        COMPUTED = "computed", _("Computed")
        WITHHELD = "withheld", _("Withheld (sample check failed)")
        APPROVED = "approved", _("Approved")
        DISBURSED = "disbursed", _("Disbursed")
        REVERSED = "reversed", _("Reversed")

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="payments")
    period = models.ForeignKey("architecture.Period", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PAYMENT)
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections")
    result = models.DecimalField(max_digits=24, decimal_places=8, help_text=_("The verified value of the indicator."))
    amount = models.DecimalField(**MONEY)
    uncapped = models.DecimalField(**MONEY)
    explanation = models.TextField()
    recognition = models.CharField(max_length=200, blank=True)
    inputs = models.JSONField(default=list, help_text=_("[{id, version, state, value, numerator, denominator}] used."))
    sample_check = models.ForeignKey(SampleCheck, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices)
    needs_review = models.BooleanField(default=False)
    review_note = models.TextField(blank=True)
    computed_at = models.DateTimeField(auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    disbursed_at = models.DateTimeField(null=True, blank=True)
    disbursed = models.DecimalField(default=Decimal("0"), **MONEY)
    reference = models.CharField(
        max_length=100, blank=True, help_text=_("Treasury or bank reference of the disbursement.")
    )

    class Meta:
        ordering = ["scheme", "period__start", "computed_at", "id"]

    def __str__(self) -> str:
        return f"{self.scheme.code} {self.period.code} {self.get_kind_display().lower()} #{self.pk}"

    @property
    def is_reduction(self) -> bool:
        return self.kind == self.Kind.PAYMENT and self.amount < 0

    @property
    def shown_explanation(self) -> str:
        """The explanation in the reader's language where the system wrote it (withheld, a correction)."""
        return notes.shown(self.explanation)

    @property
    def shown_review_note(self) -> str:
        return notes.shown(self.review_note)


class LedgerEntry(models.Model):
    """One movement of the fund's money. Append-only: mistakes are undone by a reversal entry."""

    class Stage(models.TextChoices):
        COMMITMENT = "commitment", _("Commitment")
        COMPUTED = "computed", _("Computed")
        APPROVED = "approved", _("Approved")
        DISBURSED = "disbursed", _("Disbursed")
        REDUCTION = "reduction", _("Budget reduction (not fund money)")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="ledger")
    scheme = models.ForeignKey(Scheme, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger")
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    amount = models.DecimalField(**MONEY)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    reference = models.CharField(max_length=100, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = _("ledger entries")

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.amount} ({self.fund.code})"

    @property
    def shown_note(self) -> str:
        """The note in the reader's language, when the system wrote it (notes.py)."""
        return notes.shown(self.note)

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("the ledger is append-only: add a reversal entry instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the ledger is append-only: add a reversal entry instead")
