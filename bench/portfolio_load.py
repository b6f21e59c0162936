"""The portfolio under load on a real `stocktake serve`: pages a second at 16 clients, and one request alone.

    .venv/bin/python bench/portfolio_load.py                                   # SQLite
    bash scripts/with-postgres.sh .venv/bin/python bench/portfolio_load.py     # PostgreSQL
    .venv/bin/python bench/portfolio_load.py --clients 16 --seconds 20 --writers 1

Issue 17 asks that 16 concurrent clients get at least 20 portfolio pages a second on a 2-core machine, and
issue 18 that one portfolio request takes under 300 ms at demo size. The bench builds the demo in a scratch
database (as bench/concurrency.py does, whose helpers it borrows), starts `stocktake serve` on a free loopback
port and measures:

1. one request at a time: the first portfolio page after start (nothing cached), the first after a value
   changed (its indicator's summary recomputed), and the median of 20 more, for the public, a ministry's
   reader (signed in) and the delivery unit (signed in); the same for /api/monitoring/portfolio;
2. --clients threads for --seconds asking for the portfolio page, then as many for the portfolio API, a
   third each as the public, a ministry's reader and the delivery unit, while --writers threads (default 1)
   push a new value about five times a second, so some indicator's summary is always being recomputed.

It prints requests a second, the server's CPU time per request (what a request costs whatever else the
machine is doing: its inverse is the rate one core could serve), the load average, answers by status and latency percentiles per kind; the exit status is 1 when
there was any 5xx or the page rate under load was below --target (default 20). Loopback only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from concurrency import ROOT, Log, build_demo, demo_environment, free_port, percentiles, shell  # noqa: E402

SETUP = r"""
import json
from django.contrib.auth import get_user_model
from django.test import Client
from stocktake.accounts import actions as account_actions
from stocktake.architecture.models import Indicator, OrgUnit
User = get_user_model()
sessions = {}
for name in ("health-data", "duhead"):
    c = Client()
    c.force_login(User.objects.get(username=name))
    sessions[name] = c.cookies["sessionid"].value
lead = User.objects.get(username="health-data")
from stocktake.accounts import permissions
ind = next(i for i in Indicator.objects.order_by("code") if i.aggregation != "ratio" and i.frequency == "M"
           and permissions.can_submit(lead, i))
units = list(OrgUnit.objects.filter(depth=ind.report_depth).order_by("code").values_list("code", flat=True)[:6])
print(json.dumps({"sessions": sessions, "indicator": ind.code, "units": units,
                  "token": account_actions.issue_token(lead, name="bench", interface="system")[1]}))
"""


def parse():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--writers", type=int, default=1, help="threads pushing values while the clients read")
    p.add_argument("--target", type=float, default=20.0, help="portfolio pages a second to reach under load")
    return p.parse_args()


def get(url: str, session: str | None = None, body: bytes | None = None, token: str | None = None):
    headers = {"Accept": "application/json" if "/api/" in url else "text/html"}
    if session:
        headers["Cookie"] = f"sessionid={session}"
    if token:
        headers["Authorization"] = f"Bearer {token}"
        headers["Content-Type"] = "application/json"
    started = time.monotonic()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body, headers=headers), timeout=120) as r:
            status, payload, retry_after = r.status, r.read(), r.headers.get("Retry-After")
    except urllib.error.HTTPError as exc:
        status, payload, retry_after = exc.code, exc.read(), exc.headers.get("Retry-After")
    except OSError as exc:
        status, payload, retry_after = 599, str(exc).encode(), None
    return status, payload, retry_after, time.monotonic() - started


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used (Linux /proc): what a page costs, whatever else runs."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def write_value(base: str, setup: dict, n: int):
    import json

    unit = setup["units"][n % len(setup["units"])]
    row = {"indicator": setup["indicator"], "org_unit": unit, "period": "2024-05", "value": 100 + n % 997}
    return get(f"{base}/api/collection/values", body=json.dumps({"rows": [row]}).encode(), token=setup["token"])


def alone(base: str, setup: dict) -> list[str]:
    """One request at a time: cold, after a write, and the median of 20 warm ones, per reader and route."""
    lines = []
    readers = [("public", None), ("ministry", setup["sessions"]["health-data"]), ("unit", setup["sessions"]["duhead"])]
    for route, path in (("page", "/"), ("API", "/api/monitoring/portfolio")):
        for who, session in readers:
            cold = get(base + path, session)[3]
            write_value(base, setup, 0)
            after_write = get(base + path, session)[3]
            warm = statistics.median(get(base + path, session)[3] for _ in range(20))
            lines.append(
                f"  {route:4s} {who:8s} first {cold * 1000:6.0f} ms, after a write {after_write * 1000:6.0f} ms, "
                f"median of 20 {warm * 1000:5.0f} ms"
            )
    return lines


def client(log: Log, base: str, session: str | None, kind: str, path: str):
    while log.more():
        status, payload, retry_after, seconds = get(base + path, session)
        log.add(kind, status, seconds, payload, retry_after)


def writer(log: Log, base: str, setup: dict):
    n = 0
    while log.more():
        n += 1
        status, payload, retry_after, seconds = write_value(base, setup, n)
        log.add("value write", status, seconds, payload, retry_after)
        time.sleep(0.2)  # a data lead, not a flood: about five writes a second


def main() -> int:
    args = parse()
    data_dir, env, drop, engine = demo_environment()
    server = None
    try:
        build_demo(env, engine)
        setup = shell(env, SETUP)
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
        while get(f"{base}/api/health")[0] != 200:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the server did not start; see server.log")
            time.sleep(0.3)
        print("==> one request at a time", flush=True)
        for line in alone(base, setup):
            print(line, flush=True)
        sessions = [None, setup["sessions"]["health-data"], setup["sessions"]["duhead"]]
        phases = []
        for kind, path in (("portfolio page", "/"), ("portfolio API", "/api/monitoring/portfolio")):
            print(f"==> {kind}: {args.clients} clients, {args.writers} writers for {args.seconds:g} s", flush=True)
            log = Log(10**9, time.monotonic() + args.seconds)
            threads = [
                threading.Thread(target=client, args=(log, base, sessions[i % 3], kind, path))
                for i in range(args.clients)
            ]
            threads += [threading.Thread(target=writer, args=(log, base, setup)) for _ in range(args.writers)]
            started, cpu = time.monotonic(), cpu_seconds(server.pid)
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            phases.append((kind, log, time.monotonic() - started, cpu_seconds(server.pid) - cpu))
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
        drop()

    missed = []
    for kind, log, elapsed, cpu in phases:
        rate = len(log.latency[kind]) / elapsed
        fives = sum(n for s, n in log.status.items() if s >= 500)
        print(
            f"\n{engine}, {kind}s at {args.clients} clients: {rate:.1f}/s ({sum(log.status.values())} requests "
            f"in {elapsed:.1f} s)"
        )
        served = sum(log.status.values())
        print(
            f"  server CPU {cpu:.1f} s: {cpu / served * 1000:.0f} ms a request; load average "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work on the machine slows the rate)"
        )
        print("  answers by status: " + ", ".join(f"{s}: {n}" for s, n in sorted(log.status.items())))
        for k in sorted(log.latency):
            print(f"  {k:15s} {percentiles(log.latency[k])}")
        if fives:
            missed.append(f"{fives} answers 5xx ({kind})")
        if kind == "portfolio page" and rate < args.target:
            missed.append(f"{rate:.1f} pages/s < {args.target:g}")
    print("targets: " + ("met" if not missed else "MISSED: " + "; ".join(missed)))
    shutil.rmtree(data_dir, ignore_errors=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
