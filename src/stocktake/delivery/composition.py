"""The trajectory composed from strategies: "against your plan" (seed 001, rule 5).

Each strategy says when it starts to move an indicator, how much it will
move it once fully in place, and how that effect ramps up. The composed
trajectory is the baseline (optionally carried on its historical trend)
plus the sum of every strategy's contribution at each period end. Comparing
it with the target tells a ministry whether its plan, taken at its word,
reaches the target, and by how much it falls short if not.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from . import periods as P
from .text import _
from .trajectory import s_curve

IMMEDIATE = "immediate"
LINEAR = "linear"
S_CURVE = "s_curve"
RAMPS = (IMMEDIATE, LINEAR, S_CURVE)
RAMP_NAMES = {IMMEDIATE: "immediate", LINEAR: "linear over N periods", S_CURVE: "S-curve over N periods"}


class CompositionError(ValueError):
    """A contribution that cannot be composed, with the reason in the message."""


@dataclass(frozen=True)
class Contribution:
    """One strategy's estimated impact on one indicator.

    effect is in the indicator's units and signed: -3.0 for "cuts waits by 3
    points" on a higher-is-better indicator is a loss, not a gain.
    ramp_periods counts periods of the indicator's frequency from the start
    to full effect (ignored for an immediate ramp).
    """

    name: str
    start: date
    effect: float
    ramp: str = LINEAR
    ramp_periods: int = 1
    end: date | None = None  # when the strategy stops working (optional)

    def __post_init__(self):
        if self.ramp not in RAMPS:
            raise CompositionError(
                _("%(name)s: unknown ramp '%(ramp)s'; use one of %(ramps)s")
                % {"name": self.name, "ramp": self.ramp, "ramps": ", ".join(RAMPS)}
            )
        if self.ramp != IMMEDIATE and self.ramp_periods < 1:
            raise CompositionError(
                _("%(name)s: a %(ramp)s ramp needs at least one period to reach full effect")
                % {"name": self.name, "ramp": self.ramp}
            )
        if self.end is not None and self.end < self.start:
            raise CompositionError(
                _("%(name)s: the effect ends (%(end)s) before it starts (%(start)s)")
                % {"name": self.name, "end": self.end, "start": self.start}
            )
        if not math.isfinite(self.effect):
            raise CompositionError(_("%(name)s: the effect must be a number") % {"name": self.name})


def ramp_fraction(ramp: str, periods_in: float, ramp_periods: int) -> float:
    """Share of the full effect reached `periods_in` periods after the start (0 before it)."""
    if periods_in < 0:
        return 0.0
    if ramp == IMMEDIATE:
        return 1.0
    x = min(1.0, periods_in / ramp_periods)
    if ramp == LINEAR:
        return x
    if ramp == S_CURVE:
        return 0.0 if x <= 0 else 1.0 if x >= 1 else s_curve(x)
    raise CompositionError(_("unknown ramp '%(ramp)s'") % {"ramp": ramp})


def periods_since(kind: str, start: date, on: date) -> int:
    """Whole periods of `kind` from the one holding `start` to the one holding `on`.

    A strategy starting in March is one period in at the end of March: its
    first month counts, so an immediate or one-period ramp shows at once.
    """
    if on < start:
        return -1
    first = P.containing(kind, start)
    n = 0
    p = first
    while p.end < on:
        p = p.next()
        n += 1
    return n + 1


def contribution_at(c: Contribution, kind: str, on: date, periods_in: int | None = None) -> float:
    """The contribution at the end date `on`; pass periods_in when already known to skip counting periods."""
    if on < c.start or (c.end is not None and on > c.end):
        return 0.0
    n = periods_since(kind, c.start, on) if periods_in is None else periods_in
    return c.effect * ramp_fraction(c.ramp, n, c.ramp_periods)


@dataclass(frozen=True)
class Row:
    period: P.Period
    base: float  # baseline carried on its trend
    parts: tuple[float, ...]  # one per contribution, same order

    @property
    def total(self) -> float:
        return self.base + sum(self.parts)


@dataclass(frozen=True)
class Composed:
    names: tuple[str, ...]
    rows: tuple[Row, ...]
    target_value: float | None
    target_date: date | None
    direction: str  # "up" or "down"

    @property
    def at_target_date(self) -> float | None:
        """The composed value in the period holding the target date (or the last one)."""
        if not self.rows:
            return None
        if self.target_date is not None:
            for row in self.rows:
                if row.period.contains(self.target_date):
                    return row.total
        return self.rows[-1].total

    @property
    def gap(self) -> float | None:
        """How far the plan falls short of the target, in the direction that counts; 0 when it reaches it."""
        value = self.at_target_date
        if value is None or self.target_value is None:
            return None
        short = self.target_value - value if self.direction == "up" else value - self.target_value
        return max(0.0, round(short, 9))

    @property
    def reaches_target(self) -> bool | None:
        gap = self.gap
        return None if gap is None else gap == 0.0


def compose(
    *,
    kind: str,
    baseline_date: date,
    baseline_value: float,
    until: date,
    contributions: Sequence[Contribution],
    trend_per_period: float = 0.0,
    target_value: float | None = None,
    direction: str = "up",
) -> Composed:
    """Baseline (+ trend) plus every contribution at the end of each period after the baseline's, up to `until`."""
    if until <= baseline_date:
        raise CompositionError(_("the composed trajectory must end after its baseline date"))
    if direction not in ("up", "down"):
        raise CompositionError(_("unknown direction '%(direction)s'") % {"direction": direction})
    first = P.containing(kind, baseline_date).next()
    periods = P.between(kind, first.start, until)
    # count periods once per contribution, then step along: periods_since is linear in the span
    # per contribution: (index of its first period, periods since its start by then), or None if it starts later
    starts: list[tuple[int, int] | None] = []
    for c in contributions:
        j = next((k for k, p in enumerate(periods) if p.end >= c.start), None)
        starts.append(None if j is None else (j, periods_since(kind, c.start, periods[j].end)))
    rows = []
    for i, period in enumerate(periods):
        base = baseline_value + trend_per_period * (i + 1)
        parts = tuple(
            0.0 if start is None or i < start[0] else contribution_at(c, kind, period.end, start[1] + (i - start[0]))
            for c, start in zip(contributions, starts)
        )
        rows.append(Row(period, base, parts))
    return Composed(tuple(c.name for c in contributions), tuple(rows), target_value, until, direction)


def trend_per_period(history: Sequence[float]) -> float:
    """Least-squares slope of equally spaced past values: the 'against history' benchmark."""
    n = len(history)
    if n < 2:
        return 0.0
    xs = range(n)
    mx, my = (n - 1) / 2, sum(history) / n
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, history)) / den


def gap_sentence(composed: Composed, fmt=lambda v: f"{v:,.1f}", gap_fmt=None) -> str:
    """The plain-language verdict shown under the chart; `gap_fmt` writes the gap (between two percentages it is
    in percentage points, not a percentage), `fmt` everything else."""
    gap_fmt = gap_fmt or fmt
    if composed.target_value is None:
        return "No target to compare the plan with."
    value = composed.at_target_date
    if value is None:
        return "The plan has no periods to compare with the target."
    when = composed.target_date.strftime("%b %Y") if composed.target_date else "the target date"
    if composed.reaches_target:
        return f"The plan reaches the target: {fmt(value)} against {fmt(composed.target_value)} by {when}."
    return (
        f"The plan does not yet reach the target by {gap_fmt(composed.gap)}: "
        f"the strategies add up to {fmt(value)} against a target of {fmt(composed.target_value)} by {when}."
    )
