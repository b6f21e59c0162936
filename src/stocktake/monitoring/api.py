"""JSON API of the monitoring app, mounted at /api/monitoring/.

The same numbers as the pages (tables.py, series.py, forecasting.py), under
the same permission checks: the public sees published priorities only.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from stocktake import errors
from stocktake.accounts import permissions as perms
from stocktake.accounts.apiauth import api_auth
from stocktake.architecture import fiscal
from stocktake.architecture.models import Indicator, Period
from stocktake.delivery import coverage as C
from stocktake.delivery import periods as P
from stocktake.schemas import Error

from . import access, actions, alerts, forecasting, marks, roots, series, tables
from .models import Alert
from .views import portfolio_data

router = Router(tags=["monitoring"])
_NOTHING_BELOW = gettext_noop("unit: %(unit)s is at the level %(indicator)s is reported at; nothing lies below it")


def _public(request):
    """Anyone may ask; what they get is still filtered by permissions (the public: published priorities only)."""
    return True


def readers():
    """A token or session if the caller has one (so they see what their role allows), else the public view."""

    return [*api_auth(), _public]


class PortfolioRow(Schema):
    priority: str
    indicator: str
    indicator_name: str
    period: str | None
    period_label: str | None = Field(
        description="the latest official period in words, translated (2025/26 Q4; a calendar period its code), or null",
        examples=["2025/26 Q4"],
    )
    latest: float | None
    planned: float | None
    target: float | None
    status: str
    shortfall_share: float | None
    trend: str
    probability: float | None
    provisional_period: str | None
    provisional_period_label: str | None = Field(
        description="the provisional period in words, translated (2025/26 Q4; a calendar period its code), or null",
        examples=["2025/26 Q4"],
    )
    provisional: float | None
    root: str | None
    units_reported: int | None
    units_expected: int | None
    provisional_units_reported: int | None
    provisional_units_expected: int | None
    provisional_incomplete: bool
    partial: bool
    partial_reason: str


class ForecastPointOut(Schema):
    date: date
    mean: float
    low: float
    high: float


class ForecastOut(Schema):
    indicator: str
    unit: str
    method: str | None
    level: float | None
    target: float | None
    probability: float | None
    note: str
    points: list[ForecastPointOut]


class CellOut(Schema):
    period: str
    period_label: str = Field(
        description="the period in words, translated (2025/26 Q4; a calendar period its code)", examples=["2025/26 Q4"]
    )
    value: float | None
    status: str
    unverified: bool
    units_reported: int | None
    units_expected: int | None
    denominator_share: float | None
    incomplete: bool


class HeatmapRow(Schema):
    unit: str
    name: str
    cells: list[CellOut]


class PeriodOut(Schema):
    code: str
    label: str = Field(
        description="the period in words, translated (2025/26 Q4; a calendar period its code)", examples=["2025/26 Q4"]
    )
    units_reported: int | None
    units_expected: int | None
    denominator_share: float | None
    incomplete: bool
    partial: bool
    partial_reason: str


class HeatmapOut(Schema):
    indicator: str
    root: str
    parent: str
    periods: list[str]
    period_coverage: list[PeriodOut]
    rows: list[HeatmapRow]


class LeagueRowOut(Schema):
    rank: int | None
    previous_rank: int | None
    movement: int | None
    unit: str
    name: str
    value: float | None
    planned: float | None
    gap: float | None
    status: str
    unverified: bool
    period: str
    period_label: str = Field(
        description="the league's period in words, translated (2025/26 Q4; a calendar period its code)",
        examples=["2025/26 Q4"],
    )
    units_reported: int | None
    units_expected: int | None
    denominator_share: float | None
    incomplete: bool
    partial: bool
    partial_reason: str


class AlertOut(Schema):
    id: int
    indicator: str
    unit: str
    period: str
    message: str
    raised_at: str
    emailed_to: list[str]


class AlertRuleIn(Schema):
    indicator: str
    kind: str
    depth: int = 3
    worst: str = "off_track"
    periods: int = 2


class AlertRuleOut(Schema):
    id: int
    indicator: str
    kind: str
    depth: int
    worst: str
    periods: int
    active: bool


def _alert(a: Alert) -> dict:
    return {
        "id": a.pk,
        "indicator": a.rule.indicator.code,
        "unit": a.org_unit.code,
        "period": a.period.code,
        "message": a.message,
        "raised_at": a.raised_at.isoformat(),
        "emailed_to": [e for e in a.emailed_to.splitlines() if e],
    }


@router.get(
    "/portfolio",
    response=list[PortfolioRow],
    summary="Every visible indicator's official status, trend and forecast",
    auth=readers(),
)
def portfolio(request, root: str | None = None):
    where = access.root_unit(request) if roots.roots() else None
    out = []
    for p in portfolio_data(request, where, include_closed=True):  # the API's rows as before: every one
        for pr in p["priorities"]:
            for o in pr["outcomes"]:
                for r in o["rows"]:
                    look = getattr(r, "outlook", None)
                    out.append(
                        {
                            "priority": pr["priority"].code,
                            "indicator": r.indicator.code,
                            "indicator_name": r.indicator.name,
                            "period": r.latest_period,
                            "period_label": fiscal.label(r.latest_period) if r.latest_period else None,
                            "latest": r.latest,
                            "planned": r.planned,
                            "target": r.target.target_value if r.target else None,
                            "status": r.status.code,
                            "shortfall_share": r.status.share,
                            "trend": r.trend,
                            "probability": look.probability if look else None,
                            "provisional_period": r.provisional_period,
                            "provisional_period_label": (
                                fiscal.label(r.provisional_period) if r.provisional_period else None
                            ),
                            "provisional": r.provisional,
                            "root": where.code if where else None,
                            "units_reported": r.coverage.reported if r.coverage else None,
                            "units_expected": r.coverage.expected if r.coverage else None,
                            "provisional_units_reported": pc.reported if (pc := r.provisional_coverage) else None,
                            "provisional_units_expected": pc.expected if pc else None,
                            "provisional_incomplete": r.provisional_incomplete,
                            "partial": bool(r.partial or r.provisional_partial),
                            "partial_reason": marks.partial_text(r.partial or r.provisional_partial),
                        }
                    )
    return out


@router.get(
    "/indicators/{code}/forecast",
    response=ForecastOut,
    summary="Forecast to the target date and the chance of meeting it",
    auth=readers(),
)
def forecast(request, code: str, unit: str | None = None, root: str | None = None):
    ind = access.indicator(request.user, code)
    picked = access.unit(unit)
    top = access.root_unit(request, picked, ind)
    where = picked or top
    basis = access.value_basis(request.user, ind)
    plan = series.Plan.build(ind, [where.pk], root=top, basis=basis)
    look = forecasting.outlook(ind, where, plan, basis=basis)
    fc = look.forecast
    return {
        "indicator": ind.code,
        "unit": where.code,
        "method": fc.method if fc else None,
        "level": fc.level if fc else None,
        "target": look.target_value,
        "probability": look.probability,
        "note": look.note,
        "points": [{"date": p.on, "mean": p.mean, "low": p.low, "high": p.high} for p in (fc.points if fc else [])],
    }


Frequency = Literal[tuple(P.ORDER)]  # type: ignore[valid-type]
FREQUENCY_HELP = (
    "the frequency to show the series at: the indicator's own (the default) or one it rolls up into whole "
    "(D day, W week, M month, Q calendar quarter, FQ fiscal quarter, Y calendar year, FY financial year); "
    "the choices for an indicator are listed in `frequencies`"
)


class SeriesQuery(Schema):
    unit: str | None = Field(None, description="the org unit's code (default: the root)")
    root: str | None = Field(None, description="the top-level org unit (hierarchy) to read within (default: its own)")
    frequency: Frequency | None = Field(None, description=FREQUENCY_HELP)


class SeriesPoint(Schema):
    period: str = Field(
        description="the period's code (2026-03, 2026Q1, 2026April a financial year, 2026AprilQ1 its first quarter)"
    )
    label: str = Field(description="the period in words, translated (2026/27 Q1, Financial year 2026/27)")
    start: date = Field(description="the period's first day")
    end: date = Field(description="the period's last day")
    value: float | None = Field(description="the figure shown: official where every part of it is, else provisional")
    unverified: bool = Field(description="true when the figure is not (all) validated or published")
    units_reported: int = Field(
        description="values reported beneath the unit in this period (summed over its months at a coarser frequency)"
    )
    units_expected: int = Field(description="values expected beneath the unit (0 when not known)")
    incomplete: bool = Field(description="true when fewer units reported than the indicator's completeness rule asks")
    parts: int | None = Field(
        description="how many periods at the indicator's frequency the figure is built from; null at its own frequency"
    )
    parts_expected: int | None = Field(
        description="how many such periods the period has (3 months in a quarter); null at its own frequency"
    )
    partial: bool = Field(description="true when the period has not ended or is built from fewer parts than it has")
    partial_reason: str = Field(description="why the period is partial, in words; empty when it is whole")


class SeriesOut(Schema):
    indicator: str = Field(description="the indicator's code")
    unit: str = Field(description="the org unit's code")
    root: str = Field(description="the top-level org unit the figures are read within")
    frequency: Frequency = Field(description="the frequency the points are at")
    frequencies: list[Frequency] = Field(description="the frequencies this indicator can be shown at, its own first")
    points: list[SeriesPoint] = Field(description="the series, oldest first")


@router.get(
    "/indicators/{code}/series",
    response={200: SeriesOut, 400: Error, 404: Error},
    summary="An indicator's series at a unit, at its own frequency or a coarser one (quarter, year, fiscal quarter, "
    "financial year)",
    auth=readers(),
)
def indicator_series(request, code: str, q: Query[SeriesQuery]):
    ind = access.indicator(request.user, code)
    picked = access.unit(q.unit)
    top = access.root_unit(request, picked, ind)
    where = picked or top
    kinds = [ind.frequency, *P.rolls_into(ind.frequency)]
    frequency = q.frequency or ind.frequency
    if frequency not in kinds:
        raise HttpError(
            400,
            _("frequency: %(code)s is reported %(reported)s and cannot be shown at '%(given)s'; use one of %(kinds)s")
            % {
                "code": ind.code,
                "reported": P.FREQUENCY_NAMES[ind.frequency],
                "given": frequency,
                "kinds": ", ".join(kinds),
            },
        )
    basis = access.value_basis(request.user, ind)
    rows = series.rows_at(ind, where, frequency, basis)
    official = {r["period__code"]: v for r, v in series.series(ind, where, official=True, rows=rows)}
    points = []
    for r, value in series.series(ind, where, rows=rows):
        code_ = r["period__code"]
        verified = code_ in official
        cov = series.coverage_of(r, official=verified)
        part = series.partial_of(r)
        points.append(
            {
                "period": code_,
                "label": fiscal.label(code_),
                "start": r["period__start"],
                "end": r["period__end"],
                "value": official[code_] if verified else value,
                "unverified": not verified,
                "units_reported": cov.reported,
                "units_expected": cov.expected,
                "incomplete": not cov.meets(ind.completeness),
                "parts": r.get("parts"),
                "parts_expected": r.get("parts_expected"),
                "partial": part is not None,
                "partial_reason": marks.partial_text(part),
            }
        )
    return {
        "indicator": ind.code,
        "unit": where.code,
        "root": top.code,
        "frequency": frequency,
        "frequencies": kinds,
        "points": points,
    }


@router.get(
    "/indicators/{code}/heatmap", response=HeatmapOut, summary="Org units x periods, coloured by status", auth=readers()
)
def heatmap(
    request, code: str, unit: str | None = None, depth: int | None = None, periods: int = 12, root: str | None = None
):
    ind = access.indicator(request.user, code)
    picked = access.unit(unit)
    top = access.root_unit(request, picked, ind)
    parent = picked or top
    if parent.depth >= ind.report_depth:
        raise HttpError(400, _(_NOTHING_BELOW) % {"unit": parent.code, "indicator": ind.code})
    depth = max(parent.depth + 1, min(depth or parent.depth + 1, ind.report_depth))
    basis = access.value_basis(request.user, ind)
    ps = tables.recent_periods(ind, max(1, min(periods, 60)), top, basis)
    hm = tables.units_by_periods(ind, parent, depth, ps, top, basis)
    rows = []
    for u in hm.units:
        cells = []
        for p in ps:
            c = hm.cells.get((u.pk, p.pk))
            if c:
                cells.append(
                    {
                        "period": p.code,
                        "period_label": p.label,
                        "value": c.value,
                        "status": c.status.code,
                        "unverified": c.unverified,
                        **_coverage(c.coverage),
                        "incomplete": c.incomplete,
                    }
                )
        rows.append({"unit": u.code, "name": u.name, "cells": cells})
    return {
        "indicator": ind.code,
        "root": top.code,
        "parent": parent.code,
        "periods": [p.code for p in ps],
        "period_coverage": _period_coverage(ind, parent, ps, basis),
        "rows": rows,
    }


def _coverage(cov) -> dict:
    return {
        "units_reported": cov.reported if cov else None,
        "units_expected": cov.expected if cov else None,
        "denominator_share": round(cov.weight_share, 4) if cov and cov.weight_share is not None else None,
    }


def _period_coverage(ind, parent, periods, basis) -> list[dict]:
    """Each period's coverage under `parent` (what the reader's basis shows) and whether it is partial."""
    cov = tables.root_coverage(ind, parent, periods, basis)
    today = timezone.localdate()
    out = []
    for p in periods:
        c = cov.get(p.pk)
        part = C.partial(p.start, p.end, today)
        out.append(
            {
                "code": p.code,
                "label": p.label,
                **_coverage(c),
                "incomplete": c is not None and not c.meets(ind.completeness),
                "partial": part is not None,
                "partial_reason": marks.partial_text(part),
            }
        )
    return out


@router.get(
    "/indicators/{code}/league",
    response=list[LeagueRowOut],
    summary="Units ranked best first, with movement and gap to trajectory",
    auth=readers(),
)
def league(
    request,
    code: str,
    unit: str | None = None,
    depth: int | None = None,
    period: str | None = None,
    root: str | None = None,
):
    ind = access.indicator(request.user, code)
    picked = access.unit(unit)
    top = access.root_unit(request, picked, ind)
    parent = picked or top
    if parent.depth >= ind.report_depth:
        raise HttpError(400, _(_NOTHING_BELOW) % {"unit": parent.code, "indicator": ind.code})
    depth = max(parent.depth + 1, min(depth or min(3, ind.report_depth), ind.report_depth))
    basis = access.value_basis(request.user, ind)
    if period:
        p = get_object_or_404(Period, code=period)
    else:
        latest = tables.latest_official_periods([ind], top, basis).get(ind.pk)
        if latest is None:
            return []
        p = Period.objects.get(pk=latest)
    head = _period_coverage(ind, parent, [p], basis)[0]
    return [
        {
            "rank": r.rank,
            "previous_rank": r.previous_rank,
            "movement": r.movement,
            "unit": r.unit.code,
            "name": r.unit.name,
            "value": r.value,
            "planned": r.planned,
            "gap": r.gap,
            "status": r.status.code,
            "unverified": r.unverified,
            "period": p.code,
            "period_label": p.label,
            **_coverage(r.coverage),
            "incomplete": r.incomplete,
            "partial": head["partial"],
            "partial_reason": head["partial_reason"],
        }
        for r in tables.league(ind, parent, depth, p, top, basis)
    ]


@router.get("/alerts", response={200: list[AlertOut], 401: Error}, summary="Alerts raised on indicators you may read")
def alert_list(request):
    if not request.user.is_authenticated:
        return Status(401, {"detail": _("sign in to read alerts")})
    indicators = access.indicators_with_unpublished(request.user)
    qs = Alert.objects.filter(rule__indicator__in=indicators).select_related("rule__indicator", "org_unit", "period")
    return Status(200, [_alert(a) for a in qs[:500]])


@router.post(
    "/alert-rules",
    response={201: AlertRuleOut, 400: Error, 403: Error},
    summary="Add an alert rule (delivery unit only)",
)
def add_rule(request, payload: AlertRuleIn):
    if not perms.can_manage(request.user):
        return Status(403, {"detail": _("only the delivery unit may set alert rules")})
    ind = Indicator.objects.filter(code=payload.indicator).first()
    if ind is None:
        return Status(
            400,
            {
                "detail": _("unknown indicator"),
                "errors": {"indicator": [f"'{payload.indicator}' is not an indicator code"]},
            },
        )
    try:
        rule = actions.create_alert_rule(
            indicator=ind,
            kind=payload.kind,
            depth=payload.depth,
            worst=payload.worst,
            periods=payload.periods,
            user=request.user,
            interface="api",
        )
    except ValidationError as exc:
        return Status(400, {"detail": _("the alert rule is not valid"), "errors": errors.reasons(exc)})
    return Status(
        201,
        {
            "id": rule.pk,
            "indicator": ind.code,
            "kind": rule.kind,
            "depth": rule.depth,
            "worst": rule.worst,
            "periods": rule.periods,
            "active": rule.active,
        },
    )


@router.post(
    "/alerts/evaluate",
    response={200: list[AlertOut], 403: Error},
    summary="Evaluate alert rules now (delivery unit only)",
)
def evaluate(request, indicator: str | None = None):
    if not perms.can_manage(request.user):
        return Status(403, {"detail": _("only the delivery unit may evaluate alert rules")})
    ids = None
    if indicator:
        ids = list(Indicator.objects.filter(code=indicator).values_list("pk", flat=True))
        if not ids:
            return Status(200, [])
    return Status(200, [_alert(a) for a in alerts.evaluate(ids)])
