"""How long the six-monthly delivery report PDF takes: 12 priorities on the demo, 50 on generated data.

    .venv/bin/python bench/routines_report.py

Builds a throwaway SQLite database in a temporary directory, loads the demo,
times the report as the worker makes it (routines.documents.build_pdf), then adds
38 generated priorities (one outcome, two monthly indicators each, four years
of data, a target and an assessment) and times it again. Prints seconds and
pages, wall and CPU seconds (the CPU seconds are the honest figure on a loaded machine), and the split
between gathering data, drawing charts and WeasyPrint. Also times each routine's largest meeting pack.
Targets on a 2-core machine: a meeting pack under 8 s, the 12-priority report under 8 s, 50 under 20 s.
Charts are cached per process (render.svg): each figure is drawn once, so a second run of the same
report in one process is faster; the figures printed here are each document's first, cold run.
"""

from __future__ import annotations

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

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.models import Count  # noqa: E402

from stocktake.accounts.models import Organisation  # noqa: E402
from stocktake.architecture import actions as architecture_actions  # noqa: E402
from stocktake.architecture.actions import ensure_period  # noqa: E402
from stocktake.architecture.models import Indicator, OrgUnit, Outcome, Pillar, Priority  # noqa: E402
from stocktake.delivery import periods as P  # noqa: E402
from stocktake.demo import build  # noqa: E402
from stocktake.monitoring import actions as monitoring_actions  # noqa: E402
from stocktake.routines import actions, documents, render  # noqa: E402
from stocktake.routines.models import AssessmentRound, Meeting, Routine  # noqa: E402


def _timed(build) -> tuple:
    """(PDF, pages, seconds, CPU seconds of this process, seconds per stage) of one document."""
    marks = {}
    cpu, started = time.process_time(), time.perf_counter()

    def progress(step, steps, stage):
        marks.setdefault(stage, time.perf_counter())

    body, pages, _title, _name = build(progress)
    done = time.perf_counter()
    stages = {
        "data": marks.get("charts", marks.get("layout", done)) - started,
        "charts": marks.get("layout", done) - marks.get("charts", marks.get("layout", done)),
        "WeasyPrint": done - marks.get("layout", done),
    }
    return body, pages, done - started, time.process_time() - cpu, stages


def _line(label, what, body, pages, seconds, cpu, stages) -> str:
    parts = ", ".join(f"{k} {v:.1f} s" for k, v in stages.items())
    return f"{label}: {what}, {pages} pages, {len(body) / 1e6:.1f} MB: PDF {seconds:.1f} s, {cpu:.1f} CPU s ({parts})"


def time_report(label: str) -> None:
    rnd = AssessmentRound.objects.order_by("-date").first()
    user = get_user_model().objects.get(username="duhead")
    body, pages, seconds, cpu, stages = _timed(
        lambda progress: documents.build_pdf("report", user=user, rnd=rnd, progress=progress)
    )
    xlsx_start = time.perf_counter()
    render.delivery_report_xlsx(documents.report_context(rnd, user, short=False))
    xlsx = time.perf_counter() - xlsx_start
    line = _line(label, f"{Priority.objects.count()} priorities", body, pages, seconds, cpu, stages)
    print(f"{line}; Excel {xlsx:.2f} s", flush=True)


def time_packs() -> None:
    """The meeting packs of the demo's largest held meeting of each routine: the slowest is the one to watch."""
    user = get_user_model().objects.get(username="duhead")
    for routine in Routine.objects.all():
        meeting = (
            Meeting.objects.filter(routine=routine, state="held").annotate(n=Count("priorities")).order_by("-n").first()
        )
        if meeting is None:
            continue
        body, pages, seconds, cpu, stages = _timed(
            lambda progress, m=meeting: documents.build_pdf("pack", user=user, meeting=m, progress=progress)
        )
        what = f"pack for {meeting} ({meeting.n} priorities)"
        print(_line("demo", what, body, pages, seconds, cpu, stages), flush=True)


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
    time_packs()
    add_generated(50 - Priority.objects.count())
    time_report("generated")
