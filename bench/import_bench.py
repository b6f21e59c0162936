"""Import benchmark (not a test): a national-scale file through the whole import pipeline vs a bare database load.

    .venv/bin/python bench/import_bench.py                   # 20,000 facilities x 50 indicators = 1,000,000 rows, SQLite
    STOCKTAKE_DATABASE_URL=postgresql://... .venv/bin/python bench/import_bench.py   # the same on PostgreSQL
    .venv/bin/python bench/import_bench.py --facilities 400 --stored 1000000,10000000   # growth, 1M vs 10M stored

It builds a throwaway database (a temporary SQLite file, or a scratch
database beside the one STOCKTAKE_DATABASE_URL names), writes one month of
values as a CSV in our long format, and prints wall and CPU seconds and
rows/s for:
  floor: driver load    the file into a plain table through the driver, one transaction
                        (sqlite3 executemany / psycopg 3 COPY), no Django
  floor: typed columns  the file read into typed columns (Polars)
  floor: our tables     what the file stores, as a commit stores it (a value, its first version and its
                        reporting-level rollup per row) written straight into our tables through the driver,
                        with their indexes and key checks, then rolled back: what no import on this schema
                        can beat (docs/decisions/0008-import-floor.md)
  dry run               read + every row check, nothing stored
  commit                read + checks + versions + audit + rollups (ours)
  re-import             the same file again (nothing changes)
with each of ours as a ratio to both floors. Then, to show that the work
follows the rows imported and not the rows stored, it imports a
--growth-rows month into tables padded to each --stored size (each step's
facilities have the same twelve months of history; the rest is older
months) and prints the ratio of the last to the first. With --statements N
it prints, under the commit and each growth step, the N statement shapes
(numbers and id lists folded) that took the most time, with their count: what
grew, without a server log or a profiler (the COMMIT itself is its own step).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import csv
import os
import random
import re
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--facilities", type=int, default=20_000)
    ap.add_argument("--indicators", type=int, default=50)
    ap.add_argument(
        "--stored",
        default="2000000,4000000",
        help="comma-separated table sizes for the growth test (e.g. 1000000,10000000); empty to skip it",
    )
    ap.add_argument("--growth-rows", type=int, default=20_000, help="rows imported in each growth test")
    ap.add_argument("--dry-run-only", action="store_true", help="floors and the dry run only (no commit, no growth)")
    ap.add_argument("--profile", action="store_true", help="print where the commit spends its time (cProfile)")
    ap.add_argument(
        "--statements",
        type=int,
        default=0,
        metavar="N",
        help="print the N statements (by shape) the commit and each growth step spent most time in",
    )
    return ap.parse_args()


def setup_database(tmp: Path):
    """Point Django at a throwaway database and migrate it; returns a cleanup function."""
    base = os.environ.get("STOCKTAKE_DATABASE_URL", "")
    os.environ["STOCKTAKE_DATA_DIR"] = str(tmp)
    cleanup = lambda: None  # noqa: E731
    if base.startswith(("postgres://", "postgresql://")):
        import dj_database_url
        import psycopg

        cfg = dj_database_url.parse(base)
        name = f"stocktake_bench_{uuid.uuid4().hex[:8]}"
        conninfo = dict(
            host=cfg["HOST"],
            port=cfg["PORT"] or 5432,
            user=cfg["USER"],
            password=cfg["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        )
        with psycopg.connect(**conninfo) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["STOCKTAKE_DATABASE_URL"] = base.rsplit("/", 1)[0] + "/" + name

        def cleanup():
            from django.db import connections

            connections.close_all()
            with psycopg.connect(**conninfo) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        os.environ["STOCKTAKE_DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stocktake.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return cleanup


def build_structure(facilities: int, indicators: int):
    """Nation -> 20 regions -> facilities; one priority with the indicators; an admin."""
    from django.contrib.auth import get_user_model

    from stocktake.accounts.models import Organisation
    from stocktake.architecture.models import Indicator, OrgUnit, Outcome, Pillar, Priority

    nation = OrgUnit.objects.create(code="NAT", name="Nation")
    regions = [OrgUnit.objects.create(code=f"R{r:02d}", name=f"Region {r}", parent=nation) for r in range(1, 21)]
    units = [
        OrgUnit(code=f"F{i:06d}", name=f"Facility {i}", parent=regions[i % 20], depth=3) for i in range(facilities)
    ]
    OrgUnit.objects.bulk_create(units, batch_size=5000)
    ids = dict(OrgUnit.objects.filter(depth=3).values_list("code", "pk"))
    for u in units:
        u.pk = ids[u.code]
        u.path = f"{u.parent.path}{u.pk}/"
    OrgUnit.objects.bulk_update(units, ["path"], batch_size=5000)
    org = Organisation.objects.create(code="moh", name="Ministry", kind="ministry")
    pillar = Pillar.objects.create(code="p", name="Pillar")
    priority = Priority.objects.create(pillar=pillar, code="pr", name="Priority", lead_organisation=org)
    outcome = Outcome.objects.create(priority=priority, code="o", name="Outcome")
    for k in range(indicators):
        Indicator.objects.create(
            outcome=outcome,
            code=f"ind-{k:02d}",
            name=f"Indicator {k}",
            unit="count",
            direction="up",
            frequency="M",
            aggregation="sum",
            report_depth=3,
            min_value=0,
        )
    return get_user_model().objects.create_superuser("bench", "bench@example.invalid", "bench-password")


def usual(f: int, k: int) -> int:
    """Facility f's usual level for indicator k, so that generated months look like one unit's history
    (a few per cent apart) and the outlier and jump rules have real work but few warnings."""
    return 500 + (f * 7919 + k * 104729) % 4500


def write_csv(path: Path, facilities: int, indicators: int, period: str, seed: int) -> int:
    rng = random.Random(seed)
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["indicator", "org_unit", "period", "value"])
        n = 0
        for f in range(facilities):
            for k in range(indicators):
                w.writerow([f"ind-{k:02d}", f"F{f:06d}", period, round(usual(f, k) * rng.uniform(0.95, 1.05))])
                n += 1
    return n


class Clock:
    """Wall and CPU seconds of one step (CPU of this process, every thread: the machine is shared, so wall
    time alone says as much about the other jobs as about ours; a PostgreSQL server's CPU is not counted)."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu

    def line(self, label: str, rows: int, floors: dict | None = None) -> str:
        text = f"{label:<22}{self.wall:8.2f} s wall {self.cpu:8.2f} s CPU {rows / self.wall:12,.0f} rows/s"
        for name, floor in (floors or {}).items():
            text += f"  {self.wall / floor.wall:6.1f}x {name}"
        return text


def driver_floor(path: Path) -> Clock:
    """Floor 1: the file into a plain table through the driver itself, in one transaction, no Django.

    SQLite: the standard library's sqlite3, csv.reader fed straight to executemany, into a scratch file
    beside the bench database. PostgreSQL: psycopg 3 COPY of the file's bytes into a plain table of the
    bench database. Nothing an import does (checks, versions, audit) can be faster than this.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        import psycopg

        s = connection.settings_dict
        conn = psycopg.connect(
            host=s["HOST"], port=s["PORT"] or 5432, user=s["USER"], password=s["PASSWORD"] or None, dbname=s["NAME"]
        )
        conn.execute(
            "CREATE TABLE bare_load (indicator varchar(60), org_unit varchar(60), period varchar(20), value double precision)"
        )
        conn.commit()
        with Clock() as clock:
            with conn.cursor() as cur, open(path, "rb") as fh:
                with cur.copy("COPY bare_load FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                    while data := fh.read(1 << 20):
                        copy.write(data)
            conn.commit()
        conn.execute("DROP TABLE bare_load")
        conn.commit()
        conn.close()
        return clock
    import sqlite3

    scratch = path.with_suffix(".floor.sqlite3")
    conn = sqlite3.connect(scratch, isolation_level=None)
    conn.execute("CREATE TABLE bare_load (indicator text, org_unit text, period text, value real)")
    with Clock() as clock:
        with open(path, newline="") as fh:
            reader = csv.reader(fh)
            next(reader)
            conn.execute("BEGIN")
            conn.executemany("INSERT INTO bare_load VALUES (?, ?, ?, ?)", reader)
            conn.execute("COMMIT")
    conn.close()
    scratch.unlink()
    return clock


def columnar_floor(path: Path) -> Clock:
    """Floor 2: the file read into typed columns (Polars' CSV reader), what a validating import must at least do."""
    import polars as pl

    schema = {"indicator": pl.String, "org_unit": pl.String, "period": pl.String, "value": pl.Float64}
    with Clock() as clock:
        frame = pl.read_csv(path, schema=schema)
    assert frame.height > 0
    return clock


def schema_floor(path: Path, user) -> Clock:
    """Floor 3: the rows a commit stores, written straight into our three tables by the driver, then rolled back.

    Each file row becomes a value (version 1), its first version and its reporting-level rollup, with ids
    chosen here; SQLite: executemany on the raw connection; PostgreSQL: COPY, then SET CONSTRAINTS ALL
    IMMEDIATE so that the deferred key checks a commit would run are run too. The tables' indexes and keys
    are the real ones, so this is the cost of the schema itself, before any check, comparison or audit.
    """
    import polars as pl
    from django.db import connection, transaction
    from django.utils import timezone

    from stocktake.architecture import actions as architecture_actions
    from stocktake.architecture.models import Indicator, OrgUnit
    from stocktake.delivery import periods as P

    frame = pl.read_csv(path, schema_overrides={"value": pl.Float64})
    (code,) = frame["period"].unique().to_list()
    period = architecture_actions.ensure_period(P.parse(code)).pk
    units = {c: (pk, parent) for c, pk, parent in OrgUnit.objects.values_list("code", "pk", "parent_id")}
    inds = dict(Indicator.objects.values_list("code", "pk"))
    now = timezone.now().isoformat() if connection.vendor == "sqlite" else timezone.now()
    base = 10**9  # ids far above any stored (rolled back, so nothing is left)
    # in the cell key's order, as a commit writes them (each index is then filled page by page)
    rows = sorted(
        (inds[i], units[u][0], units[u][1], v) for i, u, v in frame.select("indicator", "org_unit", "value").iter_rows()
    )
    rows = [(base + n, *row) for n, row in enumerate(rows)]
    values = (
        (n, i, u, period, "", v, None, None, "submitted", "", 1, "bench", now, user.pk) for n, i, u, _p, v in rows
    )
    versions = ((n, n, i, period, 1, v, None, None, "submitted", "", "bench", now, user.pk) for n, i, u, _p, v in rows)
    rollups = (
        (n, i, u, p, 3, period, 1, v, 0, 0, v, 0, 0, 0, 0, None, 0, 0, 0, 0, None, 1, None) for n, i, u, p, v in rows
    )
    tables = {
        "monitoring_datavalue": (
            "id, indicator_id, org_unit_id, period_id, disaggregation, value, numerator, denominator, state, "
            "comment, version, source, updated_at, updated_by_id",
            values,
        ),
        "monitoring_datavalueversion": (
            "id, data_value_id, indicator_id, period_id, version, value, numerator, denominator, state, comment, "
            "source, at, by_id",
            versions,
        ),
        "monitoring_rollup": (
            "id, indicator_id, org_unit_id, parent_id, depth, period_id, count, total, numerator, denominator, "
            "value, official_count, official_total, official_numerator, official_denominator, official_value, "
            "published_count, published_total, published_numerator, published_denominator, published_value, "
            "expected, expected_weight",
            rollups,
        ),
    }

    class Undo(Exception):
        pass

    with Clock() as clock:
        clock.parts = {}
        try:
            with transaction.atomic(), connection.cursor() as cur:
                for table, (columns, data) in tables.items():
                    start = time.perf_counter()
                    if connection.vendor == "postgresql":
                        with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                            for row in data:
                                copy.write_row(row)
                    else:
                        marks = ", ".join("?" * len(columns.split(",")))
                        cur.connection.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", data)
                    clock.parts[table.removeprefix("monitoring_")] = time.perf_counter() - start
                if connection.vendor == "postgresql":
                    start = time.perf_counter()
                    cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    clock.parts["key checks"] = time.perf_counter() - start
                raise Undo
        except Undo:
            pass
    return clock


def ours(path: Path, user, dry_run: bool):
    from stocktake.collection.importer import run_import

    with Clock() as clock, open(path, "rb") as fh:
        batch = run_import(fh, file_name=path.name, user=user, interface="cli", dry_run=dry_run)
    assert batch.status == "done" and batch.rows_rejected == 0, (batch.message, batch.errors[:3])
    return clock, batch


def fill_stored(target: int, before: str, facilities: int | None = None, months: int | None = None):
    """Pad DataValue with raw inserts of past months, `before` and back, until it holds `target` rows
    (or `months` months of the first `facilities` facilities have been written).

    Each padded value is near its unit's usual level, so that a month imported after it has real history
    to be checked against. Written through the driver (executemany on SQLite, COPY on PostgreSQL): history,
    not the benchmark.
    """
    from django.db import connection
    from django.utils import timezone

    from stocktake.architecture.actions import ensure_period
    from stocktake.architecture.models import Indicator, OrgUnit
    from stocktake.delivery import periods as P
    from stocktake.monitoring.models import DataValue

    have = DataValue.objects.count()
    if have >= target:
        return
    inds = list(Indicator.objects.order_by("code").values_list("pk", flat=True))
    units = list(OrgUnit.objects.filter(depth=3).order_by("code").values_list("pk", flat=True))[:facilities]
    month = P.parse(before)
    existing = set(DataValue.objects.values_list("period__code", flat=True).distinct())
    now = timezone.now()
    names = "indicator_id, org_unit_id, period_id, disaggregation, value, state, comment, version, source, updated_at"
    table = DataValue._meta.db_table
    rng = random.Random(target)
    if connection.vendor == "sqlite":  # a big page cache while padding only (the import runs as configured)
        with connection.cursor() as cur:
            cur.execute("PRAGMA cache_size = -1000000")
    while have < target and months != 0:
        if month.code in existing:
            month = month.previous()
            continue
        pid = ensure_period(month).pk
        rows = [
            (i, u, pid, "", float(round(usual(f, k) * rng.uniform(0.95, 1.05))), "published", "", 1, "bench", now)
            for k, i in enumerate(inds)  # in the cell key's order: indicator, then unit
            for f, u in enumerate(units)
        ][: target - have]
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                with cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cur.connection.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * 10)})", rows)
        have += len(rows)
        month = month.previous()
        months = None if months is None else months - 1
        print(f"    stored {have:,} rows", file=sys.stderr, end="\r")
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("PRAGMA cache_size = -2000")  # SQLite's default, as the import has it
        else:  # a live database's tables have been analysed by autovacuum long before a month is imported
            cur.execute("ANALYZE")
    print(file=sys.stderr)


@contextlib.contextmanager
def steps():
    """Wall and CPU seconds spent in each step of the imports run inside: {step: [wall, cpu]}."""
    from django.db import connection

    from stocktake.collection import importer
    from stocktake.delivery import importcolumns
    from stocktake.monitoring import actions, rollups

    # "commit": the transaction's COMMIT itself, where PostgreSQL runs the deferred foreign-key checks
    spent = {name: [0.0, 0.0] for name in ("checks", "values", "quality", "rollups", "commit", "completeness")}
    where = [
        ("checks", importcolumns, "check_frame"),
        ("values", actions, "record_values"),
        ("quality", importer._Run, "quality"),
        ("rollups", rollups, "refresh"),
        ("completeness", importer._Run, "after"),
        ("commit", connection, "_commit"),
    ]

    def timed(name, original):
        def wrapper(*args, **kwargs):
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                spent[name][0] += time.perf_counter() - wall
                spent[name][1] += time.process_time() - cpu

        return wrapper

    saved = [(owner, attr, getattr(owner, attr)) for _, owner, attr in where]
    for (name, owner, attr), (_, _, original) in zip(where, saved, strict=True):
        setattr(owner, attr, timed(name, original))
    try:
        yield spent
    finally:
        for owner, attr, original in saved:
            if owner is connection:
                del connection._commit  # the instance's patch gone, the class's method shows again
            else:
                setattr(owner, attr, original)


def step_line(spent: dict) -> str:
    return "    steps (wall / CPU s): " + ", ".join(f"{k} {w:.2f} / {c:.2f}" for k, (w, c) in spent.items())


@contextlib.contextmanager
def statements(top: int):
    """With --statements: the wall seconds and count of each statement shape run inside, the `top` slowest
    listed in the list it yields once the block ends (Django's execute_wrapper: every statement our code
    sends through Django's cursors)."""
    lines: list[str] = []
    if not top:
        yield lines
        return
    from django.db import connection

    spent: dict[str, list] = collections.defaultdict(lambda: [0, 0.0])

    def timed(execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            shape = re.sub(r"\(N(, N)+\)", "(N, ...)", re.sub(r"\b\d+\b", "N", " ".join(sql.split())))
            spent[shape][0] += 1
            spent[shape][1] += time.perf_counter() - t

    with connection.execute_wrapper(timed):
        yield lines
    for shape, (count, secs) in sorted(spent.items(), key=lambda kv: -kv[1][1])[:top]:
        # the statement's opening and its first FROM: the rollup levels share their opening
        at = shape.find(" FROM ")
        tail = f" ... {shape[at + 1 : at + 61]}" if at > 70 else ""
        lines.append(f"      {secs:8.2f} s {count:>7,} x  {shape[:70]}{tail}")


def growth_step(
    user, tmp: Path, rows: int, indicators: int, period: str, top: int = 0
) -> tuple[Clock, dict, int, list]:
    """One month of `rows` values imported: its clock, the wall and CPU seconds of its steps, the rows, and
    its slowest statements (with `top`)."""
    facilities = max(1, rows // indicators)
    path = tmp / f"growth-{period}.csv"
    n = write_csv(path, facilities, indicators, period, seed=hash(period) & 0xFFFF)
    with steps() as spent, statements(top) as slowest:
        clock, _ = ours(path, user, dry_run=False)
    return clock, spent, n, slowest


def main():
    args = parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="stocktake-bench-"))
    cleanup = setup_database(tmp)
    try:
        from django.db import connection

        print(
            f"database: {connection.vendor}; {args.facilities:,} facilities x {args.indicators} indicators; "
            f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
        )
        user = build_structure(args.facilities, args.indicators)
        path = tmp / "national-2026-09.csv"
        t = time.perf_counter()
        rows = write_csv(path, args.facilities, args.indicators, "2026-09", seed=1)
        print(f"generated {rows:,} rows ({path.stat().st_size / 1e6:,.1f} MB) in {time.perf_counter() - t:.1f} s")
        floors = {"driver": driver_floor(path), "columns": columnar_floor(path)}
        print(floors["driver"].line("floor: driver load", rows))
        print(floors["columns"].line("floor: typed columns", rows))
        dry, _ = ours(path, user, dry_run=True)
        print(dry.line("ours, dry run", rows, floors))
        if args.dry_run_only:
            return
        floors["tables"] = schema_floor(path, user)
        print(floors["tables"].line("floor: our tables", rows))
        print("    " + ", ".join(f"{name} {spent:.2f} s" for name, spent in floors["tables"].parts.items()))
        if args.profile:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            commit, batch = prof.runcall(ours, path, user, dry_run=False)
            pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
        else:
            with steps() as spent, statements(args.statements) as slowest:
                commit, batch = ours(path, user, dry_run=False)
        print(commit.line("ours, commit", rows, floors) + f"  (created {batch.created:,})")
        if not args.profile:
            print(step_line(spent))
            for line in slowest:
                print(line)
        with steps() as spent:
            again, batch = ours(path, user, dry_run=False)
        print(again.line("ours, re-import", rows, floors) + f"  (unchanged {batch.unchanged:,})")
        print(step_line(spent))
        print(
            f"targets: commit {rows / commit.wall:,.0f} rows/s wall, {rows / max(commit.cpu, 1e-9):,.0f} rows per "
            f"CPU-second (target 100,000); re-import {again.wall / commit.wall:.2f}x the commit's wall time "
            "(target below 1)"
        )
        sizes = [int(s) for s in args.stored.split(",") if s]
        if sizes:
            print(f"growth: a {args.growth_rows:,}-row month imported into tables already holding:")
            months = iter(["2026-04", "2026-05", "2026-06", "2026-07", "2026-08"])  # ended, after the padding
            # the same twelve months of history for the facilities each step imports, whatever else is stored
            # (older months of every facility)
            fill_stored(sizes[0], before="2026-03", facilities=args.growth_rows // args.indicators, months=12)
            first = None
            for size in sizes:
                fill_stored(size, before="2025-03")
                from stocktake.monitoring.models import DataValue

                stored = DataValue.objects.count()
                clock, spent, n, slowest = growth_step(
                    user, tmp, args.growth_rows, args.indicators, next(months), args.statements
                )
                print(clock.line(f"  {stored:>12,} values", n))
                print(step_line(spent))
                for line in slowest:
                    print(line)
                if first is None:
                    first, first_rollups = clock, spent["rollups"]
            if len(sizes) > 1:
                print(
                    f"growth ratio {sizes[-1]:,} / {sizes[0]:,} stored: {clock.wall / first.wall:.2f}x wall, "
                    f"{clock.cpu / first.cpu:.2f}x CPU; rollup refresh {spent['rollups'][0] / first_rollups[0]:.2f}x "
                    f"wall, {spent['rollups'][1] / max(first_rollups[1], 1e-9):.2f}x CPU (target at most 1.3x)"
                )
    finally:
        cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
