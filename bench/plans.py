"""How long the plans logic takes at the sizes a national plan reaches. Prints figures; asserts nothing.

.venv/bin/python bench/plans.py
"""

from __future__ import annotations

import random
import time
from datetime import date

from stocktake.delivery import chains as CH
from stocktake.delivery import composition as CO


def timed(label, fn, repeat=5):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    print(f"{label:<60} {best * 1000:8.1f} ms")


def compose_many(n_strategies, kind, years):
    rng = random.Random(1)
    contributions = [
        CO.Contribution(
            f"s{i}", date(2025, rng.randint(1, 12), 1), rng.uniform(-3, 3), rng.choice(CO.RAMPS), rng.randint(1, 12)
        )
        for i in range(n_strategies)
    ]
    return lambda: CO.compose(
        kind=kind,
        baseline_date=date(2024, 12, 31),
        baseline_value=50,
        contributions=contributions,
        until=date(2024 + years, 12, 31),
        target_value=60,
    )


def chain(levels, width):
    rng = random.Random(2)
    actors = [CH.Actor("lead", "Leader", 0, leader=True)]
    prev = ["lead"]
    links = []
    for lvl in range(1, levels):
        here = [f"a{lvl}-{i}" for i in range(width)]
        actors += [CH.Actor(k, k, lvl, frontline=lvl == levels - 1) for k in here]
        for k in here:
            for p in rng.sample(prev, min(2, len(prev))):
                links.append(CH.Link(p, k, CH.INFLUENCE, rng.randint(1, 4)))
            if rng.random() < 0.3:
                links.append(CH.Link(k, "lead", CH.FEEDBACK, 3))
        prev = here
    return lambda: CH.analyse(actors, links)


if __name__ == "__main__":
    timed("compose: 10 strategies, monthly, 3 years", compose_many(10, "M", 3))
    timed("compose: 40 strategies, monthly, 5 years", compose_many(40, "M", 5))
    timed("compose: 40 strategies, weekly, 5 years", compose_many(40, "W", 5), repeat=2)
    timed("chain analysis: 7 actors (the demo's A&E chain size)", chain(5, 2))
    timed("chain analysis: 5 levels x 4 actors", chain(5, 4))
    timed("chain analysis: 6 levels x 6 actors (path cap reached)", chain(6, 6), repeat=2)
