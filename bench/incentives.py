"""How long the outcomes fund's pages, simulation and exports take on the demo fund.

    .venv/bin/python bench/incentives.py

Builds a throwaway SQLite database, loads the demo (one fund, 9 schemes, about
70 payments), then times the fund page, the simulation, a statement PDF, the
Excel position and computing and reviewing payments. Prints seconds.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

tmp = tempfile.mkdtemp(prefix="stocktake-bench-")
os.environ["STOCKTAKE_DATA_DIR"] = tmp
os.environ.pop("STOCKTAKE_DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stocktake.settings")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402


def timed(label, fn, repeat=3):
    best = None
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best or 1e9, time.perf_counter() - t)
    print(f"{label:<40} {best:7.3f} s")


call_command("migrate", verbosity=0)
t = time.perf_counter()
from stocktake.demo import build  # noqa: E402

build.build(seed=2026)
print(f"{'demo (whole government, fund included)':<40} {time.perf_counter() - t:7.3f} s")
c = Client()
c.force_login(get_user_model().objects.get(username="duhead"))
fund = "/incentives/funds/meridia-outcomes-fund/"
timed("fund page", lambda: c.get(fund, HTTP_HOST="localhost"))
timed("simulation (4 scenarios)", lambda: c.get(fund + "simulation/", HTTP_HOST="localhost"))
timed("statement PDF (Ministry of Health)", lambda: c.get(fund + "statements/moh/pdf/", HTTP_HOST="localhost"), 1)
timed("position.xlsx", lambda: c.get(fund + "position.xlsx", HTTP_HOST="localhost"))
timed(
    "compute-payments --dry-run",
    lambda: call_command("compute-payments", user="manager", dry_run=True, stdout=open(os.devnull, "w")),
)
