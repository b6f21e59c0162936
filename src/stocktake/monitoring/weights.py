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
        # The candidate periods from the small periods table first, then their rollups by key: filtering the
        # rollups on the period's start instead reads every rollup of the indicator, years of them.
        window = _periods(cursor, ind.frequency, first, _plus(last, LOOKBACK), from_first=True)
        if not window:
            return []
        marks = ", ".join(["%s"] * len(window))
        # any rollup of a period has one at the reporting level: (indicator, depth, period) is then a key look-up
        sql += f" AND r.depth = %s AND r.period_id IN ({marks})"
        params += [ind.report_depth, *window]
    cursor.execute(sql, params)
    return [(pid, start) for pid, start in cursor.fetchall()]


def _periods(cursor, kind: str, first, last, *, from_first: bool) -> list[int]:
    """The ids of the periods of this kind starting after `first` (or on it, `from_first`) up to `last`, from
    the periods table: a short list that the big tables are then read by, through their (indicator, period)
    keys."""
    after = ">=" if from_first else ">"
    cursor.execute(
        f"SELECT id FROM monitoring_period WHERE kind = %s AND start {after} %s AND start <= %s ORDER BY id",
        [kind, first, last],
    )
    return [pid for (pid,) in cursor.fetchall()]


def _day(value):
    """A date from the driver (SQLite hands dates back as text); None stays None."""
    from datetime import date

    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _plus(day, delta):
    """A date (SQLite hands dates back as text) moved by delta."""
    return _day(day) + delta


def refresh(cursor, ind, period_ids=None) -> None:
    """Store expected_weight on the indicator's rollups above the reporting level for these periods (all if
    None) and the year after; the reporting level's own rollups carry their own report, written with them
    (own_weight).

    Each period weighs every open unit at the reporting level by its latest report up to the period's start,
    within a year; a unit closed before the period began weighs nothing. Worked out in the database, one
    period at a time: each unit's latest report in the period's year (a window function over that year's
    reports), then summed up the parent chain into each level's rollups. No report travels through Python
    (a national month is twenty thousand per indicator)."""
    col = column(ind)
    if col is None:
        return
    for period_id, start in _targets(cursor, ind, period_ids):
        start = _day(start)
        # the year's periods by id: the values are then read through (indicator, period), that year's only;
        # a filter on the period's start read every value of the indicator, however old
        year = _periods(cursor, ind.frequency, start - LOOKBACK, start, from_first=False)
        if not year:  # a period of another kind than the indicator's: no report weighs in it
            continue
        marks = ", ".join(["%s"] * len(year))
        own = f" AND v.period_id IN ({marks})" if cursor.db.vendor == "postgresql" else ""
        # One temporary table for the session, emptied before each period: made and dropped for each one,
        # PostgreSQL spent 46 ms dropping it inside a national import's transaction (2.3 s an import). There
        # it is also emptied at each commit, so that a long-lived worker's copy does not grow with dead rows.
        on_commit = " ON COMMIT DELETE ROWS" if cursor.db.vendor == "postgresql" else ""
        cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {LATEST} (unit bigint, w double precision){on_commit}")
        cursor.execute(f"DELETE FROM {LATEST}")
        cursor.execute(
            # the unit is joined inside, before the window: joined after it, PostgreSQL (which cannot estimate
            # a window's output) looped over every unit for each row
            f"INSERT INTO {LATEST} (unit, w) SELECT r.unit, ABS(r.w) FROM ("
            f"SELECT v.org_unit_id AS unit, v.{col} AS w, "
            "ROW_NUMBER() OVER (PARTITION BY v.org_unit_id ORDER BY p.start DESC) AS latest "
            # the periods first (SQLite keeps a CROSS JOIN's order; PostgreSQL plans it as any join): SQLite
            # otherwise walks the indicator's whole cell key, every value it has, for the window's unit order
            "FROM monitoring_period p CROSS JOIN monitoring_datavalue v "
            "JOIN monitoring_orgunit u0 ON u0.id = v.org_unit_id "
            # and on PostgreSQL the values' own period list too: it does not carry p.id's list over to
            # v.period_id, and without it read the indicator's values in every partition
            f"WHERE p.id IN ({marks}) AND v.period_id = p.id{own} AND v.indicator_id = %s "
            "AND v.disaggregation = '' AND u0.depth = %s AND (u0.closed_on IS NULL OR u0.closed_on >= %s)"
            ") r WHERE r.latest = 1 AND r.w IS NOT NULL",
            [*year, *(year if own else ()), ind.pk, ind.report_depth, start],
        )
        for up in range(1, ind.report_depth):
            joins = "".join(f" JOIN monitoring_orgunit a{k} ON a{k}.id = a{k - 1}.parent_id" for k in range(1, up + 1))
            cursor.execute(
                f"UPDATE monitoring_rollup SET expected_weight = s.w FROM (SELECT a{up}.id AS unit, SUM(l.w) AS w "
                f"FROM {LATEST} l JOIN monitoring_orgunit a0 ON a0.id = l.unit{joins} GROUP BY a{up}.id) s "
                "WHERE monitoring_rollup.indicator_id = %s AND monitoring_rollup.period_id = %s "
                "AND monitoring_rollup.org_unit_id = s.unit",
                [ind.pk, period_id],
            )


LATEST = "monitoring_stage_latest"  # this period's latest report of each unit that weighs (a temporary table)


def own_weight(ind, value: str, closed: str) -> str:
    """SQL for the weight a unit's rollup at the reporting level carries: its own report, unless the unit closed
    before the period began (`value` and `closed` are SQL for its weighing column and its 0/1 closed count)."""
    col = column(ind)
    if col is None:
        return "NULL"
    return f"CASE WHEN ({closed}) = 0 THEN ABS({value}) END"
