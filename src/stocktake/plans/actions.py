"""The one write path for plans.

Pages, the API, the admin and the demo all call these, so a strategy with
two leaders, a ramp ending before it starts, a link to another chain's
actor or a loop in a chain's hierarchy is refused the same way everywhere,
and every change is audited in the same transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stocktake.accounts import audit, permissions
from stocktake.delivery import chains as CH
from stocktake.delivery import rubric as RU

from .models import (
    ChainActor,
    ChainLink,
    DeliveryChain,
    Milestone,
    PlanPublication,
    Risk,
    RubricRating,
    Strategy,
    StrategyImpact,
    ToCLink,
    ToCNode,
)

STRATEGY_FIELDS = {
    "name",
    "description",
    "rationale",
    "scale",
    "resources",
    "cost",
    "definition_of_success",
    "estimated_impact",
    "impact_score",
    "difficulty_score",
    "rank",
}
IMPACT_FIELDS = {"start_date", "effect", "ramp", "ramp_periods", "end_date", "note"}
MILESTONE_FIELDS = {"name", "owner", "due_date", "status", "completed_on", "evidence"}
RISK_FIELDS = {
    "title",
    "description",
    "likelihood",
    "impact",
    "owner",
    "mitigation",
    "review_date",
    "status",
    "strategy",
}


def _unknown(changes: dict, allowed: set, what: str) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(
            _("cannot change %(fields)s on a %(what)s") % {"fields": ", ".join(sorted(unknown)), "what": what}
        )


def _one_leader(leaders) -> object | None:
    """A strategy has one accountable leader (seed 001): naming two is refused, not silently trimmed."""
    people = [p for p in (leaders or []) if p is not None]
    if len(people) > 1:
        names = ", ".join(str(p) for p in people)
        raise ValidationError(
            {
                "leader": _("a strategy has a single accountable leader; %(n)s were named (%(names)s)")
                % {"n": len(people), "names": names}
            }
        )
    return people[0] if people else None


def _change(obj, changes: dict, *, user, interface, reason=""):
    for name, value in changes.items():
        setattr(obj, name, value)
    return audit.save_audited(obj, user=user, interface=interface, reason=reason)


# Strategies -------------------------------------------------------------------------------------------


@transaction.atomic
def create_strategy(*, priority, name, leaders=(), outcomes=(), user=None, interface="web", **fields) -> Strategy:
    _unknown(fields, STRATEGY_FIELDS - {"name"}, _("strategy"))
    strategy = Strategy(priority=priority, name=name, leader=_one_leader(leaders), **fields)
    audit.save_audited(strategy, user=user, interface=interface)
    for outcome in outcomes:
        if outcome.priority_id != priority.pk:
            raise ValidationError(
                {"outcomes": _("outcome '%(code)s' belongs to another priority") % {"code": outcome.code}}
            )
    if outcomes:
        strategy.outcomes.set(outcomes)
    return strategy


@transaction.atomic
def update_strategy(strategy: Strategy, *, user=None, interface="web", reason="", leaders=None, **changes) -> Strategy:
    _unknown(changes, STRATEGY_FIELDS, _("strategy"))
    if leaders is not None:
        changes["leader"] = _one_leader(leaders)
    current = Strategy.objects.select_for_update().get(pk=strategy.pk)
    return _change(current, changes, user=user, interface=interface, reason=reason)


class NeedsConfirmation(Exception):
    """Withdrawing this strategy changes a composed trajectory; the caller must ask first."""

    def __init__(self, strategy, impacts):
        self.strategy, self.impacts = strategy, impacts
        codes = ", ".join(sorted({i.indicator.code for i in impacts}))
        super().__init__(
            _("'%(strategy)s' feeds the composed trajectory of %(codes)s; confirm to withdraw it")
            % {"strategy": strategy.name, "codes": codes}
        )


@transaction.atomic
def withdraw_strategy(strategy: Strategy, *, confirm=False, reason="", user=None, interface="web") -> Strategy:
    """Take a strategy out of the plan. Kept, with its impacts, so the old trajectory can be explained."""
    current = Strategy.objects.select_for_update().get(pk=strategy.pk)
    if current.withdrawn_at:
        raise ValidationError(_("'%(strategy)s' was already withdrawn") % {"strategy": current.name})
    impacts = list(current.impacts.select_related("indicator"))
    if impacts and not confirm:
        raise NeedsConfirmation(current, impacts)
    if not reason.strip():
        raise ValidationError({"reason": _("say why the strategy is withdrawn")})
    return _change(
        current,
        {"withdrawn_at": timezone.now(), "withdrawn_reason": reason},
        user=user,
        interface=interface,
        reason=reason,
    )


# Estimated impacts --------------------------------------------------------------------------------------


@transaction.atomic
def set_impact(*, strategy, indicator, user=None, interface="web", reason="", **fields) -> StrategyImpact:
    """Create or revise a strategy's estimate of impact on an indicator; the audit keeps every version."""
    _unknown(fields, IMPACT_FIELDS, _("strategy impact"))
    impact = StrategyImpact.objects.select_for_update().filter(strategy=strategy, indicator=indicator).first()
    if impact is None:
        impact = StrategyImpact(strategy=strategy, indicator=indicator)
    return _change(impact, fields, user=user, interface=interface, reason=reason)


@transaction.atomic
def remove_impact(impact: StrategyImpact, *, user=None, interface="web", reason="") -> None:
    audit.delete_audited(impact, user=user, interface=interface, reason=reason)


# Milestones ----------------------------------------------------------------------------------------------


@transaction.atomic
def add_milestone(*, strategy, name, due_date, user=None, interface="web", **fields) -> Milestone:
    _unknown(fields, MILESTONE_FIELDS, _("milestone"))
    return audit.save_audited(
        Milestone(strategy=strategy, name=name, due_date=due_date, **fields), user=user, interface=interface
    )


@transaction.atomic
def update_milestone(milestone: Milestone, *, user=None, interface="web", reason="", **changes) -> Milestone:
    _unknown(changes, MILESTONE_FIELDS, _("milestone"))
    current = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if changes.get("status") == Milestone.Status.DONE and not changes.get("completed_on") and not current.completed_on:
        changes["completed_on"] = timezone.localdate()
    if "status" in changes and changes["status"] != Milestone.Status.DONE:
        changes.setdefault("completed_on", None)
    return _change(current, changes, user=user, interface=interface, reason=reason)


# Delivery chains ------------------------------------------------------------------------------------------


def _check_chain(chain: DeliveryChain, extra_link: ChainLink | None = None) -> None:
    actors = [a.as_plain() for a in chain.actors.all()]
    links = [lk.as_plain() for lk in chain.links.all()]
    if extra_link is not None:
        links.append(extra_link.as_plain())
    names = {a.key: a.name for a in actors}
    cycle = CH.influence_cycle(links)
    if cycle:
        loop = " -> ".join(names.get(k, k) for k in cycle + [cycle[0]])
        raise ValidationError(
            {
                "target": _(
                    "a delivery chain is a hierarchy: influence must run one way from the centre to the frontline, "
                    "but this link makes it loop: %(loop)s"
                )
                % {"loop": loop}
            }
        )
    try:
        CH.validate(actors, links)
    except CH.ChainError as exc:
        raise ValidationError({"links": str(exc)}) from exc


@transaction.atomic
def create_chain(*, priority, name, levels, strategy=None, user=None, interface="web") -> DeliveryChain:
    return audit.save_audited(
        DeliveryChain(priority=priority, name=name, levels=list(levels), strategy=strategy),
        user=user,
        interface=interface,
    )


@transaction.atomic
def add_actor(
    *, chain, name, level, count=1, role="", leader=False, frontline=False, user=None, interface="web"
) -> ChainActor:
    return audit.save_audited(
        ChainActor(chain=chain, name=name, level=level, count=count, role=role, leader=leader, frontline=frontline),
        user=user,
        interface=interface,
    )


@transaction.atomic
def add_link(*, chain, source, target, kind=CH.INFLUENCE, strength=3, note="", user=None, interface="web") -> ChainLink:
    link = ChainLink(chain=chain, source=source, target=target, kind=kind, strength=strength, note=note)
    link.full_clean()
    _check_chain(chain, link)
    return audit.save_audited(link, user=user, interface=interface)


@transaction.atomic
def rate_link(link: ChainLink, *, strength, user=None, interface="web", reason="") -> ChainLink:
    current = ChainLink.objects.select_for_update().get(pk=link.pk)
    return _change(current, {"strength": strength}, user=user, interface=interface, reason=reason)


@transaction.atomic
def remove_link(link: ChainLink, *, user=None, interface="web", reason="") -> None:
    """Take a link out of the chain; the audit trail keeps what it was."""
    audit.delete_audited(link, user=user, interface=interface, reason=reason)


@transaction.atomic
def remove_actor(actor: ChainActor, *, user=None, interface="web", reason="") -> None:
    """Take an actor out of the chain with its links, each removal in the audit trail."""
    for link in ChainLink.objects.filter(models.Q(source=actor) | models.Q(target=actor)):
        audit.delete_audited(
            link,
            user=user,
            interface=interface,
            reason=reason or _("actor '%(actor)s' removed") % {"actor": actor.name},
        )
    audit.delete_audited(actor, user=user, interface=interface, reason=reason)


# Risks ------------------------------------------------------------------------------------------------------


@transaction.atomic
def add_risk(*, priority, title, likelihood, impact, user=None, interface="web", **fields) -> Risk:
    _unknown(fields, RISK_FIELDS, _("risk"))
    return audit.save_audited(
        Risk(priority=priority, title=title, likelihood=likelihood, impact=impact, **fields),
        user=user,
        interface=interface,
    )


@transaction.atomic
def update_risk(risk: Risk, *, user=None, interface="web", reason="", **changes) -> Risk:
    _unknown(changes, RISK_FIELDS, _("risk"))
    current = Risk.objects.select_for_update().get(pk=risk.pk)
    return _change(current, changes, user=user, interface=interface, reason=reason)


# Publishing the internal material -------------------------------------------------------------------------


@transaction.atomic
def publish_plan_material(priority, *, published: bool, user=None, interface="web", reason="") -> PlanPublication:
    """Publish (or take back) a priority's risks, rubric ratings and notes, and delivery chains to every reader
    of the priority. Only the delivery unit decides what it publishes."""
    if not permissions.can_manage(user):
        raise PermissionDenied(_("only the delivery unit publishes a plan's risks, rubric and chains"))
    current = PlanPublication.objects.select_for_update().filter(priority=priority).first()
    row = current or PlanPublication(priority=priority)
    row.published = bool(published)
    row.changed_by = user if getattr(user, "is_authenticated", False) else None
    return audit.save_audited(row, user=user, interface=interface, reason=reason)


# The planning rubric ----------------------------------------------------------------------------------------


@transaction.atomic
def rate_criterion(*, priority, criterion, rating, note="", user=None, interface="web") -> RubricRating:
    """Add a rating; earlier ones stay as the criterion's history."""
    try:
        RU.check_rating(criterion, rating)
    except RU.RubricError as exc:
        raise ValidationError({"rating": str(exc)}) from exc
    by = user if getattr(user, "is_authenticated", False) else None
    return audit.save_audited(
        RubricRating(priority=priority, criterion=criterion, rating=rating, note=note, by=by),
        user=user,
        interface=interface,
    )


# Theory of change -----------------------------------------------------------------------------------------


@transaction.atomic
def add_toc_node(
    *, priority, stage, text, organisation=None, indicator=None, rank=0, user=None, interface="web"
) -> ToCNode:
    node = ToCNode(priority=priority, stage=stage, text=text, organisation=organisation, indicator=indicator, rank=rank)
    node.full_clean()
    return audit.save_audited(node, user=user, interface=interface)


@transaction.atomic
def add_toc_link(*, priority, source, target, organisation=None, user=None, interface="web") -> ToCLink:
    link = ToCLink(priority=priority, source=source, target=target, organisation=organisation)
    link.full_clean()
    if source.pk == target.pk:
        raise ValidationError({"target": _("a box cannot lead to itself")})
    if ToCLink.objects.filter(priority=priority, source=source, target=target).exists():
        raise ValidationError(
            {"target": _("'%(source)s' already leads to '%(target)s'") % {"source": source.text, "target": target.text}}
        )
    return audit.save_audited(link, user=user, interface=interface)


@transaction.atomic
def remove_toc_link(link: ToCLink, *, user=None, interface="web", reason="") -> None:
    audit.delete_audited(link, user=user, interface=interface, reason=reason)


@transaction.atomic
def remove_toc_node(node: ToCNode, *, user=None, interface="web", reason="") -> None:
    """Take a box out of the theory of change with its arrows, each removal in the audit trail."""
    for link in ToCLink.objects.filter(models.Q(source=node) | models.Q(target=node)):
        audit.delete_audited(
            link, user=user, interface=interface, reason=reason or _("box '%(box)s' removed") % {"box": node.text}
        )
    audit.delete_audited(node, user=user, interface=interface, reason=reason)


@transaction.atomic
def set_strategy_outcomes(strategy: Strategy, outcomes, *, user=None, interface="web", reason="") -> Strategy:
    """The outcomes a strategy moves (stocktake.onboarding): audited as the list of outcome ids before and after."""
    outcomes = list(outcomes)
    for outcome in outcomes:
        if outcome.priority_id != strategy.priority_id:
            raise ValidationError(
                {"outcomes": _("outcome '%(code)s' belongs to another priority") % {"code": outcome.code}}
            )
    before = sorted(strategy.outcomes.values_list("pk", flat=True))
    after = sorted(o.pk for o in outcomes)
    if before != after:
        strategy.outcomes.set(outcomes)
        audit.record(
            user=user,
            interface=interface,
            action="change",
            obj=strategy,
            before={"outcomes": before},
            after={"outcomes": after},
            reason=reason,
        )
    return strategy
