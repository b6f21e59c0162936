"""Setup-file benchmark (not a test): a national-scale government loaded from one workbook into an empty database.

    .venv/bin/python bench/setup.py                                   # SQLite, in a temporary folder
    bash scripts/with-postgres.sh .venv/bin/python bench/setup.py     # PostgreSQL (a throwaway server)
    .venv/bin/python bench/setup.py --units 2000 --indicators 30 --people 50

It writes a setup workbook with --units org units (1 nation, 20 regions, 20
districts each, facilities under them), --indicators indicators each with a
national target, --people people with sign-ins, and the pillars, priorities,
outcomes, strategies and milestones around them; migrates an empty database,
and prints the seconds for: writing the file, loading it (`stocktake setup`,
every row through the actions and audited), loading it a second time (nothing
changes), and exporting it again (`stocktake setup --export`).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", type=int, default=20_000)
    ap.add_argument("--indicators", type=int, default=300)
    ap.add_argument("--people", type=int, default=500)
    return ap.parse_args()


ROLES = ["priority_manager", "information_validator", "data_lead", "accountable_leader", "observer"]


def government(units: int, indicators: int, people: int) -> dict[str, list[dict]]:
    ministries = [f"min-{m:02d}" for m in range(1, 11)]
    orgs = [{"code": "centre", "name": "Delivery Unit", "kind": "centre"}] + [
        {"code": m, "name": f"Ministry {m[-2:]}", "kind": "ministry", "parent": "centre"} for m in ministries
    ]
    levels = [{"depth": d, "name": n} for d, n in enumerate(["Nation", "Region", "District", "Facility"], 1)]
    ous = [{"code": "NAT", "name": "Nation", "level": 1}]
    districts = []
    for r in range(1, 21):
        ous.append({"code": f"R{r:02d}", "name": f"Region {r}", "parent": "NAT", "level": 2, "organisation": None})
        for d in range(1, 21):
            code = f"R{r:02d}-D{d:02d}"
            districts.append(code)
            ous.append({"code": code, "name": f"District {r}.{d}", "parent": f"R{r:02d}", "level": 3})
    f = 0
    while len(ous) < units:
        parent = districts[f % len(districts)]
        f += 1
        ous.append(
            {
                "code": f"{parent}-F{f:05d}",
                "name": f"Facility {f}",
                "parent": parent,
                "level": 4,
                "geometry": f'{{"type": "Point", "coordinates": [{f % 360 - 180}, {f % 170 - 85}]}}',
            }
        )
    folk = [
        {
            "user": f"user{p:04d}",
            "name": f"Person {p}",
            "role": ROLES[p % len(ROLES)],
            "organisation": ministries[p % len(ministries)],
            "email": f"user{p:04d}@example.org",
        }
        for p in range(people)
    ]
    leaders = [p["user"] for p in folk if p["role"] == "accountable_leader"]
    pillars = [{"code": f"pillar-{i}", "name": f"Pillar {i}", "rank": i} for i in range(5)]
    n_prio = max(1, indicators // 10)
    prios = [
        {
            "code": f"prio-{i:03d}",
            "name": f"Priority {i}",
            "pillar": f"pillar-{i % 5}",
            "lead_organisation": ministries[i % 10],
            "published": "yes",
        }
        for i in range(n_prio)
    ]
    outcomes = [
        {
            "code": f"out-{i:03d}",
            "name": f"Outcome {i}",
            "priority": f"prio-{i // 2:03d}",
            "leader": leaders[i % len(leaders)] if leaders else None,
        }
        for i in range(n_prio * 2)
    ]
    inds, targets = [], []
    for i in range(indicators):
        ratio = i % 3 == 0
        inds.append(
            {
                "code": f"ind-{i:04d}",
                "name": f"Indicator {i}",
                "outcome": f"out-{i % len(outcomes):03d}",
                "unit": "%" if ratio else "count",
                "direction": "up" if i % 2 else "down",
                "frequency": "M",
                "aggregation": "ratio" if ratio else "sum",
                "ratio_scale": 100 if ratio else 1,
                "numerator_label": "achieved" if ratio else None,
                "denominator_label": "eligible" if ratio else None,
                "report_depth": 4,
                "meaningful": "yes",
                "moveable": "yes",
                "measurable": "yes",
            }
        )
        targets.append(
            {
                "indicator": f"ind-{i:04d}",
                "baseline_value": 40 + i % 7,
                "baseline_date": "2025-12-31",
                "target_value": 60 + i % 5,
                "target_date": "2028-12-31",
                "status": "committed" if i % 2 else "provisional",
                "trajectory_method": ["linear", "s_curve", "staged"][i % 3],
                "stages": "[[0.25, 0.1], [0.5, 0.4]]" if i % 3 == 2 else None,
            }
        )
    strategies = [
        {"priority": p["code"], "name": f"Strategy {p['code']}", "leader": leaders[0] if leaders else None}
        for p in prios
    ]
    milestones = [
        {"priority": s["priority"], "strategy": s["name"], "name": f"Milestone {k}", "due_date": f"2026-0{k + 1}-28"}
        for s in strategies
        for k in range(2)
    ]
    return {
        "Organisations": orgs,
        "Levels": levels,
        "OrgUnits": ous,
        "People": folk,
        "Tiers": [],
        "Pillars": pillars,
        "Priorities": prios,
        "Outcomes": outcomes,
        "Indicators": inds,
        "Targets": targets,
        "Strategies": strategies,
        "Milestones": milestones,
    }


def write_workbook(path: Path, data: dict) -> None:
    from openpyxl import Workbook

    from stocktake.onboarding import sheets as S

    wb = Workbook(write_only=True)
    for sheet in S.SHEETS:
        ws = wb.create_sheet(sheet.name)
        names = sheet.column_names()
        ws.append(names)
        for row in data[sheet.name]:
            ws.append([row.get(n) for n in names])
    wb.save(path)


def main() -> None:
    args = parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="stocktake-setup-bench-"))
    os.environ.setdefault("STOCKTAKE_DATA_DIR", str(tmp))
    base = os.environ.get("STOCKTAKE_DATABASE_URL", "")
    if base.startswith(("postgres://", "postgresql://")):  # a scratch database beside the one named (as import_bench)
        import uuid

        import dj_database_url
        import psycopg

        cfg = dj_database_url.parse(base)
        name = f"stocktake_setup_bench_{uuid.uuid4().hex[:8]}"
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
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stocktake.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from stocktake.accounts.models import AuditEntry
    from stocktake.onboarding import export, reader
    from stocktake.onboarding.load import load

    db = settings.DATABASES["default"]
    print(f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}")
    call_command("migrate", verbosity=0)
    path = tmp / "setup.xlsx"
    t = time.perf_counter()
    write_workbook(path, government(args.units, args.indicators, args.people))
    print(f"write file      {time.perf_counter() - t:6.1f} s  ({path.stat().st_size / 1e6:.1f} MB)")

    t, cpu = time.perf_counter(), time.process_time()
    tables = reader.read(path)
    read_s, read_cpu = time.perf_counter() - t, time.process_time() - cpu
    result = load(tables, interface="cli")
    took, took_cpu = time.perf_counter() - t, time.process_time() - cpu
    assert result.stored and not result.problems, result.problems[:5]
    made = {sheet: c["created"] for sheet, c in result.counts.items()}
    print(
        f"load            {took:6.1f} s  (this process's CPU {took_cpu:.1f} s; reading the file {read_s:.1f} s, CPU {read_cpu:.1f} s)"
    )
    print(f"                {made}  audit entries: {AuditEntry.objects.count():,}")
    print("                seconds per sheet:", ", ".join(f"{k} {v:.1f}" for k, v in result.seconds.items()))

    t, cpu = time.perf_counter(), time.process_time()
    again = load(reader.read(path), interface="cli")
    print(
        f"load again      {time.perf_counter() - t:6.1f} s  (CPU {time.process_time() - cpu:.1f} s)  changes: {again.changes}"
    )

    t, cpu = time.perf_counter(), time.process_time()
    with open(tmp / "export.xlsx", "wb") as out:
        export.write_xlsx(out)
    print(f"export          {time.perf_counter() - t:6.1f} s  (CPU {time.process_time() - cpu:.1f} s)")
    print(
        "(wall seconds on a shared machine; the load average was", " ".join(f"{x:.1f}" for x in os.getloadavg()) + ")"
    )


if __name__ == "__main__":
    main()
