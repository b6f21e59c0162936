"""Many hands at once on a real `stocktake serve`: readers, data leads writing, a validator deciding.

    .venv/bin/python bench/concurrency.py                                   # SQLite
    bash scripts/with-postgres.sh .venv/bin/python bench/concurrency.py     # PostgreSQL
    .venv/bin/python bench/concurrency.py --seconds 20 --readers 4 --leads 2

It builds the demo in a scratch database (a SQLite file in a temporary folder, or a database of its own on
the PostgreSQL server STOCKTAKE_DATABASE_URL names, dropped at the end), starts `stocktake serve` (with its
worker) on a free loopback port, and for --seconds (at most --max-requests requests in all) runs:

- readers: the portfolio page, a national heat map and /api/monitoring/portfolio, in turn;
- data leads: each pushes new figures for a pool of cells that all the leads share, through
  POST /api/collection/values with its own API token, so two leads often write one cell at once;
- a validator: reads a value (GET /api/collection/values/{id}), then validates or publishes it at the version
  it read (POST /api/collection/decisions/...), racing the leads.

Then it prints requests, answers by status, latency percentiles, and checks, on the database itself:
every acknowledged write is in its cell's version history; every cell's history is versions 1..N with no
gap; every official value has its review at its current version, and no review made a version official
after a newer one was written. Targets (issue 17): no 5xx but 503, nothing lost or unreviewed, and every
refusal a 409 or 503 with a message. Exit status 1 when a target is missed. Loopback only; it stops by itself.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SETUP = r"""
import json
from django.contrib.auth import get_user_model
from stocktake.accounts import actions as account_actions, permissions
from stocktake.architecture.models import Indicator
from stocktake.architecture.models import OrgUnit
from stocktake.monitoring.models import DataValue
User = get_user_model()
out = {"leads": [], "heatmap": None}
for u in User.objects.order_by("username"):
    if permissions.role(u) != "data_lead":
        continue
    ind = next((i for i in Indicator.objects.select_related("outcome__priority").order_by("code")
                if i.aggregation != "ratio" and i.frequency == "M" and permissions.can_submit(u, i)), None)
    if ind is None:
        continue
    units = list(OrgUnit.objects.filter(depth=ind.report_depth).order_by("code").values_list("code", flat=True)[:CELLS])
    out["leads"].append({"user": u.username, "token": account_actions.issue_token(u, name="bench", interface="system")[1],
                         "indicator": ind.code, "units": units})
out["heatmap"] = out["leads"][0]["indicator"] if out["leads"] else Indicator.objects.first().code
out["validator"] = account_actions.issue_token(User.objects.get(username="validator"), name="bench", interface="system")[1]
from stocktake.monitoring.models import DataValueVersion
out["since"] = DataValueVersion.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
print(json.dumps(out))
"""

CHECK = r"""
import json
from django.db.models import Count, Max, Min
from stocktake.collection.models import Review
from stocktake.monitoring.models import DataValue, DataValueVersion
acks = json.load(open(ACKS))
lost = []
for key, value, source in acks:
    ind, unit, period = key.split("|")
    if not DataValueVersion.objects.filter(data_value__indicator__code=ind, data_value__org_unit__code=unit,
                                           data_value__period__code=period, value=value, source=source).exists():
        lost.append([key, value, source])
new = DataValueVersion.objects.filter(pk__gt=SINCE)
cells = DataValue.objects.filter(pk__in=new.values("data_value"))
gaps = [dv.pk for dv in cells.annotate(n=Count("versions"), lo=Min("versions__version"), hi=Max("versions__version"))
        if (dv.n, dv.lo, dv.hi) != (dv.version, 1, dv.version)]
written = {(d, v): at for d, v, at in DataValueVersion.objects.values_list("data_value", "version", "at")}
late = [r.pk for r in Review.objects.filter(state__in=["validated", "published"], by__username="validator")
        if written.get((r.data_value_id, r.version + 1)) is not None and written[(r.data_value_id, r.version + 1)] <= r.at]
unreviewed = [dv.pk for dv in DataValue.objects.filter(state__in=["validated", "published"])
              if not Review.objects.filter(data_value=dv, version=dv.version, state=dv.state).exists()
              and dv.pk in set(cells.values_list("pk", flat=True))]
print(json.dumps({"acknowledged": len(acks), "lost": lost[:20], "n_lost": len(lost), "cells": cells.count(),
                  "gaps": gaps[:20], "late_reviews": late[:20], "unreviewed": unreviewed[:20],
                  "versions": new.count()}))
"""


def parse():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seconds", type=float, default=45)
    p.add_argument("--max-requests", type=int, default=20_000)
    p.add_argument("--readers", type=int, default=6)
    p.add_argument("--leads", type=int, default=3, help="writer threads (spread over the demo's data leads)")
    p.add_argument("--cells", type=int, default=6, help="cells per lead's pool (every writer of a lead shares it)")
    p.add_argument("--period", default="2024-05", help="the month the leads write (an old one, data already there)")
    return p.parse_args()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scratch_database(data_dir: str):
    base = os.environ.get("STOCKTAKE_DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{data_dir}/bench.sqlite3", (lambda: None), "SQLite"
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(base)
    conninfo = dict(
        host=cfg["HOST"],
        port=cfg["PORT"] or 5432,
        user=cfg["USER"],
        password=cfg["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    name = f"stocktake_bench_{random.randrange(16**8):08x}"
    with psycopg.connect(**conninfo) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(**conninfo) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return base.rsplit("/", 1)[0] + "/" + name, drop, "PostgreSQL"


def shell(env, code: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "stocktake", "shell", "--no-imports", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    if out.returncode != 0:
        raise SystemExit(f"bench setup failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


class Log:
    """Every answer: its kind, status, latency and, for a refusal, whether it said why."""

    def __init__(self, limit: int, until: float):
        self.lock = threading.Lock()
        self.n, self.limit, self.until = 0, limit, until
        self.status: Counter = Counter()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.silent_refusals: list[str] = []
        self.acks: list = []
        self.decided = Counter()

    def more(self) -> bool:
        with self.lock:
            if self.n >= self.limit or time.monotonic() >= self.until:
                return False
            self.n += 1
            return True

    def add(self, kind: str, status: int, seconds: float, body: bytes, retry_after: str | None):
        with self.lock:
            self.status[status] += 1
            self.latency[kind].append(seconds)
            if status >= 400:
                try:
                    detail = json.loads(body).get("detail") if body[:1] == b"{" else body.decode()[:200]
                except ValueError:
                    detail = None
                if status not in (409, 503) or not detail or (status == 503 and not retry_after):
                    self.silent_refusals.append(f"{kind} {status}: {body[:200]!r}")


def request(log: Log, kind: str, url: str, token: str | None = None, body: dict | None = None):
    headers = {"Accept": "application/json" if "/api/" in url else "text/html"}
    data = None
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    started = time.monotonic()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers), timeout=120) as r:
            status, payload, retry_after = r.status, r.read(), r.headers.get("Retry-After")
    except urllib.error.HTTPError as exc:
        status, payload, retry_after = exc.code, exc.read(), exc.headers.get("Retry-After")
    except OSError as exc:
        status, payload, retry_after = 599, str(exc).encode(), None  # no answer at all: counted as a 5xx
    log.add(kind, status, time.monotonic() - started, payload, retry_after)
    return status, payload


def reader(log: Log, base: str, heatmap: str):
    pages = [
        ("portfolio page", f"{base}/"),
        ("heat map page", f"{base}/monitoring/heatmap/{heatmap}/"),
        ("portfolio API", f"{base}/api/monitoring/portfolio"),
    ]
    i = random.randrange(3)
    while log.more():
        kind, url = pages[i % 3]
        request(log, kind, url)
        i += 1


def lead(log: Log, base: str, who: dict, period: str):
    while log.more():
        units = random.sample(who["units"], k=min(3, len(who["units"])))
        rows = [
            {
                "indicator": who["indicator"],
                "org_unit": u,
                "period": period,
                "value": round(random.uniform(1, 10_000), 3),
            }
            for u in units
        ]
        status, payload = request(log, "lead writes", f"{base}/api/collection/values", who["token"], {"rows": rows})
        if status == 200:
            batch = json.loads(payload)
            if batch["status"] == "done" and batch["rows_rejected"] == 0:
                with log.lock:
                    log.acks.extend(
                        [f"{r['indicator']}|{r['org_unit']}|{period}", r["value"], f"import #{batch['id']}"]
                        for r in rows
                    )


def validator(log: Log, base: str, token: str, value_ids: list[int]):
    while value_ids and log.more():
        pk = random.choice(value_ids)
        status, payload = request(log, "validator reads", f"{base}/api/collection/values/{pk}", token)
        if status != 200 or not log.more():
            continue
        value = json.loads(payload)
        step = {"submitted": "validate", "validated": "publish"}.get(value["state"])
        if step is None:
            continue
        status, _ = request(
            log,
            "validator decides",
            f"{base}/api/collection/decisions/{step}",
            token,
            {"values": [{"id": pk, "version": value["version"]}]},
        )
        with log.lock:
            log.decided[f"{step} {status}"] += 1


def percentiles(xs: list[float]) -> str:
    if not xs:
        return "-"
    xs = sorted(xs)
    q = lambda p: xs[min(len(xs) - 1, int(p * len(xs)))] * 1000  # noqa: E731
    return f"{len(xs):6d}  p50 {q(0.5):7.0f}  p95 {q(0.95):7.0f}  p99 {q(0.99):7.0f}  max {xs[-1] * 1000:7.0f} ms"


def demo_environment() -> tuple[str, dict, object, str]:
    """A scratch data directory and database for a bench's server: (data_dir, env, drop, engine name)."""
    data_dir = tempfile.mkdtemp(prefix="stocktake-bench-")
    url, drop, engine = scratch_database(data_dir)
    env = {
        **os.environ,
        "STOCKTAKE_DATA_DIR": data_dir,
        "STOCKTAKE_DATABASE_URL": url,
        "STOCKTAKE_API_RATE": "off",
        "PYTHONPATH": os.path.join(ROOT, "src"),
    }
    return data_dir, env, drop, engine


def build_demo(env: dict, engine: str) -> None:
    print(f"==> {engine}: building the demo in a scratch database", flush=True)
    subprocess.run(
        [sys.executable, "-m", "stocktake", "demo"],
        env=env,
        check=True,
        timeout=900,
        stdout=subprocess.DEVNULL,
        cwd=ROOT,
    )


def main() -> int:
    args = parse()
    data_dir, env, drop, engine = demo_environment()
    server = None
    try:
        build_demo(env, engine)
        setup = shell(env, SETUP.replace("CELLS", str(args.cells)))
        ids = shell(
            env,
            "import json\nfrom stocktake.monitoring.models import DataValue\n"
            f"print(json.dumps(list(DataValue.objects.filter(period__code={args.period!r}, "
            f"indicator__code__in={[w['indicator'] for w in setup['leads']]!r}, org_unit__code__in="
            f"{sorted({u for w in setup['leads'] for u in w['units']})!r}).values_list('pk', flat=True))))",
        )
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "-m", "stocktake", "serve", f"127.0.0.1:{port}"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(data_dir, "server.log"), "w"),
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/health", timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start; see server.log") from None
                time.sleep(0.3)
        print(
            f"==> {args.readers} readers, {args.leads} lead writers, 1 validator for {args.seconds:g} s "
            f"(at most {args.max_requests} requests); {len(ids)} cells in play",
            flush=True,
        )
        log = Log(args.max_requests, time.monotonic() + args.seconds)
        threads = [threading.Thread(target=reader, args=(log, base, setup["heatmap"])) for _ in range(args.readers)]
        threads += [
            threading.Thread(target=lead, args=(log, base, setup["leads"][i % len(setup["leads"])], args.period))
            for i in range(args.leads)
        ]
        threads.append(threading.Thread(target=validator, args=(log, base, setup["validator"], ids)))
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        server.terminate()
        server.wait(timeout=60)
        server = None
        acks_path = os.path.join(data_dir, "acks.json")
        with open(acks_path, "w") as f:
            json.dump(log.acks, f)
        check = shell(env, CHECK.replace("ACKS", repr(acks_path)).replace("SINCE", str(setup["since"])))
    finally:
        if server is not None:
            server.kill()
        drop()

    total = sum(log.status.values())
    fives = sum(n for s, n in log.status.items() if s >= 500 and s != 503)
    print(f"\n{engine}: {total} requests in {elapsed:.1f} s ({total / elapsed:.1f}/s)")
    print("answers by status: " + ", ".join(f"{s}: {n}" for s, n in sorted(log.status.items())))
    print("decisions: " + (", ".join(f"{k}: {n}" for k, n in sorted(log.decided.items())) or "none"))
    print("latency (ms):")
    for kind in sorted(log.latency):
        print(f"  {kind:18s} {percentiles(log.latency[kind])}")
    print(
        f"writes acknowledged: {check['acknowledged']} cell-values in {check['versions']} versions over "
        f"{check['cells']} cells; lost: {check['n_lost']}; cells with gaps: {len(check['gaps'])}; "
        f"official without its review: {len(check['unreviewed'])}; reviews after a newer version: "
        f"{len(check['late_reviews'])}"
    )
    problems = []
    if fives:
        problems.append(f"{fives} answers 5xx other than 503")
    if log.silent_refusals:
        problems.append(
            f"{len(log.silent_refusals)} refusals not 409/503 with a message, e.g. {log.silent_refusals[:3]}"
        )
    for name in ("lost", "gaps", "unreviewed", "late_reviews"):
        if check[name]:
            problems.append(f"{name}: {check[name][:5]}")
    print("targets: " + ("met" if not problems else "MISSED: " + "; ".join(problems)))
    shutil.rmtree(data_dir, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
