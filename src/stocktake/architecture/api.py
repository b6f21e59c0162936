"""JSON API of the delivery architecture, mounted at /api/architecture/: pillars, priorities, outcomes,
indicators, targets with their trajectories, org units and their levels.

A government builds its structure here without the back office. Every write goes through
architecture/actions.py (validated and audited there) and is for the delivery unit only; reads follow
the pages (a priority, its outcomes and indicators are seen by whoever may read the priority). Org units
are also changed (moved, renamed) here; org units, pillars, priorities, outcomes and indicators are closed
and reopened by one pair of routes each, made by _close_routes.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from stocktake.accounts import permissions
from stocktake.accounts.models import Organisation, Person
from stocktake.delivery import periods as P
from stocktake.delivery import trajectory as T
from stocktake.schemas import Error, PageQuery, page_of, paged

from . import access, actions
from .models import Indicator, OrgUnit, OrgUnitLevel, Outcome, Pillar, PortfolioTier, Priority, Target

router = Router(tags=["architecture"])

Frequency = Literal[tuple(P.FREQUENCY_NAMES)]  # type: ignore[valid-type]
Direction = Literal[tuple(Indicator.Direction.values)]  # type: ignore[valid-type]
Level = Literal[tuple(Indicator.Level.values)]  # type: ignore[valid-type]
Kind = Literal[tuple(Indicator.Kind.values)]  # type: ignore[valid-type]
Aggregation = Literal[tuple(Indicator.Aggregation.values)]  # type: ignore[valid-type]
TargetStatus = Literal[tuple(Target.Status.values)]  # type: ignore[valid-type]
Method = Literal[T.METHODS]  # type: ignore[valid-type]


def _manage(request):
    if not permissions.can_manage(request.user):
        raise HttpError(403, _("only the delivery unit changes the delivery architecture"))


def _by_code(model, code: str | None, field: str):
    """The record a code names, or a 400 naming the field (None for an empty code)."""
    if not code:
        return None
    obj = model.objects.filter(code=code).first()
    if obj is None:
        raise HttpError(
            400,
            _("%(field)s: there is no %(what)s with code '%(code)s'")
            % {"field": field, "what": model._meta.verbose_name, "code": code},
        )
    return obj


def _changes(payload: Schema) -> dict:
    """The fields a PATCH body sets (left-out fields stay as they are)."""
    return payload.model_dump(exclude_unset=True, exclude={"reason"})


# -- pillars -------------------------------------------------------------------------------------------------


class PillarIn(Schema):
    code: str = Field(description="a short code, letters, digits and dashes", examples=["health"])
    name: str = Field(description="the pillar's name")
    description: str = Field("", description="what the pillar covers")
    rank: int = Field(0, ge=0, le=32767, description="order on the portfolio, lowest first")

    model_config = {"json_schema_extra": {"examples": [{"code": "health", "name": "Health", "rank": 1}]}}


class PillarPatch(Schema):
    name: str = Field(None, description="the pillar's name")
    description: str = Field(None, description="what the pillar covers")
    rank: int = Field(None, ge=0, le=32767, description="order on the portfolio, lowest first")
    reason: str = Field("", description="why it changed, for the audit trail")

    model_config = {"json_schema_extra": {"examples": [{"name": "Health and care", "reason": "renamed by cabinet"}]}}


class PillarOut(Schema):
    id: int = Field(description="the pillar's id")
    code: str = Field(description="the pillar's code")
    name: str = Field(description="the pillar's name")
    description: str = Field(description="what the pillar covers")
    rank: int = Field(description="order on the portfolio, lowest first")
    priorities: list[str] = Field(description="the codes of its priorities the caller may read")
    closed_on: date | None = Field(description="the day it was closed, or null while it is open")


def _pillar(p: Pillar, user=None) -> dict:
    visible = access.visible_priorities(user, p.priorities.all()) if user is not None else p.priorities.all()
    return {
        "id": p.pk,
        "code": p.code,
        "name": p.name,
        "description": p.description,
        "rank": p.rank,
        "priorities": [x.code for x in visible.order_by("rank", "code")],
        "closed_on": p.closed_on,
    }


class ClosedQuery(PageQuery):
    closed: bool | None = Field(None, description="true: only closed ones; false: only open ones; left out: all")


def _closed(qs, q: ClosedQuery):
    """Only the closed (or only the open) records, when the caller asks."""
    return qs if q.closed is None else qs.filter(closed_on__isnull=not q.closed)


@router.get("/pillars", response=page_of(PillarOut), summary="Pillars, in portfolio order")
def list_pillars(request, q: Query[ClosedQuery]):
    return paged(_closed(Pillar.objects.order_by("rank", "code"), q), q, lambda p: _pillar(p, request.user))


@router.get("/pillars/{code}", response={200: PillarOut, 404: Error}, summary="One pillar")
def get_pillar(request, code: str):
    return _pillar(get_object_or_404(Pillar, code=code), request.user)


@router.post("/pillars", response={201: PillarOut, 400: Error, 403: Error}, summary="Create a pillar")
def create_pillar(request, payload: PillarIn):
    _manage(request)
    p = actions.create_pillar(user=request.user, interface="api", **payload.model_dump())
    return Status(201, _pillar(p, request.user))


@router.patch(
    "/pillars/{code}", response={200: PillarOut, 400: Error, 403: Error, 404: Error}, summary="Change a pillar"
)
def change_pillar(request, code: str, payload: PillarPatch):
    _manage(request)
    p = get_object_or_404(Pillar, code=code)
    p = actions.change_pillar(p, user=request.user, interface="api", reason=payload.reason, **_changes(payload))
    return _pillar(p, request.user)


# -- priorities ----------------------------------------------------------------------------------------------


class PriorityIn(Schema):
    code: str = Field(description="a short code, letters, digits and dashes")
    name: str = Field(description="the priority's name")
    pillar: str = Field(description="the code of the pillar it belongs to")
    lead_organisation: str = Field(description="the code of the organisation that leads it")
    tier: str | None = Field(None, description="the name of its portfolio tier (A+, A, B ...), or null")
    description: str = Field("", description="the aspiration in words")
    published: bool = Field(False, description="true to show it on the public site")
    rank: int = Field(0, ge=0, le=32767, description="order within its pillar, lowest first")

    model_config = {
        "json_schema_extra": {
            "examples": [
                {"code": "ae-waits", "name": "Shorter A&E waits", "pillar": "health", "lead_organisation": "moh"}
            ]
        }
    }


class PriorityPatch(Schema):
    name: str = Field(None, description="the priority's name")
    pillar: str = Field(None, description="the code of the pillar it belongs to")
    lead_organisation: str = Field(None, description="the code of the organisation that leads it")
    tier: str | None = Field(None, description="the name of its portfolio tier, or null for none")
    description: str = Field(None, description="the aspiration in words")
    published: bool = Field(None, description="true to show it on the public site")
    rank: int = Field(None, ge=0, le=32767, description="order within its pillar, lowest first")
    reason: str = Field("", description="why it changed, for the audit trail")

    model_config = {"json_schema_extra": {"examples": [{"published": True, "reason": "announced in the budget"}]}}


class PriorityOut(Schema):
    id: int = Field(description="the priority's id")
    code: str = Field(description="the priority's code")
    name: str = Field(description="the priority's name")
    pillar: str = Field(description="the pillar's code")
    lead_organisation: str = Field(description="the leading organisation's code")
    tier: str | None = Field(description="the portfolio tier's name, or null")
    description: str = Field(description="the aspiration in words")
    published: bool = Field(description="true when the public may see it")
    rank: int = Field(description="order within its pillar")
    outcomes: list[str] = Field(description="the codes of its outcomes")
    closed_on: date | None = Field(description="the day it was closed, or null while it is open")


def _priority(p: Priority) -> dict:
    return {
        "id": p.pk,
        "code": p.code,
        "name": p.name,
        "pillar": p.pillar.code,
        "lead_organisation": p.lead_organisation.code,
        "tier": p.tier.name if p.tier_id else None,
        "description": p.description,
        "published": p.published,
        "rank": p.rank,
        "outcomes": [o.code for o in p.outcomes.order_by("rank", "code")],
        "closed_on": p.closed_on,
    }


def _priority_refs(data: dict) -> dict:
    if "pillar" in data:
        data["pillar"] = _by_code(Pillar, data["pillar"], "pillar")
    if "lead_organisation" in data:
        data["lead_organisation"] = _by_code(Organisation, data["lead_organisation"], "lead_organisation")
    if "tier" in data:
        name = data["tier"]
        data["tier"] = PortfolioTier.objects.filter(name=name).first() if name else None
        if name and data["tier"] is None:
            raise HttpError(400, _("tier: there is no portfolio tier named '%(name)s'") % {"name": name})
    return data


class PriorityQuery(ClosedQuery):
    pillar: str = Field("", description="only this pillar's priorities (its code)")
    organisation: str = Field("", description="only priorities this organisation leads (its code)")


@router.get("/priorities", response=page_of(PriorityOut), summary="Priorities the caller may read, filtered")
def list_priorities(request, q: Query[PriorityQuery]):
    qs = access.visible_priorities(request.user).select_related("pillar", "lead_organisation", "tier")
    if q.pillar:
        qs = qs.filter(pillar__code=q.pillar)
    if q.organisation:
        qs = qs.filter(lead_organisation__code=q.organisation)
    return paged(_closed(qs, q).order_by("pillar__rank", "rank", "code"), q, _priority)


def _visible_priority(request, code: str) -> Priority:
    return get_object_or_404(access.visible_priorities(request.user), code=code)


@router.get("/priorities/{code}", response={200: PriorityOut, 404: Error}, summary="One priority")
def get_priority(request, code: str):
    return _priority(_visible_priority(request, code))


@router.post("/priorities", response={201: PriorityOut, 400: Error, 403: Error}, summary="Create a priority")
def create_priority(request, payload: PriorityIn):
    _manage(request)
    p = actions.create_priority(user=request.user, interface="api", **_priority_refs(payload.model_dump()))
    return Status(201, _priority(p))


@router.patch(
    "/priorities/{code}",
    response={200: PriorityOut, 400: Error, 403: Error, 404: Error},
    summary="Change a priority (publish it, move it, rename it)",
)
def change_priority(request, code: str, payload: PriorityPatch):
    _manage(request)
    p = get_object_or_404(Priority, code=code)
    changes = _priority_refs(_changes(payload))
    p = actions.change_priority(p, user=request.user, interface="api", reason=payload.reason, **changes)
    return _priority(p)


# -- outcomes ------------------------------------------------------------------------------------------------


class OutcomeIn(Schema):
    code: str = Field(description="a short code, letters, digits and dashes")
    name: str = Field(description="the outcome: an impact on citizens, in words")
    priority: str = Field(description="the code of the priority it belongs to")
    leader_id: int | None = Field(None, ge=1, le=2**31 - 1, description="the accountable leader's Person id, or null")
    description: str = Field("", description="more about the outcome")
    rank: int = Field(0, ge=0, le=32767, description="order within its priority")

    model_config = {
        "json_schema_extra": {
            "examples": [
                {"code": "ae-4h-95", "name": "95% seen within four hours", "priority": "ae-waits", "leader_id": 3}
            ]
        }
    }


class OutcomePatch(Schema):
    name: str = Field(None, description="the outcome in words")
    priority: str = Field(None, description="the code of the priority it belongs to")
    leader_id: int | None = Field(None, ge=1, le=2**31 - 1, description="the accountable leader's Person id")
    description: str = Field(None, description="more about the outcome")
    rank: int = Field(None, ge=0, le=32767, description="order within its priority")
    reason: str = Field("", description="why it changed, for the audit trail")

    model_config = {"json_schema_extra": {"examples": [{"leader_id": 5, "reason": "new permanent secretary"}]}}


class OutcomeOut(Schema):
    id: int = Field(description="the outcome's id")
    code: str = Field(description="the outcome's code")
    name: str = Field(description="the outcome in words")
    priority: str = Field(description="the priority's code")
    leader_id: int | None = Field(description="the accountable leader's Person id, or null (flagged)")
    leader: str | None = Field(description="the accountable leader's name, or null")
    description: str = Field(description="more about the outcome")
    rank: int = Field(description="order within its priority")
    indicators: list[str] = Field(description="the codes of its indicators")
    closed_on: date | None = Field(description="the day it was closed, or null while it is open")


def _outcome(o: Outcome) -> dict:
    return {
        "id": o.pk,
        "code": o.code,
        "name": o.name,
        "priority": o.priority.code,
        "leader_id": o.leader_id,
        "leader": o.leader.name if o.leader_id else None,
        "description": o.description,
        "rank": o.rank,
        "indicators": [i.code for i in o.indicators.order_by("rank", "code")],
        "closed_on": o.closed_on,
    }


def _outcome_refs(data: dict) -> dict:
    if "priority" in data:
        data["priority"] = _by_code(Priority, data["priority"], "priority")
    if "leader_id" in data:
        pk = data.pop("leader_id")
        data["leader"] = Person.objects.filter(pk=pk).first() if pk else None
        if pk and data["leader"] is None:
            raise HttpError(400, _("leader_id: there is no person with id %(pk)s") % {"pk": pk})
    return data


class OutcomeQuery(ClosedQuery):
    priority: str = Field("", description="only this priority's outcomes (its code)")


@router.get("/outcomes", response=page_of(OutcomeOut), summary="Outcomes of the priorities the caller may read")
def list_outcomes(request, q: Query[OutcomeQuery]):
    qs = Outcome.objects.filter(priority__in=access.visible_priorities(request.user))
    if q.priority:
        qs = qs.filter(priority__code=q.priority)
    qs = _closed(qs.select_related("priority", "leader"), q)
    return paged(qs.order_by("priority__code", "rank", "code"), q, _outcome)


@router.get("/outcomes/{code}", response={200: OutcomeOut, 404: Error}, summary="One outcome")
def get_outcome(request, code: str):
    qs = Outcome.objects.filter(priority__in=access.visible_priorities(request.user))
    return _outcome(get_object_or_404(qs, code=code))


@router.post("/outcomes", response={201: OutcomeOut, 400: Error, 403: Error}, summary="Create an outcome")
def create_outcome(request, payload: OutcomeIn):
    _manage(request)
    o = actions.create_outcome(user=request.user, interface="api", **_outcome_refs(payload.model_dump()))
    return Status(201, _outcome(o))


@router.patch(
    "/outcomes/{code}",
    response={200: OutcomeOut, 400: Error, 403: Error, 404: Error},
    summary="Change an outcome (its accountable leader, its name)",
)
def change_outcome(request, code: str, payload: OutcomePatch):
    _manage(request)
    o = get_object_or_404(Outcome, code=code)
    changes = _outcome_refs(_changes(payload))
    return _outcome(actions.change_outcome(o, user=request.user, interface="api", reason=payload.reason, **changes))


# -- indicators ----------------------------------------------------------------------------------------------

INDICATOR_FIELDS = {
    "name": "the indicator's name",
    "description": "what it measures and how",
    "unit": "its unit: '%', 'count', 'per 100,000 people' ...",
    "data_source": "where the data comes from",
    "numerator_label": "what the numerator counts (ratios)",
    "denominator_label": "what the denominator counts (ratios)",
    "three_m_rationale": "why it is meaningful, moveable and measurable",
}


class IndicatorIn(Schema):
    code: str = Field(description="a short code, letters, digits and dashes")
    outcome: str = Field(description="the code of the outcome it measures")
    name: str = Field(description=INDICATOR_FIELDS["name"])
    unit: str = Field(description=INDICATOR_FIELDS["unit"])
    direction: Direction = Field(description="up: higher is better; down: lower is better")
    frequency: Frequency = Field(
        "M", description="how often it is reported (D, W, M, Q, Y, FY a financial year, FQ a fiscal quarter)"
    )
    level: Level = Field("outcome", description="its place in the results chain")
    kind: Kind = Field("performance", description="performance (judged against a target) or contextual")
    aggregation: Aggregation = Field("sum", description="how units add up: sum, mean, or ratio of the sums")
    ratio_scale: float = Field(1.0, description="for a ratio: multiply numerator/denominator by this (100 for %)")
    report_depth: int = Field(3, ge=1, le=32, description="the org-unit level values are reported at (1 the top)")
    min_value: float | None = Field(None, description="the smallest value accepted, or null")
    max_value: float | None = Field(None, description="the largest value accepted, or null")
    decimals: int = Field(1, ge=0, le=6, description="decimals shown")
    on_track_band: float = Field(0.05, ge=0, le=1, description="shortfall up to this share of the change: on track")
    off_track_band: float = Field(0.15, ge=0, le=1, description="shortfall beyond this share: off track")
    meaningful: bool | None = Field(None, description="3M check: does it matter to citizens? null if not judged")
    moveable: bool | None = Field(None, description="3M check: can the government move it? null if not judged")
    measurable: bool | None = Field(None, description="3M check: is it measured often and well? null if not judged")
    description: str = Field("", description=INDICATOR_FIELDS["description"])
    data_source: str = Field("", description=INDICATOR_FIELDS["data_source"])
    numerator_label: str = Field("", description=INDICATOR_FIELDS["numerator_label"])
    denominator_label: str = Field("", description=INDICATOR_FIELDS["denominator_label"])
    three_m_rationale: str = Field("", description=INDICATOR_FIELDS["three_m_rationale"])
    rank: int = Field(0, ge=0, le=32767, description="order within its outcome")

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "code": "ae-4h",
                    "outcome": "ae-4h-95",
                    "name": "A&E attendances seen within four hours",
                    "unit": "%",
                    "direction": "up",
                    "frequency": "M",
                    "aggregation": "ratio",
                    "ratio_scale": 100,
                    "report_depth": 3,
                    "numerator_label": "attendances within 4 hours",
                    "denominator_label": "attendances",
                }
            ]
        }
    }


class IndicatorPatch(Schema):
    outcome: str = Field(None, description="the code of the outcome it measures")
    name: str = Field(None, description=INDICATOR_FIELDS["name"])
    unit: str = Field(None, description=INDICATOR_FIELDS["unit"])
    direction: Direction = Field(None, description="up: higher is better; down: lower is better")
    frequency: Frequency = Field(None, description="how often it is reported")
    level: Level = Field(None, description="its place in the results chain")
    kind: Kind = Field(None, description="performance or contextual")
    aggregation: Aggregation = Field(None, description="how units add up")
    ratio_scale: float = Field(None, description="for a ratio: the multiplier")
    report_depth: int = Field(None, ge=1, le=32, description="the org-unit level values are reported at")
    min_value: float | None = Field(None, description="the smallest value accepted, or null")
    max_value: float | None = Field(None, description="the largest value accepted, or null")
    decimals: int = Field(None, ge=0, le=6, description="decimals shown")
    on_track_band: float = Field(None, ge=0, le=1, description="the on-track band")
    off_track_band: float = Field(None, ge=0, le=1, description="the off-track band")
    meaningful: bool | None = Field(None, description="3M check: meaningful")
    moveable: bool | None = Field(None, description="3M check: moveable")
    measurable: bool | None = Field(None, description="3M check: measurable")
    description: str = Field(None, description=INDICATOR_FIELDS["description"])
    data_source: str = Field(None, description=INDICATOR_FIELDS["data_source"])
    numerator_label: str = Field(None, description=INDICATOR_FIELDS["numerator_label"])
    denominator_label: str = Field(None, description=INDICATOR_FIELDS["denominator_label"])
    three_m_rationale: str = Field(None, description=INDICATOR_FIELDS["three_m_rationale"])
    rank: int = Field(None, ge=0, le=32767, description="order within its outcome")
    reason: str = Field("", description="why it changed, for the audit trail")

    model_config = {"json_schema_extra": {"examples": [{"max_value": 100, "reason": "a share cannot exceed 100%"}]}}


class IndicatorOut(IndicatorIn):
    id: int = Field(description="the indicator's id")
    priority: str = Field(description="the code of its outcome's priority")
    closed_on: date | None = Field(description="the day it was closed, or null while it is open")

    model_config = {"json_schema_extra": None}


def _indicator(i: Indicator) -> dict:
    out = {name: getattr(i, name) for name in IndicatorIn.model_fields if name != "outcome"}
    return {**out, "id": i.pk, "outcome": i.outcome.code, "priority": i.outcome.priority.code, "closed_on": i.closed_on}


class IndicatorQuery(ClosedQuery):
    outcome: str = Field("", description="only this outcome's indicators (its code)")
    priority: str = Field("", description="only this priority's indicators (its code)")


def _visible_indicators(request):
    return Indicator.objects.filter(outcome__priority__in=access.visible_priorities(request.user)).select_related(
        "outcome__priority"
    )


@router.get("/indicators", response=page_of(IndicatorOut), summary="Indicators of the priorities the caller may read")
def list_indicators(request, q: Query[IndicatorQuery]):
    qs = _visible_indicators(request)
    if q.outcome:
        qs = qs.filter(outcome__code=q.outcome)
    if q.priority:
        qs = qs.filter(outcome__priority__code=q.priority)
    return paged(_closed(qs, q).order_by("code"), q, _indicator)


@router.get("/indicators/{code}", response={200: IndicatorOut, 404: Error}, summary="One indicator, every field")
def get_indicator(request, code: str):
    return _indicator(get_object_or_404(_visible_indicators(request), code=code))


@router.post("/indicators", response={201: IndicatorOut, 400: Error, 403: Error}, summary="Create an indicator")
def create_indicator(request, payload: IndicatorIn):
    _manage(request)
    data = payload.model_dump()
    data["outcome"] = _by_code(Outcome, data["outcome"], "outcome")
    return Status(201, _indicator(actions.create_indicator(user=request.user, interface="api", **data)))


@router.patch(
    "/indicators/{code}",
    response={200: IndicatorOut, 400: Error, 403: Error, 404: Error},
    summary="Change an indicator's fields",
)
def change_indicator(request, code: str, payload: IndicatorPatch):
    _manage(request)
    ind = get_object_or_404(Indicator, code=code)
    changes = _changes(payload)
    if "outcome" in changes:
        changes["outcome"] = _by_code(Outcome, changes["outcome"], "outcome")
    ind = actions.change_indicator(ind, user=request.user, interface="api", reason=payload.reason, **changes)
    return _indicator(ind)


# -- targets and trajectories --------------------------------------------------------------------------------


class TargetIn(Schema):
    org_unit: str | None = Field(None, description="the org unit's code; null for the national target")
    baseline_value: float = Field(description="the value at the baseline date")
    baseline_date: date = Field(description="the baseline date (YYYY-MM-DD)")
    target_value: float = Field(description="the value to reach")
    target_date: date = Field(description="when to reach it (YYYY-MM-DD), after the baseline")
    status: TargetStatus = Field("provisional", description="provisional, or committed (changes then need a reason)")
    trajectory_method: Method = Field("linear", description="the trajectory's shape: linear, s_curve or staged")
    stages: list[list[float]] = Field(
        [], description="for staged: [[share of time, share of change], ...], each strictly between 0 and 1, rising"
    )
    rationale: str = Field("", description="why this target: the SMART case and the benchmarks")
    reason: str = Field("Initial target", description="kept with the first revision")

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "baseline_value": 71.2,
                    "baseline_date": "2025-12-31",
                    "target_value": 95,
                    "target_date": "2028-12-31",
                    "status": "committed",
                    "trajectory_method": "staged",
                    "stages": [[0.25, 0.1], [0.75, 0.7]],
                }
            ]
        }
    }


class TargetPatch(Schema):
    baseline_value: float = Field(None, description="the value at the baseline date")
    baseline_date: date = Field(None, description="the baseline date")
    target_value: float = Field(None, description="the value to reach")
    target_date: date = Field(None, description="when to reach it")
    status: TargetStatus = Field(None, description="provisional or committed")
    trajectory_method: Method = Field(None, description="the trajectory's shape")
    stages: list[list[float]] = Field(None, description="for staged: [[share of time, share of change], ...]")
    rationale: str = Field(None, description="why this target")
    reason: str = Field("", description="why it is revised: required for a committed target")

    model_config = {"json_schema_extra": {"examples": [{"target_value": 92, "reason": "agreed at the stocktake"}]}}


class PointOut(Schema):
    period: str = Field(description="the period's code")
    value: float = Field(description="the planned value at the end of the period")


class TargetOut(Schema):
    id: int = Field(description="the target's id")
    indicator: str = Field(description="the indicator's code")
    org_unit: str | None = Field(description="the org unit's code; null for the national target")
    baseline_value: float = Field(description="the value at the baseline date")
    baseline_date: date = Field(description="the baseline date")
    target_value: float = Field(description="the value to reach")
    target_date: date = Field(description="when to reach it")
    status: TargetStatus = Field(description="provisional or committed")
    trajectory_method: Method = Field(description="the trajectory's shape")
    stages: list[list[float]] = Field(description="for staged: the stages")
    rationale: str = Field(description="why this target")
    revision: int = Field(description="how many times it has been set (1 the first)")
    trajectory: list[PointOut] = Field(description="the planned value period by period")


def _target(t: Target) -> dict:
    return {
        "id": t.pk,
        "indicator": t.indicator.code,
        "org_unit": t.org_unit.code if t.org_unit_id else None,
        **{name: getattr(t, name) for name in actions.TARGET_FIELDS},
        "revision": t.revision,
        "trajectory": [{"period": p.period.code, "value": p.value} for p in t.points.select_related("period")],
    }


@router.get("/indicators/{code}/targets", response={200: list[TargetOut], 404: Error}, summary="An indicator's targets")
def list_targets(request, code: str):
    ind = get_object_or_404(_visible_indicators(request), code=code)
    return [_target(t) for t in ind.targets.select_related("indicator", "org_unit").order_by("org_unit__path")]


@router.post(
    "/indicators/{code}/targets",
    response={201: TargetOut, 400: Error, 403: Error, 404: Error},
    summary="Set an indicator's target at an org unit (or nationally); its trajectory is built from it",
)
def create_target(request, code: str, payload: TargetIn):
    _manage(request)
    ind = get_object_or_404(Indicator, code=code)
    data = payload.model_dump()
    unit = _by_code(OrgUnit, data.pop("org_unit"), "org_unit")
    t = actions.create_target(indicator=ind, org_unit=unit, user=request.user, interface="api", **data)
    return Status(201, _target(t))


@router.get("/targets/{target_id}", response={200: TargetOut, 404: Error}, summary="One target with its trajectory")
def get_target(request, target_id: int):
    if not 0 < target_id < 2**31:
        raise HttpError(404, _("not found"))
    qs = Target.objects.filter(indicator__in=_visible_indicators(request)).select_related("indicator", "org_unit")
    return _target(get_object_or_404(qs, pk=target_id))


@router.patch(
    "/targets/{target_id}",
    response={200: TargetOut, 400: Error, 403: Error, 404: Error},
    summary="Revise a target (kept as a revision; a committed one needs a reason); the trajectory is rebuilt",
)
def revise_target(request, target_id: int, payload: TargetPatch):
    _manage(request)
    if not 0 < target_id < 2**31:
        raise HttpError(404, _("not found"))
    t = get_object_or_404(Target, pk=target_id)
    t = actions.revise_target(t, user=request.user, interface="api", reason=payload.reason, **_changes(payload))
    return _target(Target.objects.select_related("indicator", "org_unit").get(pk=t.pk))


# -- org units and their levels ------------------------------------------------------------------------------


class OrgUnitIn(Schema):
    code: str = Field(description="the unit's code, as files name it")
    name: str = Field(description="the unit's name")
    parent: str | None = Field(None, description="the parent unit's code; null for a top-level unit")
    organisation: str | None = Field(None, description="the code of the organisation that runs it, or null")
    reason: str = Field("", description="why it is created, for the audit trail")

    model_config = {"json_schema_extra": {"examples": [{"code": "north-d07", "name": "Riverside", "parent": "north"}]}}


class OrgUnitOut(Schema):
    id: int = Field(description="the unit's id")
    code: str = Field(description="the unit's code")
    name: str = Field(description="the unit's name")
    parent: str | None = Field(description="the parent unit's code; null at the top")
    depth: int = Field(description="its level: 1 at the top, 2 below it ...")
    level_name: str = Field(description="the name of its level (region, district ...)")
    organisation: str | None = Field(description="the code of the organisation that runs it, or null")
    closed_on: date | None = Field(description="the day it was closed, or null while it is open")


class OrgUnitQuery(ClosedQuery):
    parent: str = Field("", description="only the children of this unit (its code)")
    depth: int | None = Field(None, ge=1, le=32, description="only units at this level")
    under: str = Field("", description="only units below this unit, at any depth (its code)")
    q: str = Field("", max_length=100, description="only units whose code or name contains this")


def _org_unit(u: OrgUnit, levels: dict[int, str]) -> dict:
    return {
        "id": u.pk,
        "code": u.code,
        "name": u.name,
        "parent": u.parent.code if u.parent_id else None,
        "depth": u.depth,
        "level_name": levels.get(u.depth, _("level %(n)s") % {"n": u.depth}),
        "organisation": u.organisation.code if u.organisation_id else None,
        "closed_on": u.closed_on,
    }


def _levels() -> dict[int, str]:
    return dict(OrgUnitLevel.objects.values_list("depth", "name"))


@router.get("/org-units", response=page_of(OrgUnitOut), summary="Org units, filtered, in hierarchy order")
def list_org_units(request, q: Query[OrgUnitQuery]):
    from django.db.models import Q

    qs = OrgUnit.objects.select_related("parent", "organisation")
    if q.parent:
        qs = qs.filter(parent__code=q.parent)
    if q.depth:
        qs = qs.filter(depth=q.depth)
    if q.under:
        top = _by_code(OrgUnit, q.under, "under")
        qs = qs.filter(path__startswith=top.path).exclude(pk=top.pk)
    if q.q:
        qs = qs.filter(Q(code__icontains=q.q) | Q(name__icontains=q.q))
    levels = _levels()
    return paged(_closed(qs, q).order_by("path"), q, lambda u: _org_unit(u, levels))


@router.get("/org-units/{code}", response={200: OrgUnitOut, 404: Error}, summary="One org unit")
def get_org_unit(request, code: str):
    u = get_object_or_404(OrgUnit.objects.select_related("parent", "organisation"), code=code)
    return _org_unit(u, _levels())


@router.post("/org-units", response={201: OrgUnitOut, 400: Error, 403: Error}, summary="Create an org unit")
def create_org_unit(request, payload: OrgUnitIn):
    _manage(request)
    u = actions.create_org_unit(
        code=payload.code,
        name=payload.name,
        parent=_by_code(OrgUnit, payload.parent, "parent"),
        organisation=_by_code(Organisation, payload.organisation, "organisation"),
        user=request.user,
        interface="api",
        reason=payload.reason,
    )
    return Status(201, _org_unit(u, _levels()))


class LevelIn(Schema):
    depth: int = Field(ge=1, le=32, description="the level's depth: 1 for the top of the hierarchy")
    name: str = Field(description="what units at this level are called (nation, region, district ...)")

    model_config = {"json_schema_extra": {"examples": [{"depth": 1, "name": "Nation"}]}}


class LevelOut(Schema):
    depth: int = Field(description="the level's depth: 1 at the top")
    name: str = Field(description="what units at this level are called")
    units: int = Field(description="how many org units sit at this level")


@router.get("/org-unit-levels", response=list[LevelOut], summary="The hierarchy's levels, top first (depth 1)")
def list_levels(request):
    from django.db.models import Count

    counts = dict(OrgUnit.objects.values_list("depth").annotate(n=Count("id")).values_list("depth", "n"))
    return [{"depth": lv.depth, "name": lv.name, "units": counts.get(lv.depth, 0)} for lv in OrgUnitLevel.objects.all()]


@router.post("/org-unit-levels", response={201: LevelOut, 400: Error, 403: Error}, summary="Name a level")
def create_level(request, payload: LevelIn):
    _manage(request)
    lv = actions.create_org_unit_level(depth=payload.depth, name=payload.name, user=request.user, interface="api")
    return Status(201, {"depth": lv.depth, "name": lv.name, "units": OrgUnit.objects.filter(depth=lv.depth).count()})


# -- portfolio tiers -----------------------------------------------------------------------------------------


class TierIn(Schema):
    name: str = Field(description="the tier's name (A+, A, B ...), as priorities name it")
    monitoring_frequency: Frequency = Field(description="how often its priorities are monitored (W, M, Q ...)")
    description: str = Field("", description="what the tier means for attention")
    rank: int = Field(0, ge=0, le=32767, description="order: lower ranks first")

    model_config = {"json_schema_extra": {"examples": [{"name": "A+", "monitoring_frequency": "W", "rank": 0}]}}


class TierOut(TierIn):
    priorities: list[str] = Field(description="the codes of the priorities in this tier")

    model_config = {"json_schema_extra": None}


def _tier(t: PortfolioTier) -> dict:
    return {
        "name": t.name,
        "monitoring_frequency": t.monitoring_frequency,
        "description": t.description,
        "rank": t.rank,
        "priorities": [p.code for p in t.priorities.order_by("code")],
    }


@router.get("/tiers", response=list[TierOut], summary="Portfolio tiers, in rank order")
def list_tiers(request):
    return [_tier(t) for t in PortfolioTier.objects.order_by("rank", "name")]


@router.post("/tiers", response={201: TierOut, 400: Error, 403: Error}, summary="Create a portfolio tier")
def create_tier(request, payload: TierIn):
    _manage(request)
    return Status(201, _tier(actions.create_tier(user=request.user, interface="api", **payload.model_dump())))


# -- changing and closing: org units moved, renamed, closed, reopened; pillars, priorities, indicators closed ----


class ArchitectureCloseIn(Schema):
    on: date = Field(default_factory=date.today, description="the day it closes (YYYY-MM-DD); today if left out")
    reason: str = Field("", description="why it closes, for the audit trail")

    model_config = {"json_schema_extra": {"examples": [{"on": "2027-03-31", "reason": "merged into the north"}]}}


class ArchitectureReopenIn(Schema):
    reason: str = Field("", description="why it reopens, for the audit trail")

    model_config = {"json_schema_extra": {"examples": [{"reason": "closed by mistake"}]}}


class OrgUnitPatch(Schema):
    code: str = Field(None, description="the unit's new code (files will name it by this)")
    name: str = Field(None, description="the unit's new name")
    parent: str | None = Field(
        None, description="the code of its new parent (the subtree moves with it); null for the top"
    )
    organisation: str | None = Field(None, description="the code of the organisation that runs it, or null")
    reason: str = Field("", description="why it changed, for the audit trail")

    model_config = {"json_schema_extra": {"examples": [{"parent": "north-d02", "reason": "boundary change"}]}}


def _unit_out(u: OrgUnit) -> dict:
    return _org_unit(OrgUnit.objects.select_related("parent", "organisation").get(pk=u.pk), _levels())


@router.patch(
    "/org-units/{code}",
    response={200: OrgUnitOut, 400: Error, 403: Error, 404: Error},
    summary="Rename or move an org unit (its subtree moves with it; the history is kept)",
)
def change_org_unit(request, code: str, payload: OrgUnitPatch):
    _manage(request)
    unit = get_object_or_404(OrgUnit, code=code)
    changes = _changes(payload)
    if "parent" in changes:
        changes["parent"] = _by_code(OrgUnit, changes["parent"], "parent")
    if "organisation" in changes:
        changes["organisation"] = _by_code(Organisation, changes["organisation"], "organisation")
    unit = actions.change_org_unit(unit, user=request.user, interface="api", reason=payload.reason, **changes)
    return _unit_out(unit)


def _close_routes(path: str, model, out_schema, out, what: str, name: str) -> None:
    """POST {path}/{code}/close and /reopen for one kind of record (name: the operations' names' tail)."""

    def close(request, code: str, payload: ArchitectureCloseIn):
        _manage(request)
        obj = get_object_or_404(model, code=code)
        return out(
            actions.close_architecture(obj, on=payload.on, user=request.user, interface="api", reason=payload.reason)
        )

    def reopen(request, code: str, payload: ArchitectureReopenIn):
        _manage(request)
        obj = get_object_or_404(model, code=code)
        return out(actions.reopen_architecture(obj, user=request.user, interface="api", reason=payload.reason))

    close.__name__, reopen.__name__ = f"close_{name}", f"reopen_{name}"
    router.post(
        f"/{path}/{{code}}/close",
        response={200: out_schema, 400: Error, 403: Error, 404: Error},
        summary=f"Close {what} on a day (kept with its history; never deleted)",
    )(close)
    router.post(
        f"/{path}/{{code}}/reopen",
        response={200: out_schema, 403: Error, 404: Error},
        summary=f"Reopen a closed {what.removeprefix('a ').removeprefix('an ')}",
    )(reopen)


_close_routes("org-units", OrgUnit, OrgUnitOut, _unit_out, "an org unit", "org_unit")
_close_routes("pillars", Pillar, PillarOut, lambda p: _pillar(p), "a pillar", "pillar")
_close_routes("priorities", Priority, PriorityOut, lambda p: _priority(p), "a priority", "priority")
_close_routes("outcomes", Outcome, OutcomeOut, _outcome, "an outcome", "outcome")
_close_routes("indicators", Indicator, IndicatorOut, lambda i: _indicator(i), "an indicator", "indicator")
