"""Simulated panels with a known effect, for the impact estimator tests (tests/delivery/test_impact_*.py).

Each unit has its own level, all units share a period shock and a trend,
and each unit's noise is AR(1) (a bad period is followed by another), so
errors that ignore the clustering by unit would be visibly too narrow.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from stocktake.delivery.impact import Design, Observation, Panel, build_panel


def simulate(
    rng: np.random.Generator,
    starts: Mapping[int, int],
    n_never: int,
    periods: int,
    effect: Callable[[int, int], float],
    *,
    rho: float = 0.6,
    sigma: float = 1.0,
    trend_gap: float = 0.0,
) -> tuple[Panel, Design]:
    """`starts` maps a start period to how many units start then; `effect(g, t)` is the true effect."""
    ts = np.arange(1, periods + 1)
    shock = 0.3 * ts + rng.normal(0, 0.5, periods)
    plan = [g for g, k in sorted(starts.items()) for _ in range(k)] + [None] * n_never
    rows: list[Observation] = []
    treated: dict[str, int] = {}
    comparison: list[str] = []
    for i, g in enumerate(plan):
        unit = f"u{i:03d}"
        noise = np.empty(periods)
        noise[0] = rng.normal(0, sigma / np.sqrt(1 - rho**2))
        for j in range(1, periods):
            noise[j] = rho * noise[j - 1] + rng.normal(0, sigma)
        y = rng.normal(10, 2) + shock + noise
        if g is None:
            comparison.append(unit)
        else:
            treated[unit] = g
            y = y + trend_gap * ts + np.array([effect(g, int(t)) if t >= g else 0.0 for t in ts])
        rows.extend(Observation(unit, int(t), float(v)) for t, v in zip(ts, y))
    first = min(starts)
    return build_panel(rows), Design(treated, comparison, (1, first - 1), (first, periods))
