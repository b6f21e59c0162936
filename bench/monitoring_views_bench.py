"""Time the portfolio, a national heat map and a league table over HTTP, next to the bare SQL over raw values.

    bash scripts/with-postgres.sh .venv/bin/python bench/monitoring_views_bench.py            # 10,000,000 values
    bash scripts/with-postgres.sh .venv/bin/python bench/monitoring_views_bench.py --values 1000000
    .venv/bin/python bench/monitoring_views_bench.py --values 200000                           # SQLite, quick look

It builds a synthetic government in a fresh database: 1 nation, 10 regions,
500 districts, enough facilities per district to reach --values over 4
facility-level monthly indicators and 60 months, plus one district-level
indicator. Values go in with one INSERT ... SELECT per indicator (the data
pipeline's import is benchmarked elsewhere); the rollups are then built by
monitoring.rollups.refresh(), the same function an import calls.

Then a real `stocktake serve` answers, and for each view the median of
--runs requests is printed beside the median of the bare SQL aggregate that
produces the same numbers from the raw values, and the ratio.
Target (issue 5): each view under 300 ms median on PostgreSQL, and at least
10x faster than the bare aggregate.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date

REGIONS, DISTRICTS_PER_REGION, MONTHS = 10, 50, 60
FACILITY_INDICATORS = 4


def parse():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--values", type=int, default=10_000_000)
    p.add_argument("--runs", type=int, default=7)
    return p.parse_args()


def database_url() -> str:
    """A fresh database: a new one in the PostgreSQL server named by STOCKTAKE_DATABASE_URL, else SQLite."""
    base = os.environ.get("STOCKTAKE_DATABASE_URL", "")
    if base.startswith(("postgres://", "postgresql://")):
        import dj_database_url
        import psycopg

        cfg = dj_database_url.parse(base)
        name = f"stocktake_bench_{os.getpid()}"
        with psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"],
                             password=cfg["PASSWORD"] or None, dbname="postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return base.rsplit("/", 1)[0] + "/" + name
    return f"sqlite:///{tempfile.mkdtemp(prefix='stocktake-bench-')}/bench.sqlite3"


def build(n_values: int, say) -> dict:
    from django.db import connection, transaction

    from stocktake.accounts.models import Organisation
    from stocktake.architecture import actions as arch
    from stocktake.architecture.models import Indicator, Outcome, Pillar, Priority
    from stocktake.delivery import periods as P
    from stocktake.monitoring import rollups
    from stocktake.monitoring.models import OrgUnit, OrgUnitLevel, Period

    per_district = max(1, round(n_values / (REGIONS * DISTRICTS_PER_REGION * MONTHS * FACILITY_INDICATORS)))
    with transaction.atomic():
        for depth, name in [(1, "Nation"), (2, "Region"), (3, "District"), (4, "Facility")]:
            OrgUnitLevel.objects.create(depth=depth, name=name)
        nation = OrgUnit.objects.create(code="NAT", name="Benchland")
        regions = [OrgUnit.objects.create(code=f"R{r:02d}", name=f"Region {r}", parent=nation) for r in range(REGIONS)]
        districts = [OrgUnit(code=f"{reg.code}-D{d:02d}", name=f"District {reg.code}-{d:02d}", parent=reg, depth=3,
                             path="") for reg in regions for d in range(DISTRICTS_PER_REGION)]
        OrgUnit.objects.bulk_create(districts, batch_size=1000)
        districts = list(OrgUnit.objects.filter(depth=3).select_related("parent"))
        for d in districts:
            d.path = f"{d.parent.path}{d.pk}/"
        OrgUnit.objects.bulk_update(districts, ["path"], batch_size=1000)
        say(f"{len(districts)} districts, {per_district} facilities each")
        facilities = [OrgUnit(code=f"{d.code}-F{f:03d}", name=f"Facility {d.code}-{f:03d}", parent=d, depth=4, path="")
                      for d in districts for f in range(per_district)]
        OrgUnit.objects.bulk_create(facilities, batch_size=5000)
        cur = connection.cursor()
        if connection.vendor == "postgresql":
            cur.execute("UPDATE monitoring_orgunit f SET path = d.path || f.id || '/' FROM monitoring_orgunit d "
                        "WHERE f.parent_id = d.id AND f.depth = 4")
        else:
            cur.execute("UPDATE monitoring_orgunit SET path = (SELECT d.path FROM monitoring_orgunit d "
                        "WHERE d.id = monitoring_orgunit.parent_id) || id || '/' WHERE depth = 4")
        months = [Period.get(p) for p in P.between("M", date(2022, 1, 1), date(2026, 12, 31))][:MONTHS]
        org = Organisation.objects.create(code="ministry", name="Ministry of Benchmarks", kind="ministry")
        pillar = Pillar.objects.create(code="bench", name="Benchmarks")
        indicators = []
        for i in range(FACILITY_INDICATORS + 1):
            pr = Priority.objects.create(pillar=pillar, code=f"p{i}", name=f"Priority {i}", lead_organisation=org,
                                         published=True, rank=i)
            out = Outcome.objects.create(priority=pr, code=f"o{i}", name=f"Outcome {i}")
            ratio = i % 2 == 0
            indicators.append(Indicator.objects.create(
                outcome=out, code=f"ind-{i}", name=f"Indicator {i}", unit="%" if ratio else "count",
                direction="up" if ratio else "down", frequency="M", aggregation="ratio" if ratio else "sum",
                ratio_scale=100 if ratio else 1, report_depth=4 if i < FACILITY_INDICATORS else 3))
        rnd = "random()" if connection.vendor == "postgresql" else "(abs(random()) % 1000000) / 1000000.0"
        first = months[0].pk
        for ind in indicators:
            t0 = time.perf_counter()
            cur.execute(
                "INSERT INTO monitoring_datavalue (indicator_id, org_unit_id, period_id, disaggregation, value, numerator,"
                " denominator, state, comment, version, source, updated_at) "
                f"SELECT %s, u.id, p.id, '', "
                f"CASE WHEN %s THEN NULL ELSE floor(20 * {rnd} + 40 - (p.id - %s) * 0.1) END, "
                f"CASE WHEN %s THEN floor(500 + 300 * {rnd} + (p.id - %s) * 2) END, "
                f"CASE WHEN %s THEN 1000 END, "
                "CASE WHEN p.id = %s THEN 'submitted' ELSE 'published' END, '', 1, 'bench', CURRENT_TIMESTAMP "
                "FROM monitoring_orgunit u CROSS JOIN monitoring_period p WHERE u.depth = %s AND p.id IN ("
                + ",".join(str(m.pk) for m in months) + ")",
                [ind.pk, ind.aggregation == "ratio", first, ind.aggregation == "ratio", first,
                 ind.aggregation == "ratio", months[-1].pk, ind.report_depth])
            say(f"{ind.code}: {cur.rowcount:,} values in {time.perf_counter() - t0:.1f} s")
            base = 65.0 if ind.aggregation == "ratio" else 50.0 * (per_district * 500 if ind.report_depth == 4 else 500)
            arch.create_target(indicator=ind, baseline_value=base, baseline_date=months[23].end,
                               target_value=base * (1.2 if ind.aggregation == "ratio" else 0.8),
                               target_date=date(2027, 3, 31), status="committed", trajectory_method="linear",
                               interface="system", reason="bench")
    if connection.vendor == "postgresql":
        cur.execute("ANALYZE")
    t0 = time.perf_counter()
    rows = rollups.refresh()
    say(f"rollups: {rows:,} rows in {time.perf_counter() - t0:.1f} s")
    if connection.vendor == "postgresql":
        cur.execute("ANALYZE")
    from stocktake.monitoring.models import DataValue

    return {"indicators": indicators, "months": months, "values": DataValue.objects.count()}


def bare_sql(indicators, months):
    """The same numbers from the raw values, the way one would without rollups."""
    big = indicators[0]  # a facility-level ratio
    last12 = ",".join(str(m.pk) for m in months[-12:])
    district_of = ("SELECT f.parent_id AS district, v.period_id, SUM(v.numerator), SUM(v.denominator) "
                   "FROM monitoring_datavalue v JOIN monitoring_orgunit f ON f.id = v.org_unit_id "
                   f"WHERE v.indicator_id = {big.pk} AND v.disaggregation = '' AND v.period_id IN ({{periods}}) "
                   "GROUP BY f.parent_id, v.period_id")
    national = " UNION ALL ".join(
        f"SELECT indicator_id, period_id, SUM(value), SUM(numerator), SUM(denominator), COUNT(*) "
        f"FROM monitoring_datavalue WHERE indicator_id = {i.pk} AND disaggregation = '' "
        f"AND state IN ('validated', 'published') GROUP BY indicator_id, period_id" for i in indicators)
    return {
        "portfolio": national,
        "heat map (500 districts x 12 months)": district_of.format(periods=last12),
        "league table (500 districts, 2 months)": district_of.format(periods=f"{months[-2].pk},{months[-3].pk}"),
    }


def median_ms(fn, runs) -> float:
    fn()  # warm
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main():
    args = parse()
    url = database_url()
    os.environ["STOCKTAKE_DATABASE_URL"] = url
    os.environ.setdefault("STOCKTAKE_DATA_DIR", tempfile.mkdtemp(prefix="stocktake-bench-data-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stocktake.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    say = lambda msg: print(f"  {msg}", flush=True)  # noqa: E731
    print(f"==> building {args.values:,} values on {connection.vendor}", flush=True)
    call_command("migrate", verbosity=0)
    built = build(args.values, say)
    indicators, months = built["indicators"], built["months"]

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "stocktake", "serve", f"127.0.0.1:{port}"], env=os.environ.copy(),
                              stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/api/health", timeout=5)
                break
            except OSError:
                time.sleep(0.2)
        big = indicators[0].code
        pages = {
            "portfolio": "/",
            "heat map (500 districts x 12 months)": f"/monitoring/heatmap/{big}/?depth=3&periods=12",
            "league table (500 districts, 2 months)": f"/monitoring/league/{big}/?depth=3&period={months[-2].code}",
        }
        sql = bare_sql(indicators, months)
        cur = connection.cursor()
        print(f"\n{built['values']:,} data values, {connection.vendor}, median of {args.runs} runs\n")
        print(f"{'view':42} {'HTTP (ms)':>10} {'bare SQL (ms)':>14} {'SQL / HTTP':>11}")
        for name, path in pages.items():
            def get(path=path):
                with urllib.request.urlopen(base + path, timeout=120) as r:
                    assert r.status == 200
                    r.read()
            http = median_ms(get, args.runs)
            raw = median_ms(lambda q=sql[name]: (cur.execute(q), cur.fetchall()), args.runs)
            print(f"{name:42} {http:10.0f} {raw:14.0f} {raw / http:10.1f}x")
        # The portfolio page also shows other apps' panels (data freshness, milestones, ...), which
        # monitoring does not control; time them apart so each side knows where its time goes.
        from django.contrib.auth.models import AnonymousUser
        from django.test import RequestFactory

        from stocktake.monitoring import series, views
        from stocktake.web import panels

        request = RequestFactory().get("/")
        request.user = AnonymousUser()
        root = series.root_unit()
        own = median_ms(lambda: views.portfolio_data(request, root), args.runs)
        others = median_ms(lambda: (panels.portfolio_panels(request), panels.priority_notes(
            request, [p.pk for p in indicators[0].outcome.priority.pillar.priorities.all()])), args.runs)
        print(f"\nportfolio, in process: monitoring's rows {own:.0f} ms; other apps' panels and notes {others:.0f} ms")
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
