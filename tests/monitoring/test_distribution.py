"""The values' tables are ready to distribute by indicator (docs/decisions/0007-distribution.md).

On PostgreSQL, from the catalogue: values, versions and rollups are range-partitioned by period, and every
primary key, unique constraint and foreign key into them includes the distribution column. On both
databases: the main pages' queries on those tables filter on the indicator, so that each stays on one
shard (or a known few) in a distributed deployment.
"""

import io
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stocktake.architecture.models import Indicator, OrgUnit, Period
from stocktake.monitoring import distribution as D
from stocktake.monitoring.models import DataValue, DataValueVersion, Rollup
from tests import factories

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitioned tables are PostgreSQL's")


def _columns(cur, table_oid, attnums) -> set[str]:
    cur.execute("SELECT attname FROM pg_attribute WHERE attrelid = %s AND attnum = ANY(%s)", [table_oid, list(attnums)])
    return {r[0] for r in cur.fetchall()}


@postgres_only
def test_the_values_tables_are_partitioned_by_period_range(db):
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.relname, p.partstrat, p.partrelid, p.partattrs::int2[] FROM pg_partitioned_table p "
            "JOIN pg_class c ON c.oid = p.partrelid"
        )
        found = {name: (strategy, oid, attrs) for name, strategy, oid, attrs in cur.fetchall()}
        for table in D.PARTITIONED_TABLES:
            assert table in found, f"{table} is not partitioned"
            strategy, oid, attrs = found[table]
            assert strategy == "r", f"{table}: partitioned by {strategy}, not by range"
            assert _columns(cur, oid, attrs) == {D.PARTITION_COLUMN}
            cur.execute("SELECT count(*) FROM pg_inherits WHERE inhparent = %s", [oid])
            assert cur.fetchone()[0] > 1, f"{table} has no partitions"


@postgres_only
def test_every_key_of_the_distributed_tables_includes_the_distribution_column(db):
    with connection.cursor() as cur:
        cur.execute(
            "SELECT conrelid::regclass::text, conname, contype, conrelid, conkey::int2[], confrelid::regclass::text "
            "FROM pg_constraint WHERE contype IN ('p', 'u', 'f') AND conparentid = 0 AND (conrelid::regclass::text = ANY(%s) "
            "OR confrelid::regclass::text = ANY(%s))",
            [list(D.PARTITIONED_TABLES), list(D.PARTITIONED_TABLES)],
        )
        keys = cur.fetchall()
        assert {(t, k) for t, _n, k, *_ in keys} >= {(t, "p") for t in D.PARTITIONED_TABLES}
        missing = []
        for table, name, kind, oid, attnums, target in keys:
            columns = _columns(cur, oid, attnums)
            if kind == "f" and target not in D.PARTITIONED_TABLES:
                continue  # a key out to a reference table (indicator, org unit, period, user)
            # unique keys and keys between the distributed tables name both the shard and the partition
            if not {D.DISTRIBUTION_COLUMN, D.PARTITION_COLUMN} <= columns:
                missing.append(f"{table}.{name} ({kind}): {sorted(columns)}")
        assert not missing, missing
        # every table that refers to a value does so through the composite key
        cur.execute(
            "SELECT DISTINCT conrelid::regclass::text FROM pg_constraint WHERE contype = 'f' AND conparentid = 0 "
            "AND confrelid = 'monitoring_datavalue'::regclass"
        )
        # (the versions' key to their value is the write path's: test_every_version_is_of_its_values_cell...)
        assert {r[0] for r in cur.fetchall()} == set(D.REFERRING_TABLES)
        # and is co-located with the values: its own primary key names the indicator
        for table in D.REFERRING_TABLES:
            cur.execute(
                "SELECT conrelid, conkey::int2[] FROM pg_constraint WHERE contype = 'p' AND conrelid = %s::regclass",
                [table],
            )
            oid, attnums = cur.fetchone()
            assert D.DISTRIBUTION_COLUMN in _columns(cur, oid, attnums), table


@postgres_only
def test_django_writes_and_reads_the_partitioned_tables(db):
    indicator = Indicator.objects.get(code="ae-4h")
    unit = OrgUnit.objects.filter(depth=indicator.report_depth).first()
    period = Period.objects.filter(kind=indicator.frequency).order_by("-start").first()
    dv = DataValue.objects.create(indicator=indicator, org_unit=unit, period=period, disaggregation="t", value=1)
    version = DataValueVersion.objects.create(data_value=dv, version=1, value=1, state="submitted")
    assert (version.indicator_id, version.period_id) == (indicator.pk, period.pk)  # filled from the value
    assert DataValue.objects.get(pk=dv.pk).versions.get() == version
    with connection.cursor() as cur:
        cur.execute("SELECT tableoid::regclass::text FROM monitoring_datavalue WHERE id = %s", [dv.pk])
        assert cur.fetchone()[0].startswith("monitoring_datavalue_p")  # in a partition, by its period
    # a version is of its value's cell whatever it is given: the write path, not the database, keeps it so
    other = Indicator.objects.exclude(pk=indicator.pk).first()
    wrong = DataValueVersion.objects.create(data_value=dv, version=2, value=2, state="submitted", indicator=other)
    assert (wrong.indicator_id, wrong.period_id) == (indicator.pk, period.pk)


def test_every_version_is_of_its_values_cell_after_every_write_path(db):
    """The versions' key to their value is not checked by PostgreSQL (migration monitoring 0014): what keeps
    it is that every write path versions a value from the value itself. After the demo's imports, edits,
    verification decisions and an import that changes and adds values, no version names another cell."""
    from stocktake.collection.importer import run_import

    ind = Indicator.objects.get(code="homicides")
    units = list(OrgUnit.objects.filter(depth=ind.report_depth).order_by("path")[:3])
    stored = DataValue.objects.filter(indicator=ind, org_unit=units[0], disaggregation="").order_by("-period__start")
    last = stored.first()
    head = "indicator,org_unit,period,value,numerator,denominator,comment\n"
    rows = f"homicides,{units[0].code},{last.period.code},{(last.value or 0) + 3:g},,,changed\n" + "".join(
        f"homicides,{u.code},2026-11,{n + 1},,,\n" for n, u in enumerate(units)
    )
    batch = run_import(
        (head + rows).encode(), file_name="v.csv", user=factories.user("admin"), today=date(2026, 12, 20)
    )
    assert (batch.status, batch.created, batch.changed) == ("done", 3, 1)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*), count(v.id), SUM(CASE WHEN v.indicator_id = x.indicator_id AND v.period_id = x.period_id "
            "THEN 1 ELSE 0 END) FROM monitoring_datavalueversion x LEFT JOIN monitoring_datavalue v ON v.id = x.data_value_id"
        )
        total, with_value, same_cell = cur.fetchone()
    assert total > 1000 and total == with_value == same_cell


def test_aggregates_over_the_values_group_by_their_whole_key(db):
    """Django groups by `id` alone when it may; on PostgreSQL `id` is not the whole key (monitoring.pgbackend)."""
    from django.db.models import Count, Max

    rows = list(
        DataValue.objects.filter(indicator__code="ae-4h").annotate(n=Count("versions"), hi=Max("versions__version"))[:3]
    )
    assert rows and all(r.n >= 1 and r.hi == r.version for r in rows)
    assert Rollup.objects.filter(indicator__code="ae-4h").annotate(n=Count("id")).count() > 0


# --- the main queries filter on the distribution column (both databases) ---

DISTRIBUTED = tuple(t for t in D.PARTITIONED_TABLES)


def _mentions(table: str, sql: str) -> bool:
    return re.search(rf'(?<![\w"]){table}(?![\w"])|"{table}"', sql) is not None


def unkeyed(sql: str) -> list[str]:
    """The distributed tables a statement reads or writes without an indicator condition on them.

    A table is keyed when its indicator column (by name or alias) equals a value or a parameter, is IN a
    list of them (or a subquery), or equals another distributed table's indicator column (the co-located
    join Citus runs on one shard). A join to the indicators' table alone does not key it: that reads
    every shard.
    """
    column, found = D.DISTRIBUTION_COLUMN, []
    operand = r"(?:%s|\?|-?\d+|\(\s*(?:%s|\?|-?\d+|SELECT\b))"
    other = rf'(?<!\w)"?(?:{"|".join(DISTRIBUTED)}|[A-Z]\d+|[a-z]{{1,3}})"?\."?{column}"?'
    for table in DISTRIBUTED:
        if not _mentions(table, sql):
            continue
        names = [table] + re.findall(rf'"?{table}"?\s+(?:AS\s+)?"?(\w+)"?', sql)
        names = [n for n in names if n.upper() not in ("WHERE", "ON", "INNER", "LEFT", "JOIN", "SET", "GROUP")]
        keyed = False
        for n in names:
            mine = rf'(?<!\w)"?{re.escape(n)}"?\."?{column}"?'
            if (
                re.search(rf"{mine}\s*(?:=|\bIN\b)\s*{operand}", sql, re.I)
                or re.search(rf"{mine}\s*=\s*{other}", sql)
                or re.search(rf"{other}\s*=\s*{mine}", sql)
            ):
                keyed = True
        if not keyed:
            found.append(table)
    return found


def test_the_checker_finds_a_query_without_the_key(db):
    """The check below can fail: a rollup query by unit alone is not keyed, the same by indicator is."""
    root = OrgUnit.objects.get(depth=0) if OrgUnit.objects.filter(depth=0).count() == 1 else OrgUnit.objects.first()
    indicator = Indicator.objects.get(code="ae-4h")
    with CaptureQueriesContext(connection) as bare:
        list(Rollup.objects.filter(org_unit=root)[:5])
        # a join to the indicators' table, filtered there, still reads every shard
        list(DataValue.objects.filter(indicator__code="ae-4h")[:5])
    with CaptureQueriesContext(connection) as keyed:
        list(Rollup.objects.filter(indicator=indicator, org_unit=root)[:5])
        list(DataValue.objects.filter(indicator_id__in=[indicator.pk], state="submitted")[:5])
    assert [unkeyed(q["sql"]) for q in bare.captured_queries] == [["monitoring_rollup"], ["monitoring_datavalue"]]
    assert [unkeyed(q["sql"]) for q in keyed.captured_queries] == [[], []]


@pytest.mark.parametrize(
    "page",
    ["/", "/indicators/ae-4h/", "/monitoring/heatmap/ae-4h/", "/monitoring/league/ae-4h/", "/monitoring/heatmap/"],
)
def test_the_main_pages_read_the_distributed_tables_by_indicator(client, db, page):
    client.force_login(factories.user("validator"))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(page).status_code == 200
    touching = [q["sql"] for q in ctx.captured_queries if any(_mentions(t, q["sql"]) for t in DISTRIBUTED)]
    assert touching, f"{page} read no values or rollups: the check checked nothing"
    offending = [(unkeyed(sql), sql[:300]) for sql in touching if unkeyed(sql)]
    assert not offending, offending


def _rows_of(cur, period_id):
    found = {}
    for table in D.PARTITIONED_TABLES:
        cur.execute(f"SELECT tableoid::regclass::text, * FROM {table} WHERE period_id = %s ORDER BY id", [period_id])
        found[table] = cur.fetchall()
    return found


@postgres_only
def test_partitions_extend_moves_a_new_periods_rows_out_of_the_default_partition(db):
    from django.core.management import call_command

    from stocktake.architecture.actions import ensure_period

    indicator = Indicator.objects.get(code="ae-4h")
    unit = OrgUnit.objects.filter(depth=indicator.report_depth).first()
    numbers = {"numerator": 90, "denominator": 100} if indicator.aggregation == "ratio" else {"value": 5}
    with connection.cursor() as cur:
        ranges, _ = D.layout(cur, "monitoring_datavalue")
        # a period created years after the migration: its id is past every range
        cur.execute("SELECT setval(pg_get_serial_sequence('monitoring_period', 'id'), %s)", [ranges[-1][2] + 20])
        period = ensure_period("2039-01" if indicator.frequency == "M" else "2039")
        factories.record(indicator, unit, period, **numbers)
        before = _rows_of(cur, period.pk)
        for table, rows in before.items():
            assert rows and {r[0] for r in rows} == {f"{table}_pdefault"}, table
        # its range is missing, and so are the spare ones beyond it
        missing = D.missing_ranges(cur, "monitoring_datavalue")
        n = period.pk // D.PARTITION_WIDTH
        assert {n, n + D.SPARE_PARTITIONS} <= set(missing)

    out = io.StringIO()
    call_command("partitions", "--extend", stdout=out)
    assert "rows moved from the default partition" in out.getvalue()

    with connection.cursor() as cur:
        after = _rows_of(cur, period.pk)
        for table, rows in after.items():
            assert {r[0] for r in rows} == {f"{table}_p{n:04d}"}, table  # in its own range now
            assert [r[1:] for r in rows] == [r[1:] for r in before[table]], table  # every row and column kept
            assert D.layout(cur, table)[1] == 0
            assert D.missing_ranges(cur, table) == []
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the reviews' composite key to their value holds
    # the new range takes the period's next value, and a second run has nothing to do
    other = OrgUnit.objects.filter(depth=indicator.report_depth).exclude(pk=unit.pk).first()
    factories.record(indicator, other, period, **numbers)
    assert DataValue.objects.filter(period=period).count() == 2
    out = io.StringIO()
    call_command("partitions", "--extend", stdout=out)
    assert "0 partitions created, 0 rows moved" in out.getvalue()
    test_every_key_of_the_distributed_tables_includes_the_distribution_column(db)


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite's answer")
def test_partitions_on_sqlite_says_there_is_nothing_to_do(db):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("partitions", "--extend", stdout=out)
    assert "keeps plain tables" in out.getvalue()


@postgres_only
def test_a_large_batch_analyses_the_partitions_it_wrote_into(db):
    """Statistics from before a period had values send commit-time key checks through the period's index,
    one whole month per row: a batch of ANALYZE_NEW_ROWS new values or more refreshes its partitions'."""
    from stocktake.architecture.actions import ensure_period
    from stocktake.monitoring import actions

    indicator = Indicator.objects.get(code="ae-4h")
    unit = OrgUnit.objects.filter(depth=indicator.report_depth).first()
    period = ensure_period("2038-01" if indicator.frequency == "M" else "2038")
    with connection.cursor() as cur:
        (partition,) = D.analyze_touched(cur, "monitoring_datavalue", [period.pk])  # its stats, as they are now
        cur.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [partition])
        before = cur.fetchone()[0]

    def rows(n):
        return [
            dict(
                indicator_id=indicator.pk,
                org_unit_id=unit.pk,
                period_id=period.pk,
                disaggregation=f"part={k}",
                value=1,
                numerator=1,
                denominator=2,
                comment="",
            )
            for k in range(n)
        ]

    actions.record_values(rows(D.ANALYZE_NEW_ROWS - 1), source="test", refresh_rollups=False)
    with connection.cursor() as cur:
        cur.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [partition])
        assert cur.fetchone()[0] == before  # a small batch leaves them alone
    actions.record_values(rows(2 * D.ANALYZE_NEW_ROWS), source="test", refresh_rollups=False)
    with connection.cursor() as cur:
        cur.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [partition])
        assert cur.fetchone()[0] >= before + D.ANALYZE_NEW_ROWS
