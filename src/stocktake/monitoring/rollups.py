"""Keeping the Rollup table in step with the data values.

Every write path for values (monitoring.actions.record_value/record_values)
calls refresh() for what it touched, in the same transaction. Anything else
that changes values or their state (the verification workflow's validate
and publish) must call refresh(indicator_ids, period_ids) too; `stocktake
rollups` rebuilds everything if in doubt.

Each level is one INSERT ... SELECT ... GROUP BY run inside the database
over the values reported beneath it, joined up the parent chain, so
refreshing an indicator costs a handful of statements however many values
it has, and no row ever travels through Python. The result column follows
the indicator's rule exactly as delivery.rollup.Accumulator.result does:
a ratio is the sum of numerators over the sum of denominators.
"""

from __future__ import annotations

from django.db import connection, models, transaction

from stocktake.architecture.models import Indicator, OrgUnit, Period
from stocktake.delivery import periods as P
from stocktake.delivery.rollup import Accumulator

from . import weights
from .models import DataValue, Rollup, RollupStamp

# Official status comes only from values someone has checked; submitted and returned values are provisional.
OFFICIAL_STATES = (DataValue.State.VALIDATED.value, DataValue.State.PUBLISHED.value)
# The public's figures come only from published values (each rollup keeps that part too).
PUBLISHED_STATES = (DataValue.State.PUBLISHED.value,)
# The parts of a rollup, by column prefix: every state, the official part, the published part.
PARTS = ("", "official_", "published_")


def _result_sql(ind, total: str, count: str, num: str, den: str) -> str:
    if ind.aggregation == "sum":
        return f"CASE WHEN {count} > 0 THEN COALESCE({total}, 0) END"
    if ind.aggregation == "mean":
        return f"CASE WHEN {count} > 0 THEN COALESCE({total}, 0) * 1.0 / {count} END"
    scale = float(ind.ratio_scale)
    return f"CASE WHEN {count} > 0 AND COALESCE({den}, 0) <> 0 THEN {num} * 1.0 / {den} * {scale!r} END"


UPSERT_COLUMNS = (
    "parent_id",
    "depth",
    "count",
    "total",
    "numerator",
    "denominator",
    "value",
    "official_count",
    "official_total",
    "official_numerator",
    "official_denominator",
    "official_value",
    "expected",
    "published_count",
    "published_total",
    "published_numerator",
    "published_denominator",
    "published_value",
)


def _lock_stamps(indicator_ids: list[int]) -> None:
    """Take each indicator's refresh lock (its RollupStamp row), in id order.

    Two writers refreshing the same indicator one after the other, each on a fresh snapshot, is what keeps
    a rollup from missing the other's values; PostgreSQL's READ COMMITTED takes a new snapshot for the
    statements after the lock is granted. On SQLite the one writer is already alone.
    """
    if not indicator_ids:
        return
    q = connection.ops.quote_name
    table, col = q(RollupStamp._meta.db_table), q(RollupStamp._meta.get_field("indicator").column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({col}, {q('version')}) VALUES "
            + ", ".join(["(%s, 0)"] * len(indicator_ids))
            + f" ON CONFLICT ({col}) DO NOTHING",
            indicator_ids,
        )
    list(
        RollupStamp.objects.select_for_update()
        .filter(indicator_id__in=indicator_ids)
        .order_by("indicator_id")
        .values_list("indicator_id", flat=True)
    )


def _published_version(periods: str) -> str:
    """Joins pv: the latest published version of a value no longer in the published state (resubmitted,
    returned), for the indicator's values in these periods only (its parameters: the indicator id, then the
    periods', on alias x).

    It starts from the published versions, by their own indicator and period (the partial index
    `version_published`), not from the values: a new month's values have none, and a month of values is
    a million rows while its published-but-superseded versions are a few. With the periods named on the
    values only, PostgreSQL read every published version by state, in every partition, for each
    indicator's refresh: all the years of them."""
    return (
        " LEFT JOIN (SELECT x.data_value_id AS dv, MAX(x.version) AS ver FROM monitoring_datavalueversion x "
        "JOIN monitoring_datavalue xv ON xv.id = x.data_value_id AND xv.indicator_id = x.indicator_id "
        f"AND xv.period_id = x.period_id WHERE x.indicator_id = %s AND x.state = 'published'{periods} "
        "AND xv.disaggregation = '' AND xv.state <> 'published' GROUP BY x.data_value_id) m ON m.dv = v.id "
        # by the version's key alone: naming the value's indicator and period here too let PostgreSQL, its
        # statistics of a new month's versions not yet taken, read the month's versions once per value
        # (20,000 x 20,000 rows an indicator: about 9 s, not 0.35)
        "LEFT JOIN monitoring_datavalueversion pv ON pv.data_value_id = m.dv AND pv.version = m.ver"
    )


def _published(column: str) -> str:
    """A value's published figure: its own when published, else its latest published version's."""
    return f"CASE WHEN v.state = 'published' THEN v.{column} ELSE pv.{column} END"


# The rollup table's columns as every level writes them: the cell, then each part's accumulators and result.
INSERT_COLUMNS = (
    "indicator_id",
    "org_unit_id",
    "parent_id",
    "depth",
    "period_id",
    "count",
    "total",
    "numerator",
    "denominator",
    "value",
    "official_count",
    "official_total",
    "official_numerator",
    "official_denominator",
    "official_value",
    "published_count",
    "published_total",
    "published_numerator",
    "published_denominator",
    "published_value",
    "expected",
    "expected_weight",
)
# each part's accumulators as the levels' inner queries name them (count, total, numerator, denominator)
PART_SQL = (("n", "t", "nu", "de"), ("o_n", "o_t", "o_nu", "o_de"), ("p_n", "p_t", "p_nu", "p_de"))


def _parts_sql(ind) -> str:
    """Each part's stored accumulators and result, from the inner query's sums."""
    out = []
    for n, t, nu, de in PART_SQL:
        out.append(f"{n}, COALESCE({t}, 0), COALESCE({nu}, 0), COALESCE({de}, 0), {_result_sql(ind, t, n, nu, de)}")
    return ", ".join(out)


def _upsert(select: str) -> str:
    return (
        f"INSERT INTO monitoring_rollup ({', '.join(INSERT_COLUMNS)}) {select} "
        "ON CONFLICT (indicator_id, org_unit_id, period_id) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in (*UPSERT_COLUMNS, "expected_weight"))
    )


def _periods_sql(alias: str, period_ids) -> tuple[str, list]:
    if period_ids is None:
        return "", []
    return f" AND {alias}.period_id IN ({', '.join(['%s'] * len(period_ids))})", list(period_ids)


def _insert_reporting_level(cursor, ind, period_ids) -> int:
    """The rollups of the units at the reporting level, one per value (a total, disaggregation ''), in one
    statement: each value's parts, its unit expected unless closed before the period began, its own report as
    its weight (weights.own_weight)."""
    off = "v.state IN ('validated', 'published')"
    # The public's part: a value now published, or else its latest version that was (pv): a published figure
    # stays public while a newer version of it waits to be checked (docs/decisions/0005-observers.md).
    pub = "(v.state = 'published' OR pv.id IS NOT NULL)"
    periods, params = _periods_sql("v", period_ids)
    versions_periods, _ = _periods_sql("x", period_ids)
    weigh = weights.column(ind)
    inner = (
        "SELECT u0.id AS unit, u0.parent_id AS parent, u0.depth AS depth, v.period_id AS period, "
        "CASE WHEN u0.closed_on IS NOT NULL AND u0.closed_on < cp.start THEN 1 ELSE 0 END AS closed, "
        f"{'v.' + weigh if weigh else 'NULL'} AS w, "
        "1 AS n, v.value AS t, v.numerator AS nu, v.denominator AS de, "
        f"CASE WHEN {off} THEN 1 ELSE 0 END AS o_n, CASE WHEN {off} THEN v.value END AS o_t, "
        f"CASE WHEN {off} THEN v.numerator END AS o_nu, CASE WHEN {off} THEN v.denominator END AS o_de, "
        f"CASE WHEN {pub} THEN 1 ELSE 0 END AS p_n, {_published('value')} AS p_t, "
        f"{_published('numerator')} AS p_nu, {_published('denominator')} AS p_de "
        f"FROM monitoring_datavalue v{_published_version(versions_periods)} "
        "JOIN monitoring_orgunit u0 ON u0.id = v.org_unit_id "
        "JOIN monitoring_period cp ON cp.id = v.period_id "
        f"WHERE v.indicator_id = %s AND v.disaggregation = '' AND u0.depth = %s{periods}"
    )
    select = (
        f"SELECT {int(ind.pk)}, unit, parent, depth, period, {_parts_sql(ind)}, 1 - closed, "
        f"{weights.own_weight(ind, 'w', 'closed')} FROM ({inner}) g WHERE 1 = 1"  # SQLite's upsert needs a WHERE
    )
    cursor.execute(_upsert(select), [ind.pk, *params, ind.pk, ind.report_depth, *params])
    return cursor.rowcount


def _insert_level(cursor, ind, up: int, period_ids) -> int:
    """Rollups `up` levels above the reporting level, summed from the level below (just written), in one
    statement: a level's accumulators are the sums of its children's, so no value is read twice."""
    periods, params = _periods_sql("r", period_ids)
    sums = ", ".join(
        f"SUM(r.{pre}{f}) AS {name}"
        for pre, names in zip(PARTS, PART_SQL, strict=True)
        for f, name in zip(("count", "total", "numerator", "denominator"), names, strict=True)
    )
    inner = (
        f"SELECT r.parent_id AS unit, r.period_id AS period, {sums} FROM monitoring_rollup r "
        f"WHERE r.indicator_id = %s AND r.depth = %s AND r.parent_id IS NOT NULL{periods} "
        "GROUP BY r.parent_id, r.period_id"
    )
    # The units expected beneath each aggregate: every unit at the reporting level, up the parent chain, less
    # those closed before the period began (OrgUnit.closed_on: expected until the period they close in).
    e_joins = "".join(f" JOIN monitoring_orgunit e{k} ON e{k}.id = e{k - 1}.parent_id" for k in range(1, up + 1))
    expected = (
        f"SELECT e{up}.id AS e_unit, COUNT(*) AS ne FROM monitoring_orgunit e0{e_joins} "
        f"WHERE e0.depth = %s GROUP BY e{up}.id"
    )
    closed = (
        f"SELECT COUNT(*) FROM monitoring_orgunit e0{e_joins} JOIN monitoring_period cp ON cp.id = g.period "
        f"WHERE e{up}.id = g.unit AND e0.depth = %s AND e0.closed_on IS NOT NULL AND e0.closed_on < cp.start"
    )
    select = (
        f"SELECT {int(ind.pk)}, g.unit, u.parent_id, u.depth, g.period, {_parts_sql(ind)}, "
        f"COALESCE(x.ne, 0) - ({closed}), NULL "
        f"FROM ({inner}) g JOIN monitoring_orgunit u ON u.id = g.unit LEFT JOIN ({expected}) x ON x.e_unit = g.unit"
        " WHERE 1 = 1"
    )
    # the closed-units count comes first (in the SELECT list), then the level below, then the expected units
    cursor.execute(_upsert(select), [ind.report_depth, ind.pk, ind.report_depth - up + 1, *params, ind.report_depth])
    return cursor.rowcount


@transaction.atomic
def refresh(indicator_ids=None, period_ids=None) -> int:
    """Recompute the rollups of these indicators (all if None) for these periods (all if None).

    Under the indicator's refresh lock, its rows for these periods are removed (a unit whose values went
    has no rollup) and written again as an upsert (INSERT ... ON CONFLICT DO UPDATE): two imports for the
    same indicator and period wait for each other, and the second sees the first's values, instead of
    colliding on a rollup cell.
    """

    indicators = (
        Indicator.objects.all() if indicator_ids is None else Indicator.objects.filter(pk__in=list(indicator_ids))
    )
    indicators = list(indicators.order_by("pk"))
    _lock_stamps([ind.pk for ind in indicators])
    period_ids = None if period_ids is None else sorted(set(period_ids))
    # every depth a rollup can be at, so that removing a few periods' rollups is a look-up by
    # (indicator, depth, period): by the indicator and periods alone SQLite read all its rollups, years of them
    deepest = OrgUnit.objects.aggregate(d=models.Max("depth"))["d"] or 1
    written = 0
    with connection.cursor() as cursor:
        for ind in indicators:
            old = Rollup.objects.filter(indicator=ind)
            if period_ids is not None:
                old = old.filter(depth__in=range(1, max(deepest, ind.report_depth) + 1), period_id__in=period_ids)
            old._raw_delete(old.db)
            written += _insert_reporting_level(cursor, ind, period_ids)
            for up in range(1, ind.report_depth):
                written += _insert_level(cursor, ind, up, period_ids)
            weights.refresh(cursor, ind, period_ids)
        RollupStamp.objects.filter(indicator__in=indicators).update(version=models.F("version") + 1)
    return written


def stamps(indicator_ids) -> tuple:
    """The rollup versions of these indicators, for cache keys: any refresh changes them."""
    found = dict(
        RollupStamp.objects.filter(indicator_id__in=list(indicator_ids)).values_list("indicator_id", "version")
    )
    return tuple((i, found.get(i, 0)) for i in sorted(indicator_ids))


def _cells(indicator, unit, prefix: str):
    """The unit's stored rollup rows with any values in this part (PARTS), at the indicator's own frequency,
    as (period, Accumulator)."""

    fields = [f"{prefix}{f}" for f in ("total", "count", "numerator", "denominator")]
    rows = (
        Rollup.objects.filter(indicator=indicator, org_unit=unit, **{f"{prefix}count__gt": 0})
        .select_related("period")
        .order_by("period__start")
        .only("period", *fields)
    )
    return [(r.period, Accumulator(*(getattr(r, f) for f in fields))) for r in rows]


def series(indicator, unit, kind: str | None = None, *, official: bool = False, part: str = "") -> list:
    """A unit's rolled-up series, oldest first, as [(Period, value)], at the indicator's frequency or
    any coarser one (month -> quarter -> year): coarser periods merge the stored parts, so a ratio
    is still summed numerators over summed denominators and a mean is over every value beneath.
    `part` is one of PARTS ("published_" for the public); `official` is short for "official_"."""
    return [(p, v) for p, v, _, _ in series_parts(indicator, unit, kind, official=official, part=part)]


def _parts_expected(indicator, coarser: P.Period) -> int:
    """How many periods of the indicator's frequency a coarser period holds (3 months in a quarter)."""
    fy_start = coarser.fy_start  # a financial year's own start month, whatever the setting says now
    return sum(
        1
        for q in P.between(indicator.frequency, coarser.start, coarser.end, fy_start)
        if P.parent(q, coarser.kind, fy_start).code == coarser.code
    )


def series_parts(indicator, unit, kind: str | None = None, *, official: bool = False, part: str = "") -> list:
    """As series(), as [(Period, value, parts, parts expected)]: a coarser period built from fewer of its
    sub-periods than it has (a year from 3 months) is partial (delivery.coverage.partial). At the
    indicator's own frequency parts and parts expected are None."""

    if part not in PARTS:
        raise ValueError(f"unknown rollup part {part!r}")
    cells = _cells(indicator, unit, "official_" if official else part)
    kind = kind or indicator.frequency
    rule, scale = indicator.aggregation, indicator.ratio_scale
    if kind == indicator.frequency:
        return [(p, acc.result(rule, scale), None, None) for p, acc in cells]
    merged: dict[str, Accumulator] = {}
    parts: dict[str, int] = {}
    for period, acc in cells:
        coarser = P.parent(P.parse(period.code), kind)  # PeriodError if kind is not coarser
        merged.setdefault(coarser.code, Accumulator()).merge(acc)
        parts[coarser.code] = parts.get(coarser.code, 0) + 1
    stored = {p.code: p for p in Period.objects.filter(code__in=list(merged))}
    out = []
    for code, acc in merged.items():
        pp = P.parse(code)
        p = stored.get(code)
        if p is None:  # a read never writes: an unsaved period for one nobody has reported on yet
            p = Period(code=pp.code, kind=pp.kind, start=pp.start, end=pp.end)
        out.append((p, acc.result(rule, scale), parts[code], _parts_expected(indicator, pp)))
    return sorted(out, key=lambda pv: pv[0].start)


def coarser_rows(indicator, unit, kind: str, shown: str = "", official: str = "official_") -> list[dict]:
    """The unit's rollups merged up to a coarser kind (quarter, fiscal quarter, year, financial year), oldest
    first, in the shape of monitoring.series.rollup_rows(): period_id (None if the period is not stored),
    period__code, period__start, period__end, expected, value, count, official_value, official_count, plus
    parts / parts_expected (months held / months it has: fewer is partial) and official_parts.

    `shown` and `official` are the rollup parts (PARTS) the figures and the official figures come from.
    Counts and expected units are summed over the sub-periods, so coverage is values reported of values
    expected in the months present; the months missing make the period partial instead.
    """
    for prefix in (shown, official):
        if prefix not in PARTS:
            raise ValueError(f"unknown rollup part {prefix!r}")
    prefixes = sorted({shown, official})
    fields = [f"{pre}{f}" for pre in prefixes for f in ("total", "count", "numerator", "denominator")]
    found = (
        Rollup.objects.filter(indicator=indicator, org_unit=unit, **{f"{shown}count__gt": 0})
        .values("period__code", "expected", *fields)
        .order_by("period__start")
    )
    merged: dict[str, dict] = {}
    for r in found:
        up = P.parent(P.parse(r["period__code"]), kind)  # PeriodError if kind is not coarser
        cell = merged.setdefault(
            up.code,
            {"period": up, "parts": 0, "official_parts": 0, "expected": 0, **{p: Accumulator() for p in prefixes}},
        )
        cell["parts"] += 1
        cell["official_parts"] += 1 if r[f"{official}count"] > 0 else 0
        cell["expected"] += r["expected"] or 0
        for pre in prefixes:
            cell[pre].merge(Accumulator(*(r[f"{pre}{f}"] for f in ("total", "count", "numerator", "denominator"))))
    stored = dict(Period.objects.filter(code__in=list(merged)).values_list("code", "pk"))
    rule, scale = indicator.aggregation, indicator.ratio_scale
    out = []
    for code, cell in merged.items():
        p = cell["period"]
        out.append(
            {
                "period_id": stored.get(code),
                "period__code": code,
                "period__start": p.start,
                "period__end": p.end,
                "expected": cell["expected"],
                "value": cell[shown].result(rule, scale),
                "count": cell[shown].count,
                "official_value": cell[official].result(rule, scale),
                "official_count": cell[official].count,
                "parts": cell["parts"],
                "official_parts": cell["official_parts"],
                "parts_expected": _parts_expected(indicator, p),
            }
        )
    return sorted(out, key=lambda r: r["period__start"])


def read(indicator, unit, period, *, official: bool = False, part: str = "") -> float | None:
    """The rolled-up figure for one unit and period (the indicator's frequency or coarser)."""
    for p, value in series(indicator, unit, period.kind, official=official, part=part):
        if p.code == period.code:
            return value
    return None
