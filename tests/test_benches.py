"""The benches under bench/ still run, end to end, at a small size on the suite's database.

A bench is run rarely and by hand, so a change elsewhere can break it unseen: the views bench stopped at its
first request for weeks after `/` became a signed-in official's page. Speed is not judged here (the benches
print their figures for a person to read); what is checked is that each bench runs to its end and that the
views bench's numbers, read from each view's CSV download, equal the bare SQL's over the raw values.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_bench(name: str, *args: str, tmp_path: Path) -> str:
    env = dict(os.environ)
    env["STOCKTAKE_DATA_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / name), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"{name} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def test_the_views_bench_checks_every_view_s_numbers_and_times_them(tmp_path):
    out = run_bench("monitoring_views_bench.py", "--values", "20000", "--runs", "1", tmp_path=tmp_path)
    assert "figures (its CSV download) equal the bare SQL's over the raw values" in out
    for view in ("portfolio", "indicator page", "heat map", "league table"):
        assert any(line.startswith(view) for line in out.splitlines()), f"no timing line for the {view}"
    assert "portfolio for the delivery unit, in process" in out


def test_the_import_bench_runs_its_floors_commit_re_import_and_growth(tmp_path):
    out = run_bench(
        "import_bench.py",
        *("--facilities", "50", "--indicators", "4", "--stored", "1000,2000", "--growth-rows", "100"),
        *("--statements", "3"),
        tmp_path=tmp_path,
    )
    # the slowest statements, under the commit and each growth step: three each, the rollups' among them
    slowest = [line for line in out.splitlines() if " x  " in line and line.lstrip()[0].isdigit()]
    assert len(slowest) == 3 * 3, out
    assert any("INSERT INTO monitoring_rollup" in line for line in slowest)
    for line in ("floor: driver load", "floor: typed columns", "ours, dry run", "ours, commit", "ours, re-import"):
        assert line in out, f"no {line!r} line"
    assert "(created 200)" in out and "(unchanged 200)" in out
    assert "growth:" in out
