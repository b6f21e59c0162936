"""JSON API of the plans app, mounted at /api/plans/.

Reads follow can_read_priority (404 for what the caller may not see);
writes need can_edit_plan (403) and go through plans.actions, so a bad
request is refused with the field and the reason and changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from stocktake.accounts.apiauth import api_auth
from stocktake.accounts.models import Organisation, Person
from stocktake.architecture import access as architecture_access
from stocktake.architecture.models import Indicator, Priority
from stocktake.delivery import rubric as RU
from stocktake.schemas import Error

from . import access, actions, queries
from .models import ChainActor, DeliveryChain, Milestone, Risk, Strategy, ToCLink, ToCNode

router = Router(tags=["plans"])


def _anyone(request):
    """The public reads published plans without signing in; a token or session shows unpublished ones too."""
    return "anonymous"


# Reads: a token, the browser session, or nobody (can_read_priority then shows only published priorities).
# Writes keep the API's global auth: a token, or the session with its CSRF token.
READ = [*api_auth(), _anyone]


def _priority(request, code) -> Priority:
    return access.readable_priority(request.user, code)


def _editable(request, code) -> Priority:
    priority = _priority(request, code)
    access.require_edit(request.user, priority)
    if b"\\u0000" in request.body or b"\x00" in request.body:
        # PostgreSQL cannot store NUL in text; refuse it here rather than fail on one database only
        raise HttpError(400, _("text must not contain NUL characters"))
    return priority


# Schemas ----------------------------------------------------------------------------------------------------


class MilestoneOut(Schema):
    id: int
    strategy_id: int
    strategy: str
    name: str
    owner: str | None
    due_date: date
    status: str
    completed_on: date | None
    evidence: str
    late: bool
    standing: str = Field(
        description="the one status the milestone shows on every page, pack and PDF: 'late' once past due and "
        "not done, else its status",
        json_schema_extra={"enum": [*Milestone.Status.values, Milestone.LATE]},
    )


class ImpactOut(Schema):
    indicator: str
    start_date: date
    effect: float
    ramp: str
    ramp_periods: int
    end_date: date | None
    note: str


class StrategyOut(Schema):
    id: int
    name: str
    description: str
    outcomes: list[str]
    rationale: str
    scale: str
    resources: str
    cost: Decimal | None
    definition_of_success: str
    leader: str | None
    estimated_impact: str
    impact_score: int | None
    difficulty_score: int | None
    value_rank: int | None
    withdrawn_at: datetime | None
    impacts: list[ImpactOut]
    milestones: list[MilestoneOut]


class RiskOut(Schema):
    id: int
    title: str
    strategy_id: int | None
    likelihood: int
    impact: int
    score: int
    owner: str | None
    mitigation: str
    review_date: date | None
    status: str


class ActorOut(Schema):
    id: int
    name: str
    level: int
    level_name: str
    count: int
    role: str
    leader: bool
    frontline: bool


class LinkOut(Schema):
    id: int
    source_id: int
    target_id: int
    kind: str
    strength: int


class ChainAnalysisOut(Schema):
    actors: int
    levels: int
    complexity: str
    paths: list[str]
    weakest_links: list[str]
    choke_points: list[str]
    misaligned_funding: list[str]
    paths_without_feedback: list[str]
    unreached_frontline: list[str]


class ChainOut(Schema):
    id: int
    name: str
    strategy_id: int | None
    levels: list[str]
    actors: list[ActorOut]
    links: list[LinkOut]
    analysis: ChainAnalysisOut | None
    error: str


class ComposedPoint(Schema):
    period: str
    end: date
    base: float
    contributions: dict[str, float]
    total: float


class ComposedOut(Schema):
    indicator: str
    baseline_value: float
    target_value: float
    target_date: date
    with_trend: bool
    gap: float | None
    reaches_target: bool | None
    sentence: str
    points: list[ComposedPoint]


class RubricRow(Schema):
    criterion: str
    name: str
    rating: str | None
    note: str
    rated_by: str | None
    precheck: str
    findings: list[str]


class ToCNodeOut(Schema):
    id: int
    stage: str
    text: str
    organisation: str | None
    indicator: str | None


class ToCLinkOut(Schema):
    source_id: int
    target_id: int
    organisation: str | None


class ToCOut(Schema):
    nodes: list[ToCNodeOut]
    links: list[ToCLinkOut]


class PlanOut(Schema):
    priority: str
    name: str
    strategies: list[StrategyOut]
    risks: list[RiskOut]
    chains: list[ChainOut]
    composed: list[ComposedOut]
    rubric: list[RubricRow]
    theory_of_change: ToCOut


# Serialisers ------------------------------------------------------------------------------------------------


def _milestone(m: Milestone) -> dict:
    return {
        "id": m.pk,
        "strategy_id": m.strategy_id,
        "strategy": m.strategy.name,
        "name": m.name,
        "owner": str(m.owner) if m.owner_id else None,
        "due_date": m.due_date,
        "status": m.status,
        "completed_on": m.completed_on,
        "evidence": m.evidence,
        "late": m.is_late(),
        "standing": m.standing(),
    }


def _strategy(s: Strategy, rank_of: dict) -> dict:
    return {
        "id": s.pk,
        "name": s.name,
        "description": s.description,
        "outcomes": [o.code for o in s.outcomes.all()],
        "rationale": s.rationale,
        "scale": s.scale,
        "resources": s.resources,
        "cost": s.cost,
        "definition_of_success": s.definition_of_success,
        "leader": str(s.leader) if s.leader_id else None,
        "estimated_impact": s.estimated_impact,
        "impact_score": s.impact_score,
        "difficulty_score": s.difficulty_score,
        "value_rank": rank_of.get(s.pk),
        "withdrawn_at": s.withdrawn_at,
        "impacts": [
            {
                "indicator": i.indicator.code,
                "start_date": i.start_date,
                "effect": i.effect,
                "ramp": i.ramp,
                "ramp_periods": i.ramp_periods,
                "end_date": i.end_date,
                "note": i.note,
            }
            for i in s.impacts.all()
        ],
        "milestones": [_milestone(m) for m in s.milestones.all()],
    }


def _risk(r: Risk) -> dict:
    return {
        "id": r.pk,
        "title": r.title,
        "strategy_id": r.strategy_id,
        "likelihood": r.likelihood,
        "impact": r.impact,
        "score": r.score,
        "owner": str(r.owner) if r.owner_id else None,
        "mitigation": r.mitigation,
        "review_date": r.review_date,
        "status": r.status,
    }


def _chain(view) -> dict:
    nm = view.named
    an = view.analysis
    return {
        "id": view.chain.pk,
        "name": view.chain.name,
        "strategy_id": view.chain.strategy_id,
        "levels": view.chain.levels,
        "actors": [
            {
                "id": a.pk,
                "name": a.name,
                "level": a.level,
                "level_name": a.level_name,
                "count": a.count,
                "role": a.role,
                "leader": a.leader,
                "frontline": a.frontline,
            }
            for a in view.actors
        ],
        "links": [
            {
                "id": lk.pk,
                "source_id": lk.source_id,
                "target_id": lk.target_id,
                "kind": lk.kind,
                "strength": lk.strength,
            }
            for lk in view.links
        ],
        "analysis": None
        if an is None
        else {
            "actors": an.actors,
            "levels": an.levels,
            "complexity": an.complexity,
            "paths": [view.path_names(p) for p in an.paths],
            "weakest_links": [f"{w['link']} ({w['strength']}/4)" for w in nm["weakest"]],
            "choke_points": nm["choke"],
            "misaligned_funding": nm["misaligned"],
            "paths_without_feedback": nm["no_feedback"],
            "unreached_frontline": nm["unreached"],
        },
        "error": view.error,
    }


def _composed(ci) -> dict:
    c = ci.composed
    return {
        "indicator": ci.indicator.code,
        "baseline_value": ci.target.baseline_value,
        "target_value": ci.target.target_value,
        "target_date": ci.target.target_date,
        "with_trend": ci.with_trend,
        "gap": c.gap,
        "reaches_target": c.reaches_target,
        "sentence": ci.sentence,
        "points": [
            {
                "period": r.period.code,
                "end": r.period.end,
                "base": r.base,
                "contributions": dict(zip(c.names, r.parts)),
                "total": r.total,
            }
            for r in c.rows
        ],
    }


# Reading ----------------------------------------------------------------------------------------------------


@router.get("/", response=list[str], auth=READ, summary="Codes of the priorities whose plans the caller may read")
def list_plans(request):
    return list(architecture_access.visible_priorities(request.user).values_list("code", flat=True))


@router.get("/{code}", response={200: PlanOut, 404: Error}, auth=READ, summary="A priority's whole delivery plan")
def get_plan(request, code: str, trend: bool = False):
    priority = _priority(request, code)
    strategies = queries.strategies(priority, include_withdrawn=True)
    active = [s for s in strategies if s.active]
    composed = queries.composed_for_priority(priority, with_trend=trend)
    rank_of = {c.key: r for r, c in queries.value_ranking(active)}
    pre = RU.precheck(queries.plan_facts(priority, active, composed))
    # Risks, rubric ratings and chains only for those who may read them (unpublished material, or published).
    internal = access.can_read_internal(request.user, priority)
    ratings = queries.current_ratings(priority) if internal else {}
    risks = Risk.objects.filter(priority=priority).select_related("owner") if internal else []
    return {
        "priority": priority.code,
        "name": priority.name,
        "strategies": [_strategy(s, rank_of) for s in strategies],
        "risks": [_risk(r) for r in risks],
        "chains": [_chain(queries.chain_view(c)) for c in priority.delivery_chains.all()] if internal else [],
        "composed": [_composed(c) for c in composed],
        "rubric": [
            {
                "criterion": c,
                "name": n,
                "rating": ratings[c].rating if c in ratings else None,
                "note": ratings[c].note if c in ratings else "",
                "rated_by": (ratings[c].by.username if ratings[c].by_id else None) if c in ratings else None,
                "precheck": pre.worst(c),
                "findings": [f.message for f in pre.for_criterion(c)],
            }
            for c, n, _q in RU.criteria()
        ],
        "theory_of_change": {
            "nodes": [
                {
                    "id": n.pk,
                    "stage": n.stage,
                    "text": n.text,
                    "organisation": n.organisation.code if n.organisation_id else None,
                    "indicator": n.indicator.code if n.indicator_id else None,
                }
                for n in ToCNode.objects.filter(priority=priority).select_related("organisation", "indicator")
            ],
            "links": [
                {
                    "source_id": lk.source_id,
                    "target_id": lk.target_id,
                    "organisation": lk.organisation.code if lk.organisation_id else None,
                }
                for lk in ToCLink.objects.filter(priority=priority).select_related("organisation")
            ],
        },
    }


@router.get(
    "/{code}/milestones",
    response={200: list[MilestoneOut], 404: Error},
    auth=READ,
    summary="Milestones of active strategies; late_only and at_risk filter them as a stocktake pack does",
)
def list_milestones(request, code: str, late_only: bool = False, at_risk: bool = False):
    priority = _priority(request, code)
    return [_milestone(m) for m in queries.milestones_for(priority, late_only=late_only, at_risk=at_risk)]


# Writing ----------------------------------------------------------------------------------------------------


class StrategyIn(Schema):
    name: str
    description: str = ""
    rationale: str = ""
    scale: str = ""
    resources: str = ""
    cost: Decimal | None = None
    definition_of_success: str = ""
    leader_ids: list[int] = []
    outcome_codes: list[str] = []
    estimated_impact: str = ""
    impact_score: int | None = None
    difficulty_score: int | None = None


class Created(Schema):
    id: int


def _people(ids) -> list[Person]:
    people = []
    for pid in ids:
        p = Person.objects.filter(pk=pid).first()
        if p is None:
            raise HttpError(400, _("leader_ids: no person with id %(pid)s") % {"pid": pid})
        people.append(p)
    return people


@router.post(
    "/{code}/strategies",
    response={201: Created, 400: Error, 403: Error, 404: Error},
    summary="Add a strategy with its profile; exactly one leader",
)
def create_strategy(request, code: str, payload: StrategyIn):
    priority = _editable(request, code)
    data = payload.dict()
    leaders = _people(data.pop("leader_ids"))
    outcomes = list(priority.outcomes.filter(code__in=data["outcome_codes"]))
    missing = set(data.pop("outcome_codes")) - {o.code for o in outcomes}
    if missing:
        raise HttpError(
            400,
            _("outcome_codes: %(missing)s are not outcomes of %(code)s")
            % {"missing": ", ".join(sorted(missing)), "code": priority.code},
        )
    s = actions.create_strategy(
        priority=priority, leaders=leaders, outcomes=outcomes, user=request.user, interface="api", **data
    )
    return Status(201, {"id": s.pk})


class ImpactIn(Schema):
    indicator: str
    start_date: date
    effect: float
    ramp: str = "linear"
    ramp_periods: int = 4
    end_date: date | None = None
    note: str = ""


def _own_strategy(priority, pk) -> Strategy:
    s = Strategy.objects.filter(pk=pk, priority=priority).first()
    if s is None:
        raise Http404(_("no such strategy in this plan"))
    return s


@router.put(
    "/{code}/strategies/{pk}/impacts",
    response={200: Created, 400: Error, 403: Error, 404: Error},
    summary="Set the strategy's estimated impact on one indicator (start, full effect, ramp)",
)
def set_impact(request, code: str, pk: int, payload: ImpactIn):
    priority = _editable(request, code)
    s = _own_strategy(priority, pk)
    data = payload.dict()
    indicator = Indicator.objects.filter(code=data.pop("indicator")).first()
    if indicator is None:
        raise HttpError(400, _("indicator: no indicator '%(indicator)s'") % {"indicator": payload.indicator})
    impact = actions.set_impact(strategy=s, indicator=indicator, user=request.user, interface="api", **data)
    return Status(200, {"id": impact.pk})


class WithdrawIn(Schema):
    reason: str
    confirm: bool = False


class Withdrawn(Schema):
    id: int
    withdrawn_at: datetime


@router.post(
    "/{code}/strategies/{pk}/withdraw",
    response={200: Withdrawn, 400: Error, 403: Error, 404: Error, 409: Error},
    summary="Withdraw a strategy (kept, not deleted); one that feeds a trajectory needs confirm=true",
)
def withdraw_strategy(request, code: str, pk: int, payload: WithdrawIn):
    priority = _editable(request, code)
    s = _own_strategy(priority, pk)
    try:
        s = actions.withdraw_strategy(
            s, confirm=payload.confirm, reason=payload.reason, user=request.user, interface="api"
        )
    except actions.NeedsConfirmation as exc:
        return Status(409, {"detail": str(exc)})
    return Status(200, {"id": s.pk, "withdrawn_at": s.withdrawn_at})


class MilestoneIn(Schema):
    name: str
    due_date: date
    owner_id: int | None = None
    status: str = "not_started"
    completed_on: date | None = None
    evidence: str = ""


class MilestonePatch(Schema):
    status: str | None = None
    completed_on: date | None = None
    evidence: str | None = None
    due_date: date | None = None


@router.post(
    "/{code}/strategies/{pk}/milestones",
    response={201: Created, 400: Error, 403: Error, 404: Error},
    summary="Add a milestone with owner, due date, status and evidence",
)
def add_milestone(request, code: str, pk: int, payload: MilestoneIn):
    priority = _editable(request, code)
    s = _own_strategy(priority, pk)
    data = payload.dict()
    owner_id = data.pop("owner_id")
    owner = _people([owner_id])[0] if owner_id else None
    m = actions.add_milestone(strategy=s, owner=owner, user=request.user, interface="api", **data)
    return Status(201, {"id": m.pk})


@router.patch(
    "/{code}/milestones/{pk}",
    response={200: MilestoneOut, 400: Error, 403: Error, 404: Error},
    summary="Change a milestone's status, evidence or due date",
)
def update_milestone(request, code: str, pk: int, payload: MilestonePatch):
    priority = _editable(request, code)
    m = Milestone.objects.filter(pk=pk, strategy__priority=priority).first()
    if m is None:
        raise Http404(_("no such milestone in this plan"))
    changes = payload.dict(exclude_unset=True)
    for name in ("status", "evidence", "due_date"):
        if name in changes and changes[name] is None:
            raise HttpError(400, _("%(name)s: may not be null (leave it out to keep it)") % {"name": name})
    m = actions.update_milestone(m, user=request.user, interface="api", **changes)
    return Status(200, _milestone(m))


class RiskIn(Schema):
    title: str
    likelihood: int
    impact: int
    owner_id: int | None = None
    strategy_id: int | None = None
    mitigation: str = ""
    review_date: date | None = None
    description: str = ""


@router.post(
    "/{code}/risks",
    response={201: Created, 400: Error, 403: Error, 404: Error},
    summary="Add a risk: likelihood and impact 1-5, owner, mitigation, review date",
)
def add_risk(request, code: str, payload: RiskIn):
    priority = _editable(request, code)
    data = payload.dict()
    owner_id, strategy_id = data.pop("owner_id"), data.pop("strategy_id")
    owner = _people([owner_id])[0] if owner_id else None
    strategy = None
    if strategy_id:
        strategy = Strategy.objects.filter(pk=strategy_id).first()
        if strategy is None or strategy.priority_id != priority.pk:
            raise HttpError(
                400,
                _("strategy_id: strategy %(strategy_id)s is not in the plan for %(code)s")
                % {"strategy_id": strategy_id, "code": priority.code},
            )
    r = actions.add_risk(priority=priority, owner=owner, strategy=strategy, user=request.user, interface="api", **data)
    return Status(201, {"id": r.pk})


class RiskPatch(Schema):
    title: str | None = None
    likelihood: int | None = None
    impact: int | None = None
    mitigation: str | None = None
    review_date: date | None = None
    status: str | None = None


@router.patch(
    "/{code}/risks/{pk}",
    response={200: RiskOut, 400: Error, 403: Error, 404: Error},
    summary="Re-rate, mitigate, reschedule the review of, or close a risk",
)
def update_risk(request, code: str, pk: int, payload: RiskPatch):
    priority = _editable(request, code)
    risk = Risk.objects.filter(pk=pk, priority=priority).first()
    if risk is None:
        raise Http404(_("no such risk in this plan"))
    changes = payload.dict(exclude_unset=True)
    for name in ("title", "likelihood", "impact", "mitigation", "status"):
        if name in changes and changes[name] is None:
            raise HttpError(400, _("%(name)s: may not be null (leave it out to keep it)") % {"name": name})
    risk = actions.update_risk(risk, user=request.user, interface="api", **changes)
    return Status(200, _risk(risk))


class ChainIn(Schema):
    name: str
    levels: list[str]
    strategy_id: int | None = None


class ActorIn(Schema):
    name: str
    level: int
    count: int = 1
    role: str = ""
    leader: bool = False
    frontline: bool = False


class LinkIn(Schema):
    source_id: int
    target_id: int
    kind: str = "influence"
    strength: int = 3
    note: str = ""


def _own_chain(priority, pk) -> DeliveryChain:
    chain = DeliveryChain.objects.filter(pk=pk, priority=priority).first()
    if chain is None:
        raise Http404(_("no such chain in this plan"))
    return chain


@router.post(
    "/{code}/chains",
    response={201: Created, 400: Error, 403: Error, 404: Error},
    summary="Start a delivery chain: its system levels, centre first",
)
def create_chain(request, code: str, payload: ChainIn):
    priority = _editable(request, code)
    strategy = _own_strategy(priority, payload.strategy_id) if payload.strategy_id else None
    chain = actions.create_chain(
        priority=priority,
        name=payload.name,
        levels=payload.levels,
        strategy=strategy,
        user=request.user,
        interface="api",
    )
    return Status(201, {"id": chain.pk})


@router.post(
    "/{code}/chains/{pk}/actors",
    response={201: Created, 400: Error, 403: Error, 404: Error},
    summary="Add an actor at a level, with how many of them and their role",
)
def add_actor(request, code: str, pk: int, payload: ActorIn):
    chain = _own_chain(_editable(request, code), pk)
    actor = actions.add_actor(chain=chain, user=request.user, interface="api", **payload.dict())
    return Status(201, {"id": actor.pk})


@router.post(
    "/{code}/chains/{pk}/links",
    response={201: Created, 400: Error, 403: Error, 404: Error},
    summary="Link two actors of this chain (influence, funding or feedback) with a strength 1-4",
)
def add_link(request, code: str, pk: int, payload: LinkIn):
    chain = _own_chain(_editable(request, code), pk)
    data = payload.dict()
    ends = {}
    for end in ("source_id", "target_id"):
        actor = ChainActor.objects.filter(pk=data.pop(end)).select_related("chain").first()
        if actor is None:
            raise HttpError(400, _("%(end)s: no such actor") % {"end": end})
        ends[end[:-3]] = actor
    link = actions.add_link(chain=chain, user=request.user, interface="api", **ends, **data)
    return Status(201, {"id": link.pk})


class RatingIn(Schema):
    criterion: str
    rating: str
    note: str = ""


@router.post(
    "/{code}/rubric",
    response={201: Created, 400: Error, 403: Error, 404: Error},
    summary="Rate one planning-rubric criterion red, amber_red, amber_green or green",
)
def rate(request, code: str, payload: RatingIn):
    priority = _editable(request, code)
    r = actions.rate_criterion(priority=priority, user=request.user, interface="api", **payload.dict())
    return Status(201, {"id": r.pk})


@router.get(
    "/{code}/composed/{indicator}",
    response={200: ComposedOut, 404: Error},
    auth=READ,
    summary="The trajectory composed from the plan's strategies for one indicator, with the gap to target",
)
def composed(request, code: str, indicator: str, trend: bool = False):
    priority = _priority(request, code)
    ind = get_object_or_404(Indicator, code=indicator, outcome__priority=priority)
    ci = queries.composed_for(ind, with_trend=trend)
    if ci is None:
        raise Http404(_("the indicator has no national target"))
    return _composed(ci)


class ToCNodeIn(Schema):
    stage: str
    text: str
    organisation: str | None = None
    indicator: str | None = None


class ToCLinkIn(Schema):
    source_id: int
    target_id: int
    organisation: str | None = None


def _organisation(code):
    if not code:
        return None
    org = Organisation.objects.filter(code=code).first()
    if org is None:
        raise HttpError(400, _("organisation: no organisation '%(code)s'") % {"code": code})
    return org


@router.post(
    "/{code}/toc/nodes",
    response={201: Created, 400: Error, 403: Error, 404: Error},
    summary="Add a theory-of-change box (input, activity, output, outcome, impact, assumption, external)",
)
def add_toc_node(request, code: str, payload: ToCNodeIn):
    priority = _editable(request, code)
    indicator = None
    if payload.indicator:
        indicator = Indicator.objects.filter(code=payload.indicator).first()
        if indicator is None:
            raise HttpError(400, _("indicator: no indicator '%(indicator)s'") % {"indicator": payload.indicator})
    node = actions.add_toc_node(
        priority=priority,
        stage=payload.stage,
        text=payload.text,
        organisation=_organisation(payload.organisation),
        indicator=indicator,
        user=request.user,
        interface="api",
    )
    return Status(201, {"id": node.pk})


@router.post(
    "/{code}/toc/links",
    response={201: Created, 400: Error, 403: Error, 404: Error},
    summary="Link two theory-of-change boxes forward, naming the organisation that makes the link hold",
)
def add_toc_link(request, code: str, payload: ToCLinkIn):
    priority = _editable(request, code)
    ends = [ToCNode.objects.filter(pk=pk).first() for pk in (payload.source_id, payload.target_id)]
    if None in ends:
        raise HttpError(400, _("source_id/target_id: no such theory-of-change box"))
    link = actions.add_toc_link(
        priority=priority,
        source=ends[0],
        target=ends[1],
        organisation=_organisation(payload.organisation),
        user=request.user,
        interface="api",
    )
    return Status(201, {"id": link.pk})
