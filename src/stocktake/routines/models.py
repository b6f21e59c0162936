"""Routines: assessment rounds, the routine calendar, meetings with their minutes, and the action tracker.

Every record here is changed only through stocktake.routines.actions, which
writes the audit trail in the same transaction. Assessments also keep each
version in AssessmentVersion, because a delivery report must be able to say
what was judged, when, and what the data proposed at the time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from stocktake.delivery import assessment as A
from stocktake.delivery import calendar as C

# The engine's scales (delivery.assessment: RAG, STAGES, CHALLENGE) named in the reader's language. The engine
# keeps the English; every page, pack, report and export names a rating through these.
RATING_NAMES = {
    A.RED: pgettext_lazy("rating", "Red"),
    A.AMBER_RED: pgettext_lazy("rating", "Amber-red"),
    A.AMBER_GREEN: pgettext_lazy("rating", "Amber-green"),
    A.GREEN: pgettext_lazy("rating", "Green"),
}
STAGE_NAMES = {
    1: pgettext_lazy("stage of delivery", "Policy and planning"),
    2: pgettext_lazy("stage of delivery", "Early implementation"),
    3: pgettext_lazy("stage of delivery", "Late implementation"),
    4: pgettext_lazy("stage of delivery", "Conclusion"),
}
CHALLENGE_NAMES = {
    "H": pgettext_lazy("degree of challenge", "High"),
    "M": pgettext_lazy("degree of challenge", "Medium"),
    "L": pgettext_lazy("degree of challenge", "Low"),
}
assert (
    set(RATING_NAMES) == set(A.RAG) and set(STAGE_NAMES) == set(A.STAGES) and set(CHALLENGE_NAMES) == set(A.CHALLENGE)
)


def rating_label(judgement: str, value) -> str:
    """A judgement's rating as the pages and packs name it, in the reader's language (the engine's
    assessment.label says the same in English): "2 – Amber-red", "3 – Late implementation", "High"."""
    if value is None or value == "":
        return gettext("not rated")
    if judgement == "challenge":
        return str(CHALLENGE_NAMES[value])
    if judgement == "stage":
        return f"{value} – {STAGE_NAMES[value]}"
    return f"{value} – {RATING_NAMES[value]}"


RAG_CHOICES = [(k, format_lazy("{} – {}", k, RATING_NAMES[k])) for k in A.RAG]
STAGE_CHOICES = [(k, format_lazy("{} – {}", k, STAGE_NAMES[k])) for k in A.STAGES]
CHALLENGE_CHOICES = list(CHALLENGE_NAMES.items())


class AssessmentRound(models.Model):
    """One round of judgements across the portfolio, e.g. 'December 2026'."""

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("round or action state", "Open")
        CLOSED = "closed", pgettext_lazy("round or action state", "Closed")

    name = models.CharField(max_length=100, unique=True)
    date = models.DateField(help_text="The date the judgements speak for.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED


class Assessment(models.Model):
    """The five judgements and the likelihood of delivery for one outcome in one round."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.PROTECT, related_name="assessments")
    outcome = models.ForeignKey("architecture.Outcome", on_delete=models.PROTECT, related_name="assessments")
    challenge = models.CharField("degree of challenge", max_length=1, choices=CHALLENGE_CHOICES, blank=True)
    challenge_rationale = models.TextField(blank=True)
    planning = models.PositiveSmallIntegerField("quality of planning", choices=RAG_CHOICES, null=True, blank=True)
    planning_rationale = models.TextField(blank=True)
    capacity = models.PositiveSmallIntegerField(
        "capacity to drive progress", choices=RAG_CHOICES, null=True, blank=True
    )
    capacity_rationale = models.TextField(blank=True)
    stage = models.PositiveSmallIntegerField("stage of delivery", choices=STAGE_CHOICES, null=True, blank=True)
    stage_rationale = models.TextField(blank=True)
    evidence = models.PositiveSmallIntegerField("evidence of progress", choices=RAG_CHOICES, null=True, blank=True)
    evidence_rationale = models.TextField(blank=True)
    likelihood = models.PositiveSmallIntegerField("likelihood of delivery", choices=RAG_CHOICES, null=True, blank=True)
    likelihood_rationale = models.TextField(blank=True)
    proposed_evidence = models.PositiveSmallIntegerField(
        choices=RAG_CHOICES, null=True, blank=True, help_text="What the data proposed when the assessment was made."
    )
    proposal_reasons = models.TextField(blank=True)
    key_issues = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    narrative = models.TextField(blank=True, help_text="The delivery report's narrative for this outcome.")
    version = models.PositiveIntegerField(default=1, editable=False)
    carried_from = models.ForeignKey(
        AssessmentRound,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The round this assessment started from when its round was created (routines.actions.create_round).",
    )
    carried_over = models.JSONField(
        default=list,
        blank=True,
        help_text="The judgements (challenge, planning, capacity, stage, evidence, likelihood) still as carried over "
        "from that round: changing one's rating or rationale takes it off this list.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["round__date", "outcome__priority__pillar__rank", "outcome__priority__rank", "outcome__rank"]
        constraints = [models.UniqueConstraint(fields=["round", "outcome"], name="one_assessment_per_round_outcome")]

    def __str__(self) -> str:
        return f"{self.round}: {self.outcome}"

    def cells(self) -> list[tuple[str, object]]:
        return [(j, getattr(self, j)) for j, _ in A.JUDGEMENTS] + [("likelihood", self.likelihood)]


class AssessmentVersion(models.Model):
    """Every saved state of an assessment, never changed afterwards."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    data = models.JSONField()
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["assessment", "version"]
        constraints = [models.UniqueConstraint(fields=["assessment", "version"], name="one_row_per_assessment_version")]


class RoundEvent(models.Model):
    """Closing and reopening a round, with the reason: reopening is a deliberate, visible act."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.PROTECT, related_name="events")
    state = models.CharField(max_length=10, choices=AssessmentRound.State.choices)
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["at", "id"]


class Routine(models.Model):
    class Kind(models.TextChoices):
        STOCKTAKE = "stocktake", gettext_lazy("Stocktake with the head of government")
        MONTHLY_NOTE = "monthly_note", gettext_lazy("Monthly note to the head of government")
        DELIVERY_REPORT = "delivery_report", gettext_lazy("Six-monthly delivery report")
        TASK_FORCE = "task_force", gettext_lazy("Task-force meeting")

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    chair = models.ForeignKey("accounts.Person", on_delete=models.PROTECT, related_name="chaired_routines")
    participants = models.ManyToManyField("accounts.Person", blank=True, related_name="routines")
    frequency = models.CharField(max_length=20, choices=list(C.FREQUENCIES.items()))
    priorities = models.ManyToManyField("architecture.Priority", related_name="routines")
    starts_on = models.DateField()
    one_priority_per_meeting = models.BooleanField(
        default=True,
        help_text="Each priority gets its own slot, staggered so a minister is not called twice in a week.",
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    class State(models.TextChoices):
        SCHEDULED = "scheduled", pgettext_lazy("meeting state", "Scheduled")
        HELD = "held", pgettext_lazy("meeting state", "Held")
        CANCELLED = "cancelled", pgettext_lazy("meeting state", "Cancelled")

    routine = models.ForeignKey(Routine, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField(db_index=True)
    priorities = models.ManyToManyField("architecture.Priority", related_name="meetings")
    state = models.CharField(max_length=10, choices=State.choices, default=State.SCHEDULED)
    minutes = models.TextField(blank=True, help_text="A concise record of the discussion.")
    held_at = models.DateTimeField(null=True, blank=True)
    issued_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the pack was issued: it shows the data as it stood then (routines.frozen). "
        "Not issued: a held meeting's pack is frozen when it was recorded as held (held_at).",
    )

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.routine} – {self.date:%d %b %Y}"


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class ActionItem(models.Model):
    """An allocated action. Closing it keeps it, with the note saying what was done."""

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("round or action state", "Open")
        CLOSED = "closed", pgettext_lazy("round or action state", "Closed")

    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    priority = models.ForeignKey("architecture.Priority", on_delete=models.PROTECT, related_name="routine_actions")
    description = models.TextField()
    owner = models.ForeignKey("accounts.Person", on_delete=models.PROTECT, related_name="routine_actions")
    due = models.DateField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    closing_note = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.description[:80]

    def is_overdue(self, today) -> bool:
        return self.state == self.State.OPEN and self.due < today


STAGES = ["", "data", "charts", "layout", "done"]  # what the worker is doing with a document


class Document(models.Model):
    """A printed pack, delivery report or monthly note, generated by the background worker and kept for download.

    Its content is built with its requester's view of the portfolio (the priorities they may read),
    so only they download it. The PDF is stored in the row, so a web process on another host than
    the worker serves it all the same."""

    class Kind(models.TextChoices):
        PACK = "pack", gettext_lazy("Meeting pack")
        REPORT = "report", gettext_lazy("Delivery report")
        NOTE = "note", gettext_lazy("Monthly note")

    class Status(models.TextChoices):
        QUEUED = "queued", gettext_lazy("Queued")
        RUNNING = "running", gettext_lazy("Running")
        DONE = "done", pgettext_lazy("state of a document", "Done")
        FAILED = "failed", pgettext_lazy("state of a document", "Failed")

    class Paper(models.TextChoices):
        A4 = "a4", "A4"
        LETTER = "letter", pgettext_lazy("paper size", "Letter")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="documents")
    round = models.ForeignKey(
        AssessmentRound, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    paper = models.CharField(max_length=10, choices=Paper.choices, default=Paper.A4)
    as_of = models.CharField(
        max_length=40,
        blank=True,
        help_text="The moment the page showed when it was asked for (routines.frozen.parse_as_of): blank as issued, "
        "'now' the live view, or a date or date and time.",
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    task_id = models.CharField(max_length=64, blank=True)
    runner = models.CharField(max_length=200, blank=True, help_text="host:pid of the worker running it.")
    step = models.PositiveIntegerField(default=0)
    steps = models.PositiveIntegerField(default=0)
    stage = models.CharField(
        max_length=20, blank=True, choices=[(s, s) for s in STAGES], help_text="data, charts, layout or done."
    )
    message = models.TextField(blank=True)
    title = models.CharField(max_length=300, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    # The requester's language: the worker has no request, so it makes the PDF in this language
    # (routines.tasks activates it), and a Spanish user's pack reads Spanish.
    language = models.CharField(max_length=12, blank=True, default="")
    pages = models.PositiveIntegerField(null=True, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True, help_text="bytes")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.step / self.steps) if self.steps else 0
