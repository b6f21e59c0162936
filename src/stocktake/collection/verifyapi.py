"""API routes for verification at scale, on the collection router (/api/collection/).

List values by state and filter, a page at a time; count what a decision on a filter would cover
(nothing changes, a token seals the count); then decide exactly what was counted. Kept apart from
collection/api.py so the value-by-value routes there stay as they were.
"""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Query, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from stocktake.accounts import permissions
from stocktake.monitoring.models import DataValue
from stocktake.schemas import Error, PageQuery, page_of, paged

from . import actions, selection
from .api import router

StateName = Literal["submitted", "validated", "returned", "published"]
DecisionName = Literal["validate", "publish", "return"]


class ValueFilterIn(Schema):
    indicator: str = Field("", description="an indicator's code; empty for every indicator", examples=["ae-4h"])
    period: str = Field("", description="a period's code (2026-10, 2026Q3, 2026); empty for every period")
    org_unit: str = Field("", description="an org unit's code: values at this unit and every unit under it")
    organisation: str = Field(
        "",
        description="an organisation's code: values of the priorities it leads, or at the org units it runs",
    )


class ValueListQuery(PageQuery, ValueFilterIn):
    state: StateName | None = Field(
        None, description="only values in this state; 'submitted' is everything awaiting validation"
    )


class ValueItemOut(Schema):
    id: int = Field(description="the value's id (GET /api/collection/values/{id} for its history)")
    indicator: str = Field(description="the indicator's code")
    org_unit: str = Field(description="the org unit's code")
    period: str = Field(description="the period's code")
    disaggregation: str = Field(description="the breakdown this value is for, '' for the total")
    value: float | None = Field(description="the value as submitted (null for a ratio's parts)")
    numerator: float | None = Field(description="a ratio's numerator, or null")
    denominator: float | None = Field(description="a ratio's denominator, or null")
    computed: float | None = Field(description="the indicator's value from the value or its parts")
    state: StateName = Field(description="where the value is in verification")
    version: int = Field(description="the current version: the one a decision must name")
    submitted_by: str | None = Field(description="user name of whoever wrote the current version")
    updated_at: str = Field(description="when the current version or decision was made (ISO 8601)")


class CountIn(ValueFilterIn):
    decision: DecisionName = Field(description="what would be done to every matching value")
    state: StateName | None = Field(
        None, description="for 'return' only: return only submitted, or only validated, values"
    )

    model_config = {
        "json_schema_extra": {"examples": [{"decision": "validate", "indicator": "ae-4h", "period": "2026-10"}]}
    }


class GroupOut(Schema):
    indicator: str = Field(description="the indicator's code")
    indicator_name: str = Field(description="the indicator's name")
    period: str = Field(description="the period's code")
    state: StateName = Field(description="the state these values are in now")
    count: int = Field(description="how many values of this indicator and period are counted")


class CountOut(Schema):
    decision: DecisionName = Field(description="the decision counted")
    count: int = Field(description="how many values the decision would cover: say this to whoever confirms")
    message: str = Field(description="the count in words, e.g. '42 values will be validated'")
    token: str = Field(description="pass to POST /api/collection/decisions/matching to decide exactly these values")
    filter: dict[str, str] = Field(description="the filter counted (empty parts left out)")
    groups: list[GroupOut] = Field(description="the counted values by indicator and period (first 50 groups)")
    own: int = Field(description="how many of them the caller submitted (refused unless self-verification is allowed)")


class MatchingIn(Schema):
    token: str = Field(description="the token from POST /api/collection/decisions/count")
    count: int = Field(ge=0, le=2**31 - 1, description="the count you confirmed; must be the token's count")
    reason: str = Field("", description="why, for 'return' (required there): the data lead reads it")

    model_config = {"json_schema_extra": {"examples": [{"token": "eyJm...", "count": 42, "reason": ""}]}}


class MatchingOut(Schema):
    decided: int = Field(description="how many values were decided")
    state: StateName = Field(description="the state they are in now")


class CountMovedError(Schema):
    detail: str = Field(description="what changed and what to do")
    counted: int = Field(description="the count you confirmed")
    now: int = Field(description="how many values match now")


class ValueRefOut(Schema):
    id: int = Field(description="the value's id")
    indicator: str = Field(description="the indicator's code")
    org_unit: str = Field(description="the org unit's code")
    period: str = Field(description="the period's code")
    disaggregation: str = Field(description="the breakdown, '' for the total")


class OwnValuesError(Schema):
    detail: str = Field(description="the refusal in words: which values and why")
    values: list[ValueRefOut] = Field(description="the values the caller submitted (first 100)")


def _ref(dv) -> dict:
    return {
        "id": dv.pk,
        "indicator": dv.indicator.code,
        "org_unit": dv.org_unit.code,
        "period": dv.period.code,
        "disaggregation": dv.disaggregation,
    }


def own_values_error(exc: actions.OwnValues) -> dict:
    return {"detail": str(exc), "values": [_ref(dv) for dv in exc.values[:100]]}


def _filter(q) -> selection.ValueFilter:
    return selection.ValueFilter(
        state=q.state or "",
        indicator=q.indicator,
        period=q.period,
        org_unit=q.org_unit,
        organisation=q.organisation,
    )


def _item(dv: DataValue) -> dict:
    return {
        **_ref(dv),
        "value": dv.value,
        "numerator": dv.numerator,
        "denominator": dv.denominator,
        "computed": dv.computed,
        "state": dv.state,
        "version": dv.version,
        "submitted_by": dv.updated_by.username if dv.updated_by else None,
        "updated_at": dv.updated_at.isoformat(),
    }


@router.get(
    "/values",
    response={200: page_of(ValueItemOut), 400: Error},
    summary="Values by state and filter (indicator, period, org unit and below, organisation), paged",
)
def list_values(request, q: Query[ValueListQuery]):
    try:
        qs = selection.visible(selection.matching(_filter(q)), request.user)
    except selection.FilterError as exc:
        raise HttpError(400, str(exc)) from exc
    qs = qs.select_related("indicator", "org_unit", "period", "updated_by").order_by("pk")
    return paged(qs, q, _item)


@router.post(
    "/decisions/count",
    response={200: CountOut, 400: Error, 403: Error},
    summary="Count what a decision on a filter would cover (nothing changes); the token seals the count",
)
def count_decision(request, payload: CountIn):
    if not permissions.can_validate(request.user):
        return Status(403, {"detail": _("only the delivery unit's validators decide on values")})
    f = _filter(payload)
    try:
        qs = selection.for_decision(f, payload.decision)
    except selection.FilterError as exc:
        raise HttpError(400, str(exc)) from exc
    seen = selection.seen_now(qs)
    own = len(actions.own_value_ids(seen, request.user)) if payload.decision != "return" else 0
    return {
        "decision": payload.decision,
        "count": len(seen),
        "message": selection.will_be(len(seen), payload.decision),
        "token": selection.seal(f, payload.decision, seen, request.user),
        "filter": f.as_dict(),
        "groups": [
            {
                "indicator": g["indicator__code"],
                "indicator_name": g["indicator__name"],
                "period": g["period__code"],
                "state": g["state"],
                "count": g["n"],
            }
            for g in selection.summary(qs)
        ],
        "own": 0 if settings.STOCKTAKE_ALLOW_SELF_VERIFY else own,
    }


@router.post(
    "/decisions/matching",
    response={200: MatchingOut, 400: Error, 403: OwnValuesError, 409: CountMovedError},
    summary="Decide everything a count covered, in one audited action; 409 if the values changed since",
)
def decide_matching(request, payload: MatchingIn):
    if not permissions.can_validate(request.user):
        return Status(403, {"detail": _("only the delivery unit's validators decide on values"), "values": []})
    try:
        _f, decision, counted, _h = selection.unseal(payload.token, request.user)
    except selection.FilterError as exc:
        raise HttpError(400, str(exc)) from exc
    if payload.count != counted:
        raise HttpError(
            400,
            _("count: the token counted %(counted)s values, not %(given)s")
            % {"counted": counted, "given": payload.count},
        )
    try:
        n = actions.decide_matching(payload.token, user=request.user, reason=payload.reason, interface="api")
    except actions.SelectionMoved as exc:
        return Status(409, {"detail": str(exc), "counted": exc.counted, "now": exc.now})
    except actions.VersionMoved as exc:  # a value moved between the count's check and its lock
        return Status(409, {"detail": str(exc), "counted": counted, "now": counted})
    except actions.OwnValues as exc:
        return Status(403, own_values_error(exc))
    except actions.ReviewError as exc:
        raise HttpError(400, str(exc)) from exc
    return {"decided": n, "state": selection.DECISIONS[decision][0]}
