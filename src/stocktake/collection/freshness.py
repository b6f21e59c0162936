"""How fresh each indicator's data is, and whose data is late.

Owners who never update are the first complaint users of performance tools
make, so the portfolio and the reminders share one definition: data for a
period is due DUE_DAYS after the period ends; an indicator is late when the
latest period that is already due has no value from some reporting unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Max, Sum

from stocktake.architecture.models import Indicator, OrgUnit
from stocktake.delivery import periods as P
from stocktake.delivery import quality as Q
from stocktake.monitoring.models import Rollup

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
    """Freshness of each indicator, read from the rollups (a few rows per indicator, never the raw values).

    Counted as the rollups count: totals (blank disaggregation) from units at the
    indicator's reporting level, whatever their state. A rollup at the top of the
    hierarchy (depth 1) counts every such value beneath it, and there is at most one
    per unit and period, so its count is the number of units that reported.
    """
    today = today or date.today()
    indicators = list(indicators)
    ids = [ind.pk for ind in indicators]
    due = {ind.pk: due_period(ind.frequency, today) for ind in indicators}
    tops = Rollup.objects.filter(indicator_id__in=ids, depth=1)
    latest = dict(
        tops.values("indicator_id").annotate(m=Max("period__end")).values_list("indicator_id", "m").order_by()
    )
    reported = {
        (r["indicator_id"], r["period__code"]): r["n"]
        for r in tops.filter(period__code__in={p.code for p in due.values()})
        .values("indicator_id", "period__code")
        .annotate(n=Sum("count"))
        .order_by()
    }
    expected = dict(
        OrgUnit.objects.filter(depth__in={ind.report_depth for ind in indicators})
        .values("depth")
        .annotate(n=Count("id"))
        .values_list("depth", "n")
        .order_by()
    )
    out = []
    for ind in indicators:
        p = due[ind.pk]
        n_expected = expected.get(ind.report_depth, 0)
        missing: list[str] = []
        if reported.get((ind.pk, p.code), 0) < n_expected:
            # Only a late indicator pays for naming its missing units: those at its level without a rollup.
            have = Rollup.objects.filter(indicator=ind, depth=ind.report_depth, period__code=p.code, count__gt=0)
            missing = list(
                OrgUnit.objects.filter(depth=ind.report_depth)
                .exclude(pk__in=have.values("org_unit_id"))
                .order_by("code")
                .values_list("code", flat=True)
            )
        share = 1.0 if not n_expected else (n_expected - len(missing)) / n_expected
        end = latest.get(ind.pk)
        last = P.containing(ind.frequency, end).code if end else None
        out.append(
            Freshness(
                indicator=ind,
                last_period=last,
                last_end=end,
                days_since=(today - end).days if end else None,
                due_period=p,
                due_date=p.end + timedelta(days=DUE_DAYS),
                reported_share=share,
                missing_units=missing,
                today=today,
            )
        )
    return out
