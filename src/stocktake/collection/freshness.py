"""How fresh each indicator's data is, and whose data is late.

Owners who never update are the first complaint users of performance tools
make, so the portfolio and the reminders share one definition: data for a
period is due DUE_DAYS after the period ends; an indicator is late when the
latest period that is already due has no value from some reporting unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max

from stocktake.architecture.models import Indicator
from stocktake.delivery import periods as P
from stocktake.delivery import quality as Q
from stocktake.monitoring.models import DataValue, OrgUnit

from .importer import DUE_DAYS


@dataclass
class Freshness:
    indicator: Indicator
    last_period: str | None
    last_end: date | None
    days_since: int | None  # days since the last reported period ended
    due_period: P.Period  # the latest period whose data is already due
    due_date: date
    reported_share: float  # of the due period's units
    missing_units: list[str]
    today: date

    @property
    def late(self) -> bool:
        return self.reported_share < 1.0

    @property
    def days_late(self) -> int:
        return Q.days_late(self.due_date, None, self.today) if self.late else 0


def due_period(frequency: str, today: date) -> P.Period:
    """The latest period whose due date has passed."""
    p = P.containing(frequency, today).previous()
    while p.end + timedelta(days=DUE_DAYS) > today:
        p = p.previous()
    return p


def next_due(frequency: str, today: date) -> tuple[P.Period, date]:
    """The period whose data falls due next, and when."""
    p = P.containing(frequency, today).previous()
    while p.end + timedelta(days=DUE_DAYS) < today:
        p = p.next()
    return p, p.end + timedelta(days=DUE_DAYS)


def of(indicators, today: date | None = None) -> list[Freshness]:
    today = today or date.today()
    indicators = list(indicators)
    latest = dict(DataValue.objects.filter(indicator__in=indicators).values("indicator_id")
                  .annotate(m=Max("period__end")).values_list("indicator_id", "m"))
    out = []
    units_by_depth: dict[int, list[str]] = {}
    for ind in indicators:
        due = due_period(ind.frequency, today)
        if ind.report_depth not in units_by_depth:
            units_by_depth[ind.report_depth] = sorted(OrgUnit.objects.filter(depth=ind.report_depth).values_list("code", flat=True))
        reported = DataValue.objects.filter(indicator=ind, period__code=due.code, disaggregation="").values_list(
            "org_unit__code", flat=True)
        share, missing = Q.completeness(units_by_depth[ind.report_depth], reported)
        end = latest.get(ind.pk)
        last = P.containing(ind.frequency, end).code if end else None
        out.append(Freshness(indicator=ind, last_period=last, last_end=end,
                             days_since=(today - end).days if end else None, due_period=due,
                             due_date=due.end + timedelta(days=DUE_DAYS), reported_share=share, missing_units=missing, today=today))
    return out
