"""Back-test the forecast on the demo data and print the error, as reported in docs/forecast-backtest.md.

    .venv/bin/python bench/monitoring_backtest.py            # builds the demo in a scratch SQLite file
    STOCKTAKE_DATA_DIR=/path .venv/bin/python bench/monitoring_backtest.py --existing   # use that database
    .venv/bin/python bench/monitoring_backtest.py --seed 3   # another draw of the demo's noise

For every indicator, at the nation and in every region, the forecast is
fitted as the delivery unit would have fitted it at each origin (values
after the baseline up to the origin) and compared with what then happened
1 to 9 periods later. Reported: mean absolute error as a share of the
level (MAPE-like, so counts and percentages can be compared), the share of
actuals inside the 80% band (should be near 80%), and the same error for
the naive forecast "the last value carries on", which any method must beat.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections import defaultdict


def seed() -> int:
    """The demo's seed: 2026 as reported; other seeds redraw its noise to show how much the figures move."""
    return int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 2026


def setup():
    if "--existing" not in sys.argv:
        os.environ["STOCKTAKE_DATA_DIR"] = tempfile.mkdtemp(prefix="stocktake-backtest-")
        os.environ.pop("STOCKTAKE_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stocktake.settings")
    import django

    django.setup()
    from django.core.management import call_command

    if "--existing" not in sys.argv:
        call_command("migrate", verbosity=0)
        from stocktake.demo import build

        build.build(seed=seed())


# name, method (None: chosen by the season test), fit on the whole history with a break at the baseline?
VARIANTS = [
    ("linear, since baseline", "linear", False),
    ("seasonal, since baseline", "seasonal", False),
    ("auto, since baseline", None, False),
    ("linear, break at baseline", "linear", True),
    ("seasonal, break at baseline", "seasonal", True),
    ("auto, break at baseline (used)", None, True),
]


def main():
    setup()
    from stocktake.architecture.models import Indicator, OrgUnit
    from stocktake.delivery import forecast as F
    from stocktake.monitoring import series

    origins = {"M": ["2025-06", "2025-09", "2025-12"], "Q": ["2025Q2", "2025Q3", "2025Q4"]}
    horizon = 9
    stats = defaultdict(lambda: {"err": 0.0, "naive": 0.0, "inside": 0, "n": 0, "fits": 0, "seasonal": 0})
    started = time.perf_counter()
    baseline_date = None
    for ind in Indicator.objects.all().order_by("rank", "code"):
        target = series.national_target(ind)
        since = target.baseline_date if target else None
        baseline_date = baseline_date or since
        units = (
            [series.root_unit()] + list(OrgUnit.objects.filter(depth=2))
            if ind.report_depth >= 2
            else [series.root_unit()]
        )
        for unit in units:
            data = [(r["period__code"], r["period__end"], v) for r, v in series.series(ind, unit) if v is not None]
            codes = [c for c, _, _ in data]
            for origin in origins.get(ind.frequency, []):
                if origin not in codes:
                    continue
                k = codes.index(origin) + 1
                history = [(d, v) for _, d, v in data[:k]]
                recent = F.recent(history, since or data[0][1])
                future = data[k : k + horizon]
                if len(recent) < F.MIN_POINTS or not future:
                    continue
                level = sum(abs(v) for _, v in recent) / len(recent) or 1.0
                for name, method, whole in VARIANTS:
                    train = history if whole else recent
                    try:
                        fc = F.forecast(
                            train,
                            [d for _, d, _ in future],
                            frequency=ind.frequency,
                            method=method,
                            break_at=since if whole else None,
                        )
                    except F.ForecastError:
                        continue
                    key = (ind.code, name)
                    s = stats[key]
                    s["fits"] += 1
                    s["seasonal"] += fc.method == F.SEASONAL
                    for p, (_, _, actual) in zip(fc.points, future):
                        s["err"] += abs(p.mean - actual) / level
                        s["naive"] += abs(history[-1][1] - actual) / level
                        s["inside"] += p.low <= actual <= p.high
                        s["n"] += 1
    print(
        f"Back-test of the forecast on the demo data (seed {seed()}), origins {origins['M']} / {origins['Q']}, "
        f"horizons 1-{horizon} periods, nation and every region; {time.perf_counter() - started:.1f} s\n"
    )
    print(
        "| indicator | method | fits | seasonal chosen | mean abs error (% of level) | naive error | inside 80% band |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    totals = defaultdict(lambda: {"err": 0.0, "naive": 0.0, "inside": 0, "n": 0})
    for (code, name), s in stats.items():
        if not s["n"]:
            continue
        for f in ("err", "naive", "inside", "n"):
            totals[name][f] += s[f]
        print(
            f"| {code} | {name} | {s['fits']} | {s['seasonal']} | {100 * s['err'] / s['n']:.1f} | "
            f"{100 * s['naive'] / s['n']:.1f} | {100 * s['inside'] / s['n']:.0f}% |"
        )
    print("\n| method | forecasts | mean abs error (% of level) | naive error | inside 80% band |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, t in totals.items():
        print(
            f"| {name} | {t['n']} | {100 * t['err'] / t['n']:.1f} | {100 * t['naive'] / t['n']:.1f} | "
            f"{100 * t['inside'] / t['n']:.0f}% |"
        )


if __name__ == "__main__":
    main()
