"""Problem solving and the coalition (PRODUCT.md section E): problems, hypothesis trees, priority reviews, stakeholders.

Every record here is changed only through stocktake.problems.actions, which
writes the audit trail in the same transaction. Actions agreed on a problem,
in a review's action plan or in an engagement plan are routines' ActionItems
(the one action tracker), linked here by TrackedAction.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import levels as L


class Problem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANALYSIS = "analysis", _("Under analysis")
        AGREED = "agreed", _("Actions agreed")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    priority = models.ForeignKey("architecture.Priority", on_delete=models.PROTECT, related_name="problems")
    indicator = models.ForeignKey(
        "architecture.Indicator", null=True, blank=True, on_delete=models.PROTECT, related_name="problems"
    )
    org_units = models.ManyToManyField("architecture.OrgUnit", blank=True, related_name="problems")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner = models.ForeignKey("accounts.Person", on_delete=models.PROTECT, related_name="problems")
    level = models.PositiveSmallIntegerField(choices=L.LEVEL_CHOICES)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    alert = models.ForeignKey(
        "monitoring.Alert", null=True, blank=True, on_delete=models.SET_NULL, related_name="problems"
    )
    opened_on = models.DateField()
    published = models.BooleanField(default=False, help_text=_("Shown to the public."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-level", "opened_on", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_active(self) -> bool:
        return self.status not in (self.Status.RESOLVED, self.Status.CLOSED)

    @property
    def level_info(self) -> dict:
        return L.LEVELS[self.level]


class ProblemLog(models.Model):
    """What was tried and what happened, and every change of level or status with its reason."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        NOTE = "note", _("Note")
        ESCALATED = "escalated", _("Escalated")
        DEESCALATED = "deescalated", _("De-escalated")
        STATUS = "status", _("Status changed")
        ACTION = "action", _("Action agreed")

    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="log")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.TextField()
    level_from = models.PositiveSmallIntegerField(null=True, blank=True)
    level_to = models.PositiveSmallIntegerField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["at", "id"]


class AlertProblemOption(models.Model):
    """An alert rule's option: each alert it raises opens a problem (or adds to the open one for that unit)."""

    rule = models.OneToOneField("monitoring.AlertRule", on_delete=models.CASCADE, related_name="problem_option")
    level = models.PositiveSmallIntegerField(choices=L.LEVEL_CHOICES, default=2)
    owner = models.ForeignKey("accounts.Person", on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(default=True)


# Issue analysis: the hypothesis tree -------------------------------------------------------------------


class IssueTree(models.Model):
    """An issue (the key unresolved question) with its hypotheses; on a problem or a priority review."""

    problem = models.ForeignKey(Problem, null=True, blank=True, on_delete=models.PROTECT, related_name="trees")
    review = models.ForeignKey(
        "problems.PriorityReview", null=True, blank=True, on_delete=models.PROTECT, related_name="trees"
    )
    issue = models.TextField(help_text=_("What is the key unresolved question?"))
    mece_confirmed_at = models.DateTimeField(null=True, blank=True)
    mece_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mece_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.issue[:80]

    @property
    def priority(self):
        return self.problem.priority if self.problem_id else self.review.priority


class Hypothesis(models.Model):
    """One branch: what the answer might be, the analysis that tests it, and its verdict with the evidence."""

    class Verdict(models.TextChoices):
        OPEN = "open", _("Open")
        SUPPORTED = "supported", _("Supported")
        REJECTED = "rejected", pgettext_lazy("verdict of a hypothesis", "Rejected")

    tree = models.ForeignKey(IssueTree, on_delete=models.PROTECT, related_name="hypotheses")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    text = models.TextField()
    analysis = models.TextField(blank=True, help_text=_("What work must be done to prove or disprove it?"))
    end_product = models.TextField(blank=True, help_text=_("What will the output of the analysis be?"))
    sources = models.TextField(blank=True, help_text=_("Where will data and evidence come from?"))
    owner = models.ForeignKey("accounts.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    due = models.DateField(null=True, blank=True)
    verdict = models.CharField(max_length=10, choices=Verdict.choices, default=Verdict.OPEN)
    evidence_note = models.TextField(blank=True)
    evidence_indicator = models.ForeignKey(
        "architecture.Indicator", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    evidence_file = models.FileField(upload_to="problems/evidence/", blank=True)
    rank = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["rank", "id"]

    def __str__(self) -> str:
        return self.text[:80]


# Priority reviews ---------------------------------------------------------------------------------------


class PriorityReview(models.Model):
    """A 6-12 week joint review of a priority with the department (seed 003)."""

    priority = models.ForeignKey("architecture.Priority", on_delete=models.PROTECT, related_name="reviews")
    problem = models.ForeignKey(Problem, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews")
    title = models.CharField(max_length=300)
    terms_of_reference = models.TextField()
    starts_on = models.DateField()
    weeks = models.PositiveSmallIntegerField()
    team = models.ManyToManyField("accounts.Person", related_name="reviews")
    lead = models.ForeignKey("accounts.Person", on_delete=models.PROTECT, related_name="led_reviews")
    stage = models.CharField(max_length=12, choices=L.STAGE_CHOICES, default="scoping")
    indicator = models.ForeignKey(
        "architecture.Indicator",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The trajectory watched after the review."),
    )
    report_summary = models.TextField(blank=True)
    published = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def extension_weeks(self) -> int:
        return sum(e.weeks for e in self.extensions.all())

    @property
    def due_on(self):
        return self.starts_on + timedelta(weeks=self.weeks + self.extension_weeks)


class ReviewExtension(models.Model):
    review = models.ForeignKey(PriorityReview, on_delete=models.PROTECT, related_name="extensions")
    weeks = models.PositiveSmallIntegerField()
    reason = models.TextField()
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)


class ReviewStageRecord(models.Model):
    """The date a review reached a stage of the seed's process."""

    review = models.ForeignKey(PriorityReview, on_delete=models.PROTECT, related_name="stage_records")
    stage = models.CharField(max_length=12, choices=L.STAGE_CHOICES)
    reached_on = models.DateField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["reached_on", "id"]


class FieldworkNote(models.Model):
    """A visit down the delivery chain: where, when, who was seen, what was found, and any photos or files."""

    review = models.ForeignKey(PriorityReview, on_delete=models.PROTECT, related_name="fieldwork")
    org_unit = models.ForeignKey("architecture.OrgUnit", on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField()
    who = models.TextField(help_text=_("Who the team met."))
    findings = models.TextField()
    attachment = models.FileField(upload_to="problems/fieldwork/", blank=True)

    class Meta:
        ordering = ["visited_on", "id"]


class Finding(models.Model):
    review = models.ForeignKey(PriorityReview, on_delete=models.PROTECT, related_name="findings")
    text = models.TextField()
    evidence = models.TextField(blank=True)
    rank = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["rank", "id"]


# Stakeholders and coalition -----------------------------------------------------------------------------


class Stakeholder(models.Model):
    """A person or organisation in a priority's coalition, with their engagement plan (seed 001, rule 10)."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Organisation")

    priority = models.ForeignKey("architecture.Priority", on_delete=models.PROTECT, related_name="stakeholders")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.ORGANISATION)
    role = models.CharField(max_length=300, blank=True, help_text=_("Role in the delivery chain."))
    interests = models.TextField(blank=True)
    power = models.PositiveSmallIntegerField()
    support = models.PositiveSmallIntegerField()
    objective = models.TextField(blank=True, help_text=_("Objective (why)."))
    current_status = models.TextField(blank=True)
    key_messages = models.TextField(blank=True, help_text=_("Key messages (what)."))
    key_actions = models.TextField(blank=True, help_text=_("Key actions (how)."))
    timing = models.TextField(blank=True, help_text=_("Timing (when)."))

    class Meta:
        ordering = ["-power", "-support", "name"]
        constraints = [models.UniqueConstraint(fields=["priority", "name"], name="one_stakeholder_name_per_priority")]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> str:
        return L.zone(self.power, self.support)


class StakeholderPlacement(models.Model):
    """Every placement on the map, so movement between reviews can be drawn."""

    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.PROTECT, related_name="placements")
    power = models.PositiveSmallIntegerField()
    support = models.PositiveSmallIntegerField()
    on = models.DateField()
    review = models.ForeignKey(PriorityReview, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["on", "id"]


# The action tracker link ------------------------------------------------------------------------------


class TrackedAction(models.Model):
    """A routines ActionItem agreed on a problem, in a review's action plan or in an engagement plan."""

    action = models.OneToOneField("routines.ActionItem", on_delete=models.PROTECT, related_name="problem_link")
    problem = models.ForeignKey(Problem, null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    review = models.ForeignKey(
        PriorityReview, null=True, blank=True, on_delete=models.PROTECT, related_name="action_plan"
    )
    stakeholder = models.ForeignKey(
        Stakeholder, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    rank = models.PositiveSmallIntegerField(default=0, help_text=_("Order of priority in a review's action plan."))
    starts_on = models.DateField()

    class Meta:
        ordering = ["rank", "id"]
