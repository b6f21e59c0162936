"""Keeping RollupValue current by adding what an import changed, never rescanning the table.

Each changed cell contributes its difference (new minus old sums, +1 count
for a new cell) to every unit above it and every coarser period holding its
period; the differences are applied with one upsert per rollup row, which
SQLite and PostgreSQL both do as INSERT ... ON CONFLICT DO UPDATE. The cost
is proportional to the rows imported, not to the rows already stored.
"""

from __future__ import annotations

from django.db import connection, transaction

from stocktake.architecture.models import Indicator
from stocktake.delivery import periods as P
from stocktake.delivery.rollup import Accumulator
from stocktake.monitoring.models import DataValue, OrgUnit, Period

from .models import RollupValue

COARSER = {P.DAY: [P.WEEK, P.MONTH, P.QUARTER, P.YEAR], P.WEEK: [P.MONTH, P.QUARTER, P.YEAR],
           P.MONTH: [P.QUARTER, P.YEAR], P.QUARTER: [P.YEAR], P.YEAR: [], P.FINANCIAL_YEAR: []}


class _Periods:
    """Period ids of the coarser periods holding a period, created on first use."""

    def __init__(self):
        self.cache: dict[int, list[int]] = {}

    def targets(self, period_id: int) -> tuple[list[int], list[int]]:
        """(coarser period ids, ) for the unit itself; (own + coarser) for ancestors."""
        if period_id not in self.cache:
            p = Period.objects.get(pk=period_id)
            pp = P.parse(p.code)
            coarser = []
            for kind in COARSER.get(p.kind, []):
                if kind == P.WEEK and p.kind == P.DAY:
                    continue
                coarser.append(Period.get(P.parent(pp, kind)).pk)
            self.cache[period_id] = coarser
        return self.cache[period_id]


def _chains(unit_ids) -> dict[int, list[int]]:
    """Each unit's ancestors (nearest first), from the stored paths in one query per thousand units."""
    ids = list(set(unit_ids))
    out = {}
    for i in range(0, len(ids), 1000):
        for uid, path in OrgUnit.objects.filter(pk__in=ids[i:i + 1000]).values_list("pk", "path"):
            chain = [int(x) for x in path.strip("/").split("/") if x]
            out[uid] = list(reversed(chain[:-1]))
    return out


def deltas_to_accumulators(deltas) -> dict[tuple, Accumulator]:
    """{(indicator, unit, period): difference} for every rollup cell a batch of changes touches."""
    periods = _Periods()
    chains = _chains(d[1] for d in deltas if d[3] == "")
    acc: dict[tuple, Accumulator] = {}
    for ind, unit, period, disagg, old, new in deltas:
        if disagg:  # rollups hold totals; disaggregations are read raw
            continue
        diff = Accumulator(total=(new[0] or 0.0) - ((old[0] or 0.0) if old else 0.0),
                           count=1 if old is None else 0,
                           numerator=(new[1] or 0.0) - ((old[1] or 0.0) if old else 0.0),
                           denominator=(new[2] or 0.0) - ((old[2] or 0.0) if old else 0.0))
        coarser = periods.targets(period)
        cells = [(ind, unit, p) for p in coarser]
        for anc in chains.get(unit, []):
            cells.append((ind, anc, period))
            cells.extend((ind, anc, p) for p in coarser)
        for cell in cells:
            a = acc.get(cell)
            if a is None:
                acc[cell] = Accumulator(diff.total, diff.count, diff.numerator, diff.denominator)
            else:
                a.merge(diff)
    return acc


def apply(deltas) -> int:
    """Add a batch's differences to the stored rollups; returns the number of rollup rows touched."""
    acc = deltas_to_accumulators(deltas)
    if not acc:
        return 0
    table = RollupValue._meta.db_table
    sql = (f"INSERT INTO {table} (indicator_id, org_unit_id, period_id, total, count, numerator, denominator) "
           f"VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (indicator_id, org_unit_id, period_id) DO UPDATE SET "
           f"total = {table}.total + excluded.total, count = {table}.count + excluded.count, "
           f"numerator = {table}.numerator + excluded.numerator, denominator = {table}.denominator + excluded.denominator")
    params = [(i, u, p, a.total, a.count, a.numerator, a.denominator) for (i, u, p), a in acc.items()]
    with transaction.atomic(), connection.cursor() as cur:
        for k in range(0, len(params), 5000):
            cur.executemany(sql, params[k:k + 5000])
    return len(params)


def rebuild(indicator_ids=None) -> int:
    """Recompute rollups from raw values, for the demo and for repair; imports use apply()."""
    qs = DataValue.objects.filter(disaggregation="")
    rollups = RollupValue.objects.all()
    if indicator_ids is not None:
        qs = qs.filter(indicator_id__in=indicator_ids)
        rollups = rollups.filter(indicator_id__in=indicator_ids)
    with transaction.atomic():
        rollups.delete()
        deltas = [(i, u, p, "", None, (v, n, d)) for i, u, p, v, n, d in
                  qs.values_list("indicator_id", "org_unit_id", "period_id", "value", "numerator", "denominator").iterator()]
        return apply(deltas)


def read(indicator: Indicator, unit: OrgUnit, period: Period) -> float | None:
    """The rolled-up figure for a unit and period, by the indicator's rule (ratios from summed parts)."""
    row = RollupValue.objects.filter(indicator=indicator, org_unit=unit, period=period).first()
    if row is None:
        return None
    return Accumulator(row.total, row.count, row.numerator, row.denominator).result(indicator.aggregation, indicator.ratio_scale)


def series(indicator: Indicator, unit: OrgUnit, kind: str | None = None) -> list[tuple[Period, float | None]]:
    """A unit's rolled-up series at a frequency (default: the indicator's), oldest first."""
    rows = (RollupValue.objects.filter(indicator=indicator, org_unit=unit, period__kind=kind or indicator.frequency)
            .select_related("period").order_by("period__start"))
    return [(r.period, Accumulator(r.total, r.count, r.numerator, r.denominator).result(indicator.aggregation, indicator.ratio_scale))
            for r in rows]
