"""How fresh each indicator's data is, and whose data is late.

Owners who never update are the first complaint users of performance tools
make, so the portfolio and the reminders share one definition: data for a
period is due DUE_DAYS after the period ends; an indicator is late when the
latest period that is already due has no value from some reporting unit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Count, Max

from stocktake.architecture.models import Indicator, OrgUnit
from stocktake.delivery import periods as P
from stocktake.delivery import quality as Q
from stocktake.monitoring import rollups as monitoring_rollups
from stocktake.monitoring import roots
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
    root: str | None = None  # the code of the root completeness is counted within

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


def _roots_for(indicators, root: OrgUnit | None) -> dict[int, OrgUnit]:
    """{indicator id: the root its completeness is counted within}: `root` if given; else the default
    root where the indicator reports there (or has no data yet), else the root it does report under."""
    if root is not None:
        return {ind.pk: root for ind in indicators}
    tops = {r.pk: r for r in roots.roots()}
    if not tops:
        return {}
    default = roots.root_unit()
    reporting: dict[int, set[int]] = {}
    for ind_id, unit_id in (
        Rollup.objects.filter(indicator_id__in=[i.pk for i in indicators], depth=1)
        .values_list("indicator_id", "org_unit_id")
        .distinct()
        .order_by()
    ):
        reporting.setdefault(ind_id, set()).add(unit_id)
    out = {}
    for ind in indicators:
        have = reporting.get(ind.pk)
        if not have or default.pk in have:
            out[ind.pk] = default
        else:
            out[ind.pk] = tops[min(have)]
    return out


def _open_units(top: OrgUnit, depth: int, start: date):
    """Units at `depth` under `top` still open when a period starting on `start` began (OrgUnit.closed_on)."""
    return OrgUnit.objects.filter(depth=depth, path__startswith=top.path).exclude(closed_on__lt=start)


def of(indicators, today: date | None = None, root: OrgUnit | None = None) -> list[Freshness]:
    """Freshness of each indicator, read from the rollups (a few rows per indicator, never the raw values).

    Counted as the rollups count: totals (blank disaggregation) from units at the
    indicator's reporting level, whatever their state, within one root (`root`, or
    see _roots_for): a government with several hierarchies never counts one
    hierarchy's units as missing from another's. A root's rollup counts every such
    value beneath it, and there is at most one per unit and period, so its count is
    the number of units that reported.
    """
    today = today or date.today()
    indicators = list(indicators)
    scope = _roots_for(indicators, root)
    due = {ind.pk: due_period(ind.frequency, today) for ind in indicators}
    tops = Rollup.objects.filter(indicator_id__in=[ind.pk for ind in indicators], depth=1)
    latest = {
        (i, u): m
        for i, u, m in tops.values("indicator_id", "org_unit_id")
        .annotate(m=Max("period__end"))
        .values_list("indicator_id", "org_unit_id", "m")
        .order_by()
    }
    reported = {
        (i, u, code): n
        for i, u, code, n in tops.filter(period__code__in={p.code for p in due.values()})
        .values_list("indicator_id", "org_unit_id", "period__code", "count")
        .order_by()
    }
    # Units expected to report the due period: those at the level, less any closed before it began.
    expected: dict[tuple[int, int, date], int] = {}
    for ind in indicators:
        top = scope.get(ind.pk)
        key = (top.pk, ind.report_depth, due[ind.pk].start) if top is not None else None
        if key is not None and key not in expected:
            expected[key] = _open_units(top, ind.report_depth, due[ind.pk].start).count()
    out = []
    for ind in indicators:
        p = due[ind.pk]
        top = scope.get(ind.pk)
        n_expected = expected.get((top.pk, ind.report_depth, p.start), 0) if top else 0
        missing: list[str] = []
        if top is not None and reported.get((ind.pk, top.pk, p.code), 0) < n_expected:
            # Only a late indicator pays for naming its missing units: those at its level without a rollup.
            have = Rollup.objects.filter(indicator=ind, depth=ind.report_depth, period__code=p.code, count__gt=0)
            missing = list(
                _open_units(top, ind.report_depth, p.start)
                .exclude(pk__in=have.values("org_unit_id"))
                .order_by("code")
                .values_list("code", flat=True)
            )
        share = 1.0 if not n_expected else (n_expected - len(missing)) / n_expected
        end = latest.get((ind.pk, top.pk)) if top else None
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
                root=top.code if top else None,
            )
        )
    return out


# How long a cached answer may stand for what its key cannot see (a unit moved without any data refreshed).
CACHE_SECONDS = 60


def _units_signature() -> tuple:
    """What the expected and missing units are counted from, in one aggregate: a unit added, closed or reopened
    changes it (a move alone does not: CACHE_SECONDS bounds that)."""
    row = OrgUnit.objects.aggregate(n=Count("pk"), last=Max("pk"), closed=Count("closed_on"), on=Max("closed_on"))
    return tuple(str(row[k]) for k in ("n", "last", "closed", "on"))


def cached_of(indicators, today: date, root: OrgUnit | None = None) -> list[Freshness]:
    """`of`, kept in Django's cache until a value for one of these indicators or the units change.

    The portfolio shows every visible indicator's freshness on every request, and working it out reads the
    rollups and org units of each late indicator: a third of the page's cost. It changes only when an
    indicator's rollups are refreshed (its RollupStamp, bumped in the same transaction as every value write),
    when units are added or closed, when the day turns or the root changes: the key holds exactly those, so a
    new value is seen by the next request in every process. The live indicator rows are put back on the rows.
    """
    indicators = list(indicators)
    if not indicators:
        return []
    by_id = {ind.pk: ind for ind in indicators}
    parts = (
        today.isoformat(),
        root.pk if root is not None else None,
        monitoring_rollups.stamps(by_id),
        _units_signature(),
        tuple((ind.pk, ind.frequency, ind.report_depth) for ind in indicators),
    )
    key = "collection-freshness:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    stored = cache.get(key)
    if stored is None:
        rows = of(indicators, today, root)
        cache.set(key, [replace(row, indicator=row.indicator.pk) for row in rows], CACHE_SECONDS)
        return rows
    return [replace(row, indicator=by_id[row.indicator]) for row in stored]
