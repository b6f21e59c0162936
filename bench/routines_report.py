"""How long the six-monthly delivery report PDF takes: 12 priorities on the demo, 50 on generated data.

    .venv/bin/python bench/routines_report.py

Builds a throwaway SQLite database in a temporary directory, loads the demo,
times the report (data, charts rendered by vl-convert, WeasyPrint), then adds
38 generated priorities (one outcome, two monthly indicators each, four years
of data, a target and an assessment) and times it again. Prints seconds and
pages. Target: under 20 s for 50 priorities on a 2-core machine.
"""

from __future__ import annotations

import io
import math
import os
import random
import sys
import tempfile
import time
from datetime import date

tmp = tempfile.mkdtemp(prefix="stocktake-bench-")
os.environ["STOCKTAKE_DATA_DIR"] = tmp
os.environ.pop("STOCKTAKE_DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stocktake.settings")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from stocktake.accounts.models import Organisation  # noqa: E402
from stocktake.architecture import actions as architecture_actions  # noqa: E402
from stocktake.architecture.actions import ensure_period  # noqa: E402
from stocktake.architecture.models import Indicator, OrgUnit, Outcome, Pillar, Priority  # noqa: E402
from stocktake.delivery import periods as P  # noqa: E402
from stocktake.demo import build  # noqa: E402
from stocktake.monitoring import actions as monitoring_actions  # noqa: E402
from stocktake.routines import actions, render, reports  # noqa: E402
from stocktake.routines.models import AssessmentRound  # noqa: E402


def time_report(label: str) -> None:
    rnd = AssessmentRound.objects.order_by("-date").first()
    cpu = time.process_time()
    started = time.perf_counter()
    ctx = reports.delivery_report(rnd, Priority.objects.all(), chart_width=render.PRINT_CHART_WIDTH)
    gathered = time.perf_counter()
    t_svg = time.perf_counter()
    render.add_svgs(ctx)
    t_svg = time.perf_counter() - t_svg
    body = render.pdf(
        "routines/print.html", {**ctx, "body": "routines/_report_body.html", "title": f"Delivery report: {rnd}"}
    )
    done = time.perf_counter()
    cpu = time.process_time() - cpu
    pages = len(PdfReader(io.BytesIO(body)).pages)
    xlsx_start = time.perf_counter()
    render.delivery_report_xlsx(ctx)
    xlsx = time.perf_counter() - xlsx_start
    print(
        f"{label}: {Priority.objects.count()} priorities, {pages} pages, {len(body) / 1e6:.1f} MB: "
        f"PDF {done - started:.1f} s, {cpu:.1f} CPU s (data {gathered - started:.1f} s, charts {t_svg:.1f} s, WeasyPrint {done - gathered - t_svg:.1f} s); "
        f"Excel {xlsx:.2f} s"
    )


def add_generated(n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    nation = OrgUnit.objects.get(parent=None)
    pillar = Pillar.objects.order_by("rank").first()
    orgs = list(Organisation.objects.filter(kind="ministry"))
    months = [ensure_period(p) for p in P.between(P.MONTH, date(2023, 1, 1), date(2026, 10, 31))]
    rnd = AssessmentRound.objects.order_by("-date").first()
    if rnd.is_closed:
        actions.reopen_round(rnd, reason="benchmark")
    for i in range(n):
        pr = Priority.objects.create(
            pillar=pillar,
            code=f"gen-{i}",
            name=f"Generated priority {i + 1}",
            lead_organisation=orgs[i % len(orgs)],
            rank=100 + i,
        )
        o = Outcome.objects.create(priority=pr, code=f"gen-{i}-outcome", name=f"Generated outcome {i + 1}")
        for k in range(2):
            ind = Indicator.objects.create(
                outcome=o,
                code=f"gen-{i}-{k}",
                name=f"Generated indicator {i + 1}.{k + 1}",
                unit="%",
                direction="up",
                aggregation="mean",
                report_depth=1,
                decimals=1,
            )
            level, achieved = rng.uniform(30, 60), rng.uniform(0.3, 1.2)
            rows = [
                {
                    "indicator_id": ind.pk,
                    "org_unit_id": nation.pk,
                    "period_id": m.pk,
                    "disaggregation": "",
                    "value": level + achieved * 20 * max(0, j - 14) / 50 + 2 * math.sin(j),
                    "numerator": None,
                    "denominator": None,
                    "comment": "",
                }
                for j, m in enumerate(months)
            ]
            monitoring_actions.record_values(rows, interface="system", source="bench")
            architecture_actions.create_target(
                indicator=ind,
                baseline_value=round(level, 1),
                baseline_date=date(2024, 3, 31),
                target_value=round(level + 20, 1),
                target_date=date(2027, 3, 31),
                interface="system",
            )
        actions.assess(
            rnd,
            o,
            interface="system",
            likelihood=rng.randint(1, 4),
            likelihood_rationale="Generated",
            key_issues="Generated issue",
            next_steps="Generated next step",
            narrative="Generated narrative",
        )


if __name__ == "__main__":
    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    build.build(seed=2026)
    print(f"demo built in {time.perf_counter() - t:.1f} s ({tmp})")
    time_report("demo")
    add_generated(50 - Priority.objects.count())
    time_report("generated")
