"""Bytes per value on PostgreSQL's partitioned schema, and the sizing model of docs/decisions/0007-distribution.md.

    bash scripts/with-postgres.sh .venv/bin/python bench/partition_size.py            # 1,000,000 values
    bash scripts/with-postgres.sh .venv/bin/python bench/partition_size.py --values 200000

It migrates a scratch database of its own on the server STOCKTAKE_DATABASE_URL names (dropped at the end),
then COPYs demo-like rows straight into the partitioned tables: N values (a third of the indicators ratios,
with numerator and denominator), one version per value, and one rollup per value plus the levels above
(a 20,000-facility hierarchy adds under 1%). Foreign keys are not checked during the load
(session_replication_role = replica), so no indicators or units need exist: the rows and their indexes are
the same size either way. It prints pg_total_relation_size per table (heap, indexes, TOAST, all partitions)
and per row, and the model for 20,000 units x 300 indicators x 120 months.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
from pathlib import Path

import psycopg

HERE = Path(__file__).resolve().parent.parent
TABLES = ("monitoring_datavalue", "monitoring_datavalueversion", "monitoring_rollup")
NATIONAL = 20_000 * 300 * 120  # 720M values
UNITS_ABOVE = 1 + 10 + 150  # the nation, regions, districts above 20,000 facilities


def load(conn, n: int, rng: random.Random) -> None:
    indicators, periods = 50, 10
    units = max(1, n // (indicators * periods))
    stamp = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
    cells = [(i, u, p) for p in range(1, periods + 1) for i in range(1, indicators + 1) for u in range(1, units + 1)]
    cells = cells[:n]
    with conn.cursor() as cur:
        cur.execute("SET session_replication_role = replica")
        cols = (
            "id, indicator_id, org_unit_id, period_id, disaggregation, value, numerator, denominator, state, "
            "comment, version, source, updated_at, updated_by_id"
        )
        with cur.copy(f"COPY monitoring_datavalue ({cols}) FROM STDIN") as copy:
            for k, (i, u, p) in enumerate(cells, 1):
                ratio = i % 3 == 0
                num, den = (rng.randint(0, 900), rng.randint(900, 1000)) if ratio else (None, None)
                value = None if ratio else round(rng.uniform(0, 5000), 1)
                copy.write_row((k, i, u, p, "", value, num, den, "published", "", 1, "import #12", stamp, None))
        cols = "id, data_value_id, indicator_id, period_id, version, value, numerator, denominator, state, comment, source, at, by_id"
        with cur.copy(f"COPY monitoring_datavalueversion ({cols}) FROM STDIN") as copy:
            for k, (i, _u, p) in enumerate(cells, 1):
                copy.write_row(
                    (k, k, i, p, 1, rng.uniform(0, 5000), None, None, "published", "", "import #12", stamp, None)
                )
        cols = (
            "id, indicator_id, org_unit_id, parent_id, depth, period_id, count, total, numerator, denominator, value, "
            "official_count, official_total, official_numerator, official_denominator, official_value, expected, "
            "published_count, published_total, published_numerator, published_denominator, published_value, "
            "expected_weight"
        )
        with cur.copy(f"COPY monitoring_rollup ({cols}) FROM STDIN") as copy:
            for k, (i, u, p) in enumerate(cells, 1):
                v = rng.uniform(0, 5000)
                copy.write_row((k, i, u, u // 100 + 1, 3, p, 1, v, 0, 0, v, 1, v, 0, 0, v, 1, 1, v, 0, 0, v, None))
        cur.execute("SET session_replication_role = origin")
        for table in TABLES:
            cur.execute(f"VACUUM ANALYZE {table}") if conn.autocommit else cur.execute(f"ANALYZE {table}")


def sizes(conn) -> dict[str, tuple[int, int, int]]:
    """table -> (rows, total bytes over all partitions, index bytes)."""
    out = {}
    with conn.cursor() as cur:
        for table in TABLES:
            cur.execute(
                "SELECT COALESCE(SUM(pg_total_relation_size(inhrelid)), 0), COALESCE(SUM(pg_indexes_size(inhrelid)), 0) "
                "FROM pg_inherits WHERE inhparent = %s::regclass",
                [table],
            )
            total, indexes = cur.fetchone()
            cur.execute(f"SELECT count(*) FROM {table}")
            out[table] = (cur.fetchone()[0], int(total), int(indexes))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--values", type=int, default=1_000_000)
    args = ap.parse_args()
    url = os.environ.get("STOCKTAKE_DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("needs STOCKTAKE_DATABASE_URL on PostgreSQL (bash scripts/with-postgres.sh ...)", file=sys.stderr)
        return 2
    server, name = url.rsplit("/", 1)[0], "stocktake_partition_size"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")
    try:
        env = {**os.environ, "STOCKTAKE_DATABASE_URL": f"{server}/{name}", "PYTHONPATH": str(HERE / "src")}
        subprocess.run([sys.executable, "-m", "stocktake", "migrate", "-v", "0"], check=True, env=env)
        with psycopg.connect(f"{server}/{name}", autocommit=True) as conn:
            load(conn, args.values, random.Random(2026))
            found = sizes(conn)
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name}")
    print(f"{'table':32} {'rows':>10} {'total MB':>9} {'index MB':>9} {'B/row':>6} {'720M: GB':>9}")
    national_total = 0.0
    for table, (rows, total, indexes) in found.items():
        per = total / rows if rows else 0
        scale = NATIONAL * (1 + UNITS_ABOVE / 20_000) if table == "monitoring_rollup" else NATIONAL
        national_total += per * scale
        print(f"{table:32} {rows:>10,} {total / 1e6:>9.1f} {indexes / 1e6:>9.1f} {per:>6.0f} {per * scale / 1e9:>9.0f}")
    per_value = sum(t for _r, t, _i in found.values()) / max(1, found["monitoring_datavalue"][0])
    print(f"one value with its first version and its rollups: {per_value:.0f} bytes")
    print(f"20,000 units x 300 indicators x 120 months = {NATIONAL:,} values: {national_total / 1e9:.0f} GB in all")
    print(f"a year's partition (72M values, with versions and rollups): {national_total / 10 / 1e9:.0f} GB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
