"""Import benchmark (not a test): a national-scale file through the whole import pipeline vs a bare database load.

    .venv/bin/python bench/import_bench.py                   # 20,000 facilities x 50 indicators = 1,000,000 rows, SQLite
    STOCKTAKE_DATABASE_URL=postgresql://... .venv/bin/python bench/import_bench.py   # the same on PostgreSQL
    .venv/bin/python bench/import_bench.py --facilities 2000 --indicators 20 --stored 1000000,10000000

It builds a throwaway database (a temporary SQLite file, or a scratch
database beside the one STOCKTAKE_DATABASE_URL names), writes one month of
values as a CSV in our long format, and prints rows/s for:
  bare load      SQLite executemany into a plain table / PostgreSQL COPY
  dry run        read + every row check, nothing stored
  commit         read + checks + versions + audit + rollups (ours)
and the ratio ours/bare. Then, to show that rollup refresh follows the rows
imported and not the rows stored, it times the incremental rollup refresh
for the same import into tables pre-filled with each --stored size.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
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
        "--stored", default="", help="comma-separated table sizes for the rollup test, e.g. 1000000,10000000"
    )
    ap.add_argument("--rollup-rows", type=int, default=100_000, help="rows imported in each rollup test")
    ap.add_argument("--profile", action="store_true", help="print where the commit spends its time (cProfile)")
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


def write_csv(path: Path, facilities: int, indicators: int, period: str, seed: int) -> int:
    rng = random.Random(seed)
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["indicator", "org_unit", "period", "value"])
        n = 0
        for f in range(facilities):
            for k in range(indicators):
                w.writerow([f"ind-{k:02d}", f"F{f:06d}", period, rng.randint(0, 5000)])
                n += 1
    return n


def bare_load(path: Path) -> float:
    """The floor: the same rows into a plain table, as fast as the database takes them."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bare_load")
        cur.execute(
            "CREATE TABLE bare_load (indicator varchar(60), org_unit varchar(60), period varchar(20), value double precision)"
        )
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cur, open(path, "rb") as fh:
            with cur.cursor.copy("COPY bare_load FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                while data := fh.read(1 << 20):
                    copy.write(data)
        connection.commit() if not connection.get_autocommit() else None
    else:
        with open(path, newline="") as fh, connection.cursor() as cur:
            reader = csv.reader(fh)
            next(reader)
            batch = []
            for row in reader:
                batch.append(row)
                if len(batch) == 50_000:
                    cur.executemany("INSERT INTO bare_load VALUES (%s, %s, %s, %s)", batch)
                    batch = []
            if batch:
                cur.executemany("INSERT INTO bare_load VALUES (%s, %s, %s, %s)", batch)
    seconds = time.perf_counter() - started
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bare_load")
    return seconds


def ours(path: Path, user, dry_run: bool):
    from stocktake.collection.importer import run_import

    started = time.perf_counter()
    with open(path, "rb") as fh:
        batch = run_import(fh, file_name=path.name, user=user, interface="cli", dry_run=dry_run)
    seconds = time.perf_counter() - started
    assert batch.status == "done" and batch.rows_rejected == 0, (batch.message, batch.errors[:3])
    return seconds, batch


def fill_stored(target: int, facilities: int, indicators: int):
    """Pad DataValue with raw inserts (old months) until it holds `target` rows: history, not the benchmark."""
    from django.db import connection
    from django.utils import timezone

    from stocktake.architecture.actions import ensure_period
    from stocktake.architecture.models import Indicator, OrgUnit
    from stocktake.delivery import periods as P
    from stocktake.monitoring.models import DataValue

    have = DataValue.objects.count()
    if have >= target:
        return
    ind_ids = list(Indicator.objects.order_by("code").values_list("pk", flat=True))
    unit_ids = list(OrgUnit.objects.filter(depth=3).order_by("code").values_list("pk", flat=True))
    month = P.parse("2000-01")
    existing = set(DataValue.objects.values_list("period__code", flat=True).distinct())
    now = timezone.now()
    table = DataValue._meta.db_table
    sql = (
        f"INSERT INTO {table} (indicator_id, org_unit_id, period_id, disaggregation, value, state, comment, version, "
        f"source, updated_at) VALUES (%s, %s, %s, '', %s, 'published', '', 1, 'bench', %s)"
    )
    while have < target:
        if month.code in existing:
            month = month.next()
            continue
        pid = ensure_period(month).pk
        rows = [(i, u, pid, 1.0, now) for i in ind_ids for u in unit_ids][: target - have]
        with connection.cursor() as cur:
            for k in range(0, len(rows), 50_000):
                cur.executemany(sql, rows[k : k + 50_000])
        have += len(rows)
        month = month.next()
        print(f"    stored {have:,} rows", file=sys.stderr, end="\r")
    print(file=sys.stderr)


def rollup_timing(user, tmp: Path, rows: int, indicators: int, period: str) -> tuple[float, float, int]:
    """(import seconds, rollup refresh seconds inside it, rows) for one month of `rows` values."""
    from stocktake.monitoring import rollups

    facilities = max(1, rows // indicators)
    path = tmp / f"rollup-{period}.csv"
    n = write_csv(path, facilities, indicators, period, seed=hash(period) & 0xFFFF)
    spent = [0.0]
    original = rollups.refresh

    def timed(*args, **kwargs):
        t = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - t

    rollups.refresh = timed
    try:
        seconds, _ = ours(path, user, dry_run=False)
    finally:
        rollups.refresh = original
    return seconds, spent[0], n


def main():
    args = parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="stocktake-bench-"))
    cleanup = setup_database(tmp)
    try:
        from django.db import connection

        print(f"database: {connection.vendor}; {args.facilities:,} facilities x {args.indicators} indicators")
        user = build_structure(args.facilities, args.indicators)
        path = tmp / "national-2026-09.csv"
        t = time.perf_counter()
        rows = write_csv(path, args.facilities, args.indicators, "2026-09", seed=1)
        print(f"generated {rows:,} rows ({path.stat().st_size / 1e6:,.1f} MB) in {time.perf_counter() - t:.1f} s")
        bare = bare_load(path)
        print(f"bare load       {bare:8.1f} s  {rows / bare:12,.0f} rows/s")
        dry, _ = ours(path, user, dry_run=True)
        print(f"ours, dry run   {dry:8.1f} s  {rows / dry:12,.0f} rows/s  ratio {dry / bare:5.1f}x bare")
        if args.profile:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            commit, batch = prof.runcall(ours, path, user, dry_run=False)
            pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
        else:
            commit, batch = ours(path, user, dry_run=False)
        print(
            f"ours, commit    {commit:8.1f} s  {rows / commit:12,.0f} rows/s  ratio {commit / bare:5.1f}x bare "
            f"(created {batch.created:,})"
        )
        again, batch = ours(path, user, dry_run=False)
        print(f"ours, re-import {again:8.1f} s  {rows / again:12,.0f} rows/s  (unchanged {batch.unchanged:,})")
        if args.stored:
            print(f"rollup refresh for {args.rollup_rows:,} imported rows, by rows already stored:")
            months = iter(["2026-08", "2026-07", "2026-06", "2026-05", "2026-04"])  # ended months, not yet stored
            for size in [int(s) for s in args.stored.split(",") if s]:
                fill_stored(size, args.facilities, args.indicators)
                from stocktake.monitoring.models import DataValue

                stored = DataValue.objects.count()
                seconds, rollup_s, n = rollup_timing(user, tmp, args.rollup_rows, args.indicators, next(months))
                print(
                    f"  stored {stored:>12,}: import {seconds:7.1f} s, incremental rollup refresh {rollup_s:6.2f} s "
                    f"({n / rollup_s:,.0f} rows/s)"
                )
    finally:
        cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
