"""Delivery plans: how a priority's leaders intend to move the numbers (PRODUCT.md section B).

Records are written only through plans.actions, which validates and audits
each change in the same transaction. Strategies are withdrawn, never
deleted, so a trajectory once composed from them can still be explained.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from stocktake.delivery import chains as CH
from stocktake.delivery import composition as CO
from stocktake.delivery import rubric as RU

SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class Strategy(models.Model):
    """The strategy profile of seed 001, rule 5."""

    priority = models.ForeignKey("architecture.Priority", on_delete=models.PROTECT, related_name="strategies")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text=_("The strategy and its purpose in a sentence or two."))
    outcomes = models.ManyToManyField(
        "architecture.Outcome",
        blank=True,
        related_name="strategies",
        help_text=_("Outcomes the strategy will have a significant impact on."),
    )
    rationale = models.TextField(blank=True, help_text=_("Why we believe it will have that impact."))
    scale = models.TextField(blank=True, help_text=_("At what scale it will be implemented."))
    resources = models.TextField(blank=True, help_text=_("People, time, money and technology needed."))
    cost = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Estimated cost over the plan, in currency units."),
    )
    definition_of_success = models.TextField(blank=True, help_text=_("What success looks like, and by when."))
    leader = models.ForeignKey(
        "accounts.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_strategies",
        help_text=_("The single person responsible."),
    )
    estimated_impact = models.TextField(
        blank=True, help_text=_("The impact over time, in words; numbers go in impacts.")
    )
    impact_score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=SCORE, help_text=_("1 (little) to 5 (transformative).")
    )
    difficulty_score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=SCORE, help_text=_("1 (easy) to 5 (very hard).")
    )
    rank = models.PositiveSmallIntegerField(default=0)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["priority", "rank", "name"]
        verbose_name_plural = _("strategies")

    def __str__(self) -> str:
        return self.name

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class StrategyImpact(models.Model):
    """One strategy's estimated impact on one indicator: the input to the composed trajectory."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="impacts")
    indicator = models.ForeignKey("architecture.Indicator", on_delete=models.PROTECT, related_name="strategy_impacts")
    start_date = models.DateField(help_text=_("When the strategy starts to move the indicator."))
    effect = models.FloatField(
        help_text=_("Full effect in the indicator's units, signed (e.g. +4.5 points, -12 deaths).")
    )
    ramp = models.CharField(max_length=10, choices=[(r, CO.RAMP_NAMES[r]) for r in CO.RAMPS], default=CO.LINEAR)
    ramp_periods = models.PositiveSmallIntegerField(default=4, help_text=_("Periods from start to full effect."))
    end_date = models.DateField(null=True, blank=True, help_text=_("When the effect stops (blank: it lasts)."))
    note = models.TextField(blank=True, help_text=_("The evidence behind the estimate."))

    class Meta:
        ordering = ["strategy", "start_date"]
        constraints = [models.UniqueConstraint(fields=["strategy", "indicator"], name="one_impact_per_indicator")]

    def __str__(self) -> str:
        return f"{self.strategy} on {self.indicator.code}: {self.effect:+g}"

    def clean(self):
        errors = {}
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = _("the ramp ends (%(end)s) before it starts (%(start)s)") % {
                "end": f"{self.end_date:%Y-%m-%d}",
                "start": f"{self.start_date:%Y-%m-%d}",
            }
        if self.ramp != CO.IMMEDIATE and (self.ramp_periods or 0) < 1:
            errors["ramp_periods"] = _("a ramp needs at least one period to reach full effect")
        if self.strategy_id and self.indicator_id and self.indicator.outcome.priority_id != self.strategy.priority_id:
            errors["indicator"] = _(
                "indicator '%(indicator)s' belongs to another priority's plan, not '%(priority)s'"
            ) % {"indicator": self.indicator.code, "priority": self.strategy.priority.code}
        if errors:
            raise ValidationError(errors)

    def as_plain(self) -> CO.Contribution:
        return CO.Contribution(
            self.strategy.name, self.start_date, self.effect, self.ramp, self.ramp_periods or 1, self.end_date
        )


class Milestone(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        DONE = "done", pgettext_lazy("state of a milestone", "Done")

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(max_length=300)
    owner = models.ForeignKey(
        "accounts.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="plan_milestones"
    )
    due_date = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    completed_on = models.DateField(null=True, blank=True)
    evidence = models.TextField(blank=True, help_text=_("What shows it is done: a document, a figure, a visit."))

    class Meta:
        ordering = ["due_date", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.status == self.Status.DONE and not self.completed_on:
            raise ValidationError({"completed_on": _("a milestone marked done needs the date it was completed")})
        if self.completed_on and self.status != self.Status.DONE:
            raise ValidationError({"status": _("a milestone with a completion date must be marked done")})

    def is_late(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status != self.Status.DONE and self.due_date < today

    LATE = "late"  # what a milestone past its due date and not done is, whatever status was last set

    def standing(self, today=None) -> str:
        """The one status a milestone shows, everywhere (pages, packs, PDFs, workbook, API): "late" once its
        due date has passed without it being done, else its set status. A late milestone is never also shown
        "on track": the status set before the due date no longer says anything."""
        return self.LATE if self.is_late(today) else self.status

    def standing_label(self, today=None) -> str:
        code = self.standing(today)
        return gettext("Late") if code == self.LATE else str(self.Status(code).label)


class DeliveryChain(models.Model):
    """Who does what, from the leader at the centre to the frontline (seed 001, rule 5)."""

    priority = models.ForeignKey("architecture.Priority", on_delete=models.PROTECT, related_name="delivery_chains")
    strategy = models.ForeignKey(Strategy, null=True, blank=True, on_delete=models.SET_NULL, related_name="chains")
    name = models.CharField(max_length=200)
    levels = models.JSONField(default=list, help_text=_("System levels, centre first: ['Government', 'Region', ...]."))

    class Meta:
        ordering = ["priority", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if not isinstance(self.levels, list) or not all(isinstance(x, str) and x.strip() for x in self.levels):
            raise ValidationError({"levels": _("levels must be a list of names, centre first")})
        if len(set(self.levels)) != len(self.levels):
            raise ValidationError({"levels": _("two levels share a name")})
        if self.strategy_id and self.priority_id and self.strategy.priority_id != self.priority_id:
            raise ValidationError({"strategy": _("the strategy belongs to another priority's plan")})


class ChainActor(models.Model):
    chain = models.ForeignKey(DeliveryChain, on_delete=models.CASCADE, related_name="actors")
    name = models.CharField(max_length=200)
    level = models.PositiveSmallIntegerField(help_text=_("Index into the chain's levels: 0 is the centre."))
    count = models.PositiveIntegerField(default=1, help_text=_("How many: '200 A&E departments'."))
    role = models.TextField(blank=True)
    leader = models.BooleanField(default=False, help_text=_("Leads and initiates the chain."))
    frontline = models.BooleanField(default=False, help_text=_("Where citizens feel the change."))

    class Meta:
        ordering = ["chain", "level", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.count})" if self.count != 1 else self.name

    def clean(self):
        if self.chain_id and not 0 <= self.level < len(self.chain.levels):
            raise ValidationError(
                {
                    "level": _("level %(level)s is not one of the chain's %(n)s levels (0 to %(last)s)")
                    % {"level": self.level, "n": len(self.chain.levels), "last": len(self.chain.levels) - 1}
                }
            )
        if self.count is not None and self.count < 1:
            raise ValidationError({"count": _("an actor counts at least one")})

    @property
    def level_name(self) -> str:
        levels = self.chain.levels
        return levels[self.level] if 0 <= self.level < len(levels) else str(self.level)

    def as_plain(self) -> CH.Actor:
        return CH.Actor(str(self.pk), self.name, self.level, self.count, self.role, self.leader, self.frontline)


class ChainLink(models.Model):
    chain = models.ForeignKey(DeliveryChain, on_delete=models.CASCADE, related_name="links")
    source = models.ForeignKey(ChainActor, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(ChainActor, on_delete=models.CASCADE, related_name="links_in")
    # the kinds' words are in the catalogue (forms.py marks them); a page shows get_kind_display
    kind = models.CharField(max_length=10, choices=[(k, _(k)) for k in CH.LINK_KINDS], default=CH.INFLUENCE)
    strength = models.PositiveSmallIntegerField(choices=list(CH.STRENGTHS.items()), default=3)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["chain", "id"]

    def __str__(self) -> str:
        return f"{self.source.name} -> {self.target.name} ({self.kind})"

    def clean(self):
        for end in ("source", "target"):
            actor = getattr(self, end, None) if getattr(self, f"{end}_id") else None
            if actor is not None and self.chain_id and actor.chain_id != self.chain_id:
                raise ValidationError(
                    {
                        end: _("actor '%(actor)s' belongs to another chain ('%(chain)s')")
                        % {"actor": actor.name, "chain": actor.chain.name}
                    }
                )

    def as_plain(self) -> CH.Link:
        return CH.Link(str(self.source_id), str(self.target_id), self.kind, self.strength)


class Risk(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    priority = models.ForeignKey("architecture.Priority", on_delete=models.PROTECT, related_name="risks")
    strategy = models.ForeignKey(Strategy, null=True, blank=True, on_delete=models.SET_NULL, related_name="risks")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    likelihood = models.PositiveSmallIntegerField(validators=SCORE, help_text=_("1 (rare) to 5 (almost certain)."))
    impact = models.PositiveSmallIntegerField(validators=SCORE, help_text=_("1 (minor) to 5 (severe)."))
    owner = models.ForeignKey(
        "accounts.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="plan_risks"
    )
    mitigation = models.TextField(blank=True)
    review_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)

    class Meta:
        ordering = ["priority", "-likelihood", "-impact", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    def clean(self):
        if self.strategy_id and self.priority_id and self.strategy.priority_id != self.priority_id:
            raise ValidationError({"strategy": _("the strategy belongs to another priority's plan")})


class RubricRating(models.Model):
    """One person's rating of one rubric criterion. Append-only: the latest per criterion is current."""

    priority = models.ForeignKey("architecture.Priority", on_delete=models.PROTECT, related_name="rubric_ratings")
    # The engine's names are marked for translation there and translated here when shown (get_rating_display).
    criterion = models.CharField(max_length=20, choices=[(c, _(n)) for c, n, _q in RU.CRITERIA])
    rating = models.CharField(max_length=12, choices=[(code, _(name)) for code, name in RU.RATING_NAMES.items()])
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["priority", "criterion", "-at", "-id"]

    def __str__(self) -> str:
        return f"{self.priority.code} {self.criterion}: {self.rating}"


class ToCNode(models.Model):
    """One box in a multi-agency programme's theory of change (seed 004)."""

    class Stage(models.TextChoices):
        INPUT = "input", _("Inputs")
        ACTIVITY = "activity", _("Activities")
        OUTPUT = "output", _("Outputs")
        OUTCOME = "outcome", _("Outcomes")
        IMPACT = "impact", _("Impact")
        ASSUMPTION = "assumption", _("Assumptions")
        EXTERNAL = "external", _("External factors")

    CHAIN = ["input", "activity", "output", "outcome", "impact"]

    priority = models.ForeignKey("architecture.Priority", on_delete=models.PROTECT, related_name="toc_nodes")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    text = models.CharField(max_length=300)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="toc_nodes",
        help_text=_("Accountable for this result."),
    )
    indicator = models.ForeignKey(
        "architecture.Indicator", null=True, blank=True, on_delete=models.PROTECT, related_name="toc_nodes"
    )
    rank = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["priority", "rank", "id"]

    def __str__(self) -> str:
        return self.text

    def clean(self):
        if self.indicator_id and self.priority_id and self.indicator.outcome.priority_id != self.priority_id:
            raise ValidationError(
                {"indicator": _("indicator '%(code)s' belongs to another priority") % {"code": self.indicator.code}}
            )


class ToCLink(models.Model):
    """An arrow in the theory of change, owned by the organisation responsible for making it hold."""

    priority = models.ForeignKey("architecture.Priority", on_delete=models.PROTECT, related_name="toc_links")
    source = models.ForeignKey(ToCNode, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(ToCNode, on_delete=models.CASCADE, related_name="links_in")
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="toc_links"
    )

    class Meta:
        ordering = ["priority", "id"]

    def clean(self):
        if not (self.source_id and self.target_id):
            return
        for end in (self.source, self.target):
            if end.priority_id != self.priority_id:
                raise ValidationError(
                    {"target": _("'%(box)s' belongs to another priority's theory of change") % {"box": end.text}}
                )
        chain = ToCNode.CHAIN
        if self.source.stage in chain and self.target.stage in chain:
            if chain.index(self.target.stage) <= chain.index(self.source.stage):
                raise ValidationError(
                    {
                        "target": _("a link runs forward, inputs to impact: %(source)s cannot lead to %(target)s")
                        % {"source": self.source.get_stage_display(), "target": self.target.get_stage_display()}
                    }
                )


class PlanPublication(models.Model):
    """Whether the delivery unit has published a priority's internal plan material to every reader.

    Risks, rubric ratings with their reviewers' notes and delivery chains with their weak links are the
    delivery unit's and the lead ministry's working material: readers without rights to unpublished
    material (the public, other ministries) see them only once the delivery unit publishes them here.
    No row means not published.
    """

    priority = models.OneToOneField(
        "architecture.Priority", on_delete=models.CASCADE, primary_key=True, related_name="plan_publication"
    )
    published = models.BooleanField(default=False)
    changed_at = models.DateTimeField(auto_now=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    def __str__(self) -> str:
        return f"{self.priority_id}: {'published' if self.published else 'internal'}"
