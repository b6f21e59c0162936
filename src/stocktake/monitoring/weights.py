"""The share of the whole that an aggregate's reporting units carry (Rollup.expected_weight).

"40 of 96 hospitals reported" says nothing of whether the forty are the big
teaching hospitals or the small community ones. For a ratio the weight of a
unit is its denominator (attendances, pupils, people); for a count it is the
count itself. A unit that has not reported this period is weighed by its
latest report before it, within a year; one silent for longer, or closed
before the period began, weighs nothing. The reporting units' denominator (or
total) over the stored expected weight is the share they carry
(delivery.coverage.Coverage.weight_share). Means have no weight: every unit
counts the same, and units reported of expected says it all.

Kept apart from rollups.py, which calls refresh() after writing an
indicator's rollups, in the same transaction.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

LOOKBACK = timedelta(days=366)  # a unit's last report weighs for at most a year after it


def column(indicator) -> str | None:
    """The value column that weighs a unit: a ratio's denominator, a count's value; None for a mean."""
    if indicator.aggregation == "ratio":
        return "denominator"
    if indicator.aggregation == "sum":
        return "value"
    return None


def _targets(cursor, ind, period_ids) -> list[tuple[int, object]]:
    """(period id, start) of the indicator's rollups to weigh: those refreshed, and the ones up to a year after
    them (their absent units are weighed by these periods' reports)."""
    sql = (
        "SELECT DISTINCT r.period_id, p.start FROM monitoring_rollup r JOIN monitoring_period p ON p.id = r.period_id "
        "WHERE r.indicator_id = %s"
    )
    params: list = [ind.pk]
    if period_ids is not None:
        if not period_ids:
            return []
        marks = ", ".join(["%s"] * len(period_ids))
        cursor.execute(f"SELECT MIN(start), MAX(start) FROM monitoring_period WHERE id IN ({marks})", list(period_ids))
        first, last = cursor.fetchone()
        if first is None:
            return []
        sql += " AND p.start >= %s AND p.start <= %s"
        params += [first, _plus(last, LOOKBACK)]
    cursor.execute(sql, params)
    return [(pid, start) for pid, start in cursor.fetchall()]


def _plus(day, delta):
    """A date (SQLite hands dates back as text) moved by delta."""
    from datetime import date

    if isinstance(day, str):
        day = date.fromisoformat(day[:10])
    return day + delta


def _latest(cursor, ind, col: str, start) -> list[tuple[str, float]]:
    """(path, weight) of each open unit at the reporting level, from its latest report up to `start`."""
    since = _plus(start, -LOOKBACK)
    cursor.execute(
        f"SELECT u0.path, v.{col} FROM monitoring_datavalue v "
        "JOIN monitoring_period p ON p.id = v.period_id JOIN monitoring_orgunit u0 ON u0.id = v.org_unit_id "
        "JOIN (SELECT v1.org_unit_id AS unit, MAX(p1.start) AS s FROM monitoring_datavalue v1 "
        "JOIN monitoring_period p1 ON p1.id = v1.period_id WHERE v1.indicator_id = %s AND v1.disaggregation = '' "
        "AND p1.kind = %s AND p1.start <= %s AND p1.start > %s GROUP BY v1.org_unit_id) last "
        "ON last.unit = v.org_unit_id AND last.s = p.start "
        "WHERE v.indicator_id = %s AND v.disaggregation = '' AND p.kind = %s AND u0.depth = %s "
        "AND (u0.closed_on IS NULL OR u0.closed_on >= %s)",
        [ind.pk, ind.frequency, start, since, ind.pk, ind.frequency, ind.report_depth, start],
    )
    return [(path, w) for path, w in cursor.fetchall() if w is not None]


def refresh(cursor, ind, period_ids=None) -> None:
    """Store expected_weight on the indicator's rollups for these periods (all if None) and the year after."""
    col = column(ind)
    if col is None:
        return
    rows = []
    for period_id, start in _targets(cursor, ind, period_ids):
        carried: dict[int, float] = defaultdict(float)
        for path, w in _latest(cursor, ind, col, start):
            for unit in path.strip("/").split("/"):  # the unit and every unit above it
                carried[int(unit)] += abs(w)
        rows += [(w, ind.pk, unit, period_id) for unit, w in carried.items()]
    if rows:
        cursor.executemany(
            "UPDATE monitoring_rollup SET expected_weight = %s WHERE indicator_id = %s AND org_unit_id = %s "
            "AND period_id = %s",
            rows,
        )
