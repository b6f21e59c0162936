"""Trajectories: the planned path of an indicator from baseline to target.

The PMDU made every priority draw one, because it forces a department to say
when its actions will move the numbers. A trajectory is a function of time
from the baseline (date, value) to the target (date, value); each reporting
period is given the planned value at its end date.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from . import periods as P
from .text import _

LINEAR = "linear"
S_CURVE = "s_curve"
STAGED = "staged"
METHODS = (LINEAR, S_CURVE, STAGED)


class TrajectoryError(ValueError):
    pass


@dataclass(frozen=True)
class Target:
    baseline_date: date
    baseline_value: float
    target_date: date
    target_value: float

    def __post_init__(self):
        if self.target_date <= self.baseline_date:
            raise TrajectoryError(_("target date must be after the baseline date"))


def s_curve(x: float, steepness: float = 10.0) -> float:
    """Logistic curve rescaled to pass exactly through (0, 0) and (1, 1).

    Slow start, fast middle, slow finish: how most reforms actually land.
    """
    lo = 1 / (1 + math.exp(steepness / 2))
    hi = 1 / (1 + math.exp(-steepness / 2))
    y = 1 / (1 + math.exp(-steepness * (x - 0.5)))
    return (y - lo) / (hi - lo)


def _staged(x: float, stages: Sequence[tuple[float, float]]) -> float:
    """Piecewise-linear through (time fraction, change fraction) stages."""
    points = [(0.0, 0.0), *sorted(stages), (1.0, 1.0)]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if x0 <= x <= x1:
            return y0 if x1 == x0 else y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return 1.0


def validate_stages(stages: Sequence[tuple[float, float]]) -> None:
    for i, (t, c) in enumerate(stages, start=1):
        if not 0 < t < 1:
            raise TrajectoryError(
                _("stage %(i)s: time fraction %(t)s must lie strictly between 0 and 1") % {"i": i, "t": t}
            )
        if not 0 <= c <= 1:
            raise TrajectoryError(_("stage %(i)s: change fraction %(c)s must lie between 0 and 1") % {"i": i, "c": c})
    times = [t for t, _ in stages]
    if len(set(times)) != len(times):
        raise TrajectoryError(_("two stages share the same time fraction"))


def fraction_of_change(x: float, method: str = LINEAR, stages=()) -> float:
    """Share of the baseline-to-target change planned at time fraction x (0..1)."""
    x = min(1.0, max(0.0, x))
    if method == LINEAR:
        return x
    if method == S_CURVE:
        return s_curve(x)
    if method == STAGED:
        validate_stages(stages)
        return _staged(x, stages)
    raise TrajectoryError(
        _("unknown trajectory method '%(method)s'; use one of %(methods)s")
        % {"method": method, "methods": ", ".join(METHODS)}
    )


def planned_value(target: Target, on: date, method: str = LINEAR, stages=()) -> float:
    span = (target.target_date - target.baseline_date).days
    x = (on - target.baseline_date).days / span
    return target.baseline_value + (target.target_value - target.baseline_value) * fraction_of_change(x, method, stages)


def interpolate(target: Target, kind: str, method: str = LINEAR, stages=()) -> list[tuple[P.Period, float]]:
    """Planned value at the end of every period of `kind` from baseline to target.

    The first period is the one after the baseline's; the last is the one that
    holds the target date, which gets the target value exactly.
    """
    first = P.containing(kind, target.baseline_date).next()
    last = P.containing(kind, target.target_date)
    out = []
    for period in P.between(kind, first.start, last.end):
        on = min(period.end, target.target_date)
        out.append((period, planned_value(target, on, method, stages)))
    if out:
        out[-1] = (out[-1][0], float(target.target_value))
    return out
