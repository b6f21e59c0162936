"""Forecasts and benchmarks for an indicator at a unit, from the official series in the rollups
(the published one for readers on the PUBLISHED basis)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from stocktake.architecture.models import OrgUnit, OrgUnitLevel
from stocktake.delivery import benchmarks as B
from stocktake.delivery import forecast as F
from stocktake.delivery import periods as P

from .models import Rollup
from .series import INSIDE, Basis, Plan, series


@dataclass
class Outlook:
    forecast: F.Forecast | None
    probability: float | None
    target_value: float | None
    at_target: F.ForecastPoint | None
    note: str = ""


def outlook(indicator, unit: OrgUnit, plan: Plan, rows: list[dict] | None = None, basis: Basis = INSIDE) -> Outlook:
    """Where the official series is heading by the target date, and the chance it meets the target."""
    ends = plan.ends(unit.pk)
    if plan.target is None or ends is None:
        return Outlook(None, None, None, None, _("No target, so nothing to forecast against."))
    # The whole official history, with the trend free to change at the baseline: the back-test
    # (bench/monitoring_backtest.py, docs/forecast-backtest.md) found this 12% more accurate
    # than fitting the points since the baseline alone.
    # Only periods complete enough to stand for the unit: a month from 4 of 96 hospitals is not a trend.
    learn = [
        (r["period__end"], v)
        for r, v in series(indicator, unit, official=True, rows=rows, basis=basis, whole=True)
        if v is not None
    ]
    if not learn:
        return Outlook(None, None, ends[1], None, _("No official data yet."))
    last = learn[-1][0]
    horizon = [p.end for p in P.between(indicator.frequency, last, plan.target.target_date) if p.end > last]
    if not horizon:
        return Outlook(None, None, ends[1], None, _("The target date has passed."))
    try:
        fc = F.forecast(learn, horizon, frequency=indicator.frequency, break_at=plan.target.baseline_date)
    except F.ForecastError as exc:
        return Outlook(None, None, ends[1], None, str(exc))
    end = fc.points[-1]
    return Outlook(fc, fc.probability(ends[1], indicator.direction), ends[1], end)


@dataclass
class Benchmarks:
    history: B.History | None
    peers: B.Peers | None
    peer_level: str
    p80_bar: float | None
    p80_whole: float | None
    period: str | None


def benchmarks(indicator, unit: OrgUnit, plan: Plan | None = None, dates=None, basis: Basis = INSIDE) -> Benchmarks:
    """History before the baseline, peers at the unit's level, and the whole if every peer reached the 80th percentile.

    `dates` (baseline date, target date) stand in for the plan's target: the target form asks
    about a target not yet saved.
    """
    hist = None
    if dates is None and plan is not None and plan.target is not None:
        dates = (plan.target.baseline_date, plan.target.target_date)
    if dates is not None:
        points = [(r["period__end"], v) for r, v in series(indicator, unit, official=True, basis=basis)]
        hist = B.history(points, *dates)
    depth = min(unit.depth + 1, indicator.report_depth) if unit.parent_id is None else unit.depth
    count, value, denominator = (basis.column(True, f) for f in ("count", "value", "denominator"))
    latest = (
        Rollup.objects.filter(indicator=indicator, depth=depth, **{f"{count}__gt": 0})
        .order_by("-period__start")
        .values_list("period_id", "period__code")
        .first()
    )
    if latest is None:
        return Benchmarks(hist, None, "", None, None, None)
    rows = list(
        Rollup.objects.filter(indicator=indicator, depth=depth, period_id=latest[0], **{f"{count}__gt": 0}).values_list(
            "org_unit_id", value, denominator
        )
    )
    values = {u: v for u, v, _ in rows if v is not None}
    peers = B.peers(values, indicator.direction, unit.pk) if values else None
    bar = whole = None
    try:
        bar, whole = B.what_if_every_unit_reached(
            [(v, d) for _, v, d in rows], indicator.aggregation, indicator.direction, scale=indicator.ratio_scale
        )
    except B.BenchmarkError:
        pass

    level = OrgUnitLevel.objects.filter(depth=depth).values_list("name", flat=True).first() or _("level %(depth)s") % {
        "depth": depth
    }
    return Benchmarks(hist, peers, level, bar, whole, latest[1])
