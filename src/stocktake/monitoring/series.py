"""Reading values back: an indicator's series at any org unit, rolled up by its rule."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Sum

from stocktake.delivery import status as S
from stocktake.delivery.rollup import Accumulator

from .models import DataValue, OrgUnit


def root_unit() -> OrgUnit | None:
    return OrgUnit.objects.filter(parent=None).order_by("id").first()


def series(indicator, unit: OrgUnit) -> list[tuple]:
    """[(period, value)] for the unit, summing everything reported beneath it."""
    rows = (
        DataValue.objects.filter(indicator=indicator, disaggregation="", org_unit__path__startswith=unit.path)
        .values("period_id", "period__code", "period__start", "period__end")
        .annotate(total=Sum("value"), n=Count("id"), num=Sum("numerator"), den=Sum("denominator"))
        .order_by("period__start")
    )
    out = []
    for r in rows:
        acc = Accumulator(total=r["total"] or 0.0, count=r["n"], numerator=r["num"] or 0.0, denominator=r["den"] or 0.0)
        out.append((r, acc.result(indicator.aggregation, indicator.ratio_scale)))
    return out


def trajectory(target) -> dict[str, tuple]:
    """{period code: (period start, period end, planned value)}."""
    return {p.period.code: (p.period.start, p.period.end, p.value) for p in target.points.select_related("period")}


@dataclass
class Summary:
    indicator: object
    target: object | None
    latest_period: str | None
    latest_end: object | None
    latest: float | None
    previous: float | None
    planned: float | None
    status: S.Status
    trend: str

    @property
    def latest_text(self):
        return self.indicator.fmt(self.latest)

    @property
    def target_text(self):
        return self.indicator.fmt(self.target.target_value) if self.target else "–"

    @property
    def planned_text(self):
        return self.indicator.fmt(self.planned)


def national_target(indicator):
    return indicator.targets.filter(org_unit=None).first()


def summarise(indicator, unit: OrgUnit | None = None) -> Summary:
    """Latest value, planned value, status and trend of an indicator at a unit (default: the root)."""
    unit = unit or root_unit()
    target = indicator.targets.filter(org_unit=None if unit is None or unit.parent_id is None else unit).first()
    data = series(indicator, unit) if unit else []
    data = [(r, v) for r, v in data if v is not None]
    latest = data[-1] if data else None
    previous = data[-2][1] if len(data) > 1 else None
    planned = None
    if latest and target:
        point = target.points.filter(period_id=latest[0]["period_id"]).first()
        planned = point.value if point else None
        if planned is None and latest[0]["period__end"] <= target.baseline_date:
            planned = target.baseline_value
    status = indicator.assess(latest[1], planned, target) if (latest and target) else S.Status(S.NO_DATA)
    return Summary(
        indicator=indicator, target=target,
        latest_period=latest[0]["period__code"] if latest else None,
        latest_end=latest[0]["period__end"] if latest else None,
        latest=latest[1] if latest else None, previous=previous, planned=planned, status=status,
        trend=S.trend_arrow(previous, latest[1] if latest else None, indicator.direction),
    )
