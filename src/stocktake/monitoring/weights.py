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

import functools
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


def _day(value):
    """A date from the driver (SQLite hands dates back as text); None stays None."""
    from datetime import date

    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _plus(day, delta):
    """A date (SQLite hands dates back as text) moved by delta."""
    return _day(day) + delta


def _reports(cursor, ind, col: str, first, last) -> list[tuple]:
    """(start, path, closed_on, weight) of every report at the reporting level that can weigh a period from
    `first` to `last`, oldest first: one indexed range read per refresh (a per-period "latest report of each
    unit" join ran for minutes on PostgreSQL). Dates are converted once per period and per closing date, not
    once per report."""
    cursor.execute(
        f"SELECT p.start, u0.path, u0.closed_on, v.{col} FROM monitoring_datavalue v "
        "JOIN monitoring_period p ON p.id = v.period_id JOIN monitoring_orgunit u0 ON u0.id = v.org_unit_id "
        "WHERE v.indicator_id = %s AND v.disaggregation = '' AND p.kind = %s AND u0.depth = %s "
        "AND p.start <= %s AND p.start > %s ORDER BY p.start",
        [ind.pk, ind.frequency, ind.report_depth, _day(last), _plus(first, -LOOKBACK)],
    )
    days: dict = {None: None}
    out = []
    for start, path, closed, w in cursor.fetchall():
        if start not in days:
            days[start] = _day(start)
        if closed not in days:
            days[closed] = _day(closed)
        out.append((days[start], path, days[closed], w))
    return out


def refresh(cursor, ind, period_ids=None) -> None:
    """Store expected_weight on the indicator's rollups above the reporting level for these periods (all if
    None) and the year after; the reporting level's own rollups carry their own report, written with them
    (own_weight).

    Each period weighs every open unit at the reporting level by its latest report up to the period's start,
    within a year; a unit closed before the period began weighs nothing."""
    col = column(ind)
    if col is None:
        return
    targets = sorted(((_day(start), pid) for pid, start in _targets(cursor, ind, period_ids)), key=lambda t: t[0])
    if not targets:
        return
    reports = _reports(cursor, ind, col, targets[0][0], targets[-1][0])
    latest: dict[str, tuple] = {}  # path -> (start, closed_on, weight) of its latest report so far
    at = 0
    rows = []
    for start, period_id in targets:
        while at < len(reports) and reports[at][0] <= start:
            r_start, path, closed, w = reports[at]
            latest[path] = (r_start, closed, w)
            at += 1
        since = start - LOOKBACK
        carried: dict[int, float] = defaultdict(float)
        for path, (r_start, closed, w) in latest.items():
            if w is None or r_start <= since or (closed is not None and closed < start):
                continue
            w = abs(w)
            for unit in ancestors(path):  # every unit above it (its own rollup carries its own report)
                carried[unit] += w
        rows += [(unit, period_id, w) for unit, w in carried.items()]
    _store(cursor, ind, rows)


@functools.lru_cache(maxsize=200_000)
def ancestors(path: str) -> tuple[int, ...]:
    """The units above the one at the end of this path (OrgUnit.path: ids from the top, '/'-separated)."""
    return tuple(int(unit) for unit in path.strip("/").split("/")[:-1])


def own_weight(ind, value: str, closed: str) -> str:
    """SQL for the weight a unit's rollup at the reporting level carries: its own report, unless the unit closed
    before the period began (`value` and `closed` are SQL for its weighing column and its 0/1 closed count)."""
    col = column(ind)
    if col is None:
        return "NULL"
    return f"CASE WHEN ({closed}) = 0 THEN ABS({value}) END"


WEIGHTS = "monitoring_stage_weights"


def _store(cursor, ind, rows: list[tuple]) -> None:
    """The weights (unit, period, weight) onto the indicator's rollups: staged, then one UPDATE ... FROM."""
    if not rows:
        return
    cursor.execute(f"DROP TABLE IF EXISTS {WEIGHTS}")
    cursor.execute(f"CREATE TEMPORARY TABLE {WEIGHTS} (org_unit_id bigint, period_id bigint, w double precision)")
    cursor.executemany(f"INSERT INTO {WEIGHTS} (org_unit_id, period_id, w) VALUES (%s, %s, %s)", rows)
    cursor.execute(
        f"UPDATE monitoring_rollup SET expected_weight = s.w FROM {WEIGHTS} s WHERE monitoring_rollup.indicator_id = %s "
        "AND monitoring_rollup.org_unit_id = s.org_unit_id AND monitoring_rollup.period_id = s.period_id",
        [ind.pk],
    )
    cursor.execute(f"DROP TABLE {WEIGHTS}")
