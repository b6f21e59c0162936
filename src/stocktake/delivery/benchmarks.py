"""Is a target ambitious or fanciful? Three yardsticks from seed 004 and PRODUCT.md section B.

    history   the trend before the baseline, carried to the target date:
              what would have happened anyway;
    peers     where the unit sits among the other units at its level;
    itself    what the whole would reach if every unit below the 80th
              percentile of its level got to it (the best of one's own
              system, already achieved somewhere, is a credible ambition).

Percentiles and "better" follow the indicator's direction, and the what-if
re-aggregates by the indicator's rule, so a ratio is recomputed from
numerators and denominators rather than averaged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from . import text
from .rollup import MEAN, RATIO, SUM
from .text import _


class BenchmarkError(ValueError):
    pass


def percentile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), q in [0, 1]."""
    xs = sorted(values)
    if not xs:
        raise BenchmarkError(_("no values to take a percentile of"))
    if not 0 <= q <= 1:
        raise BenchmarkError(_("percentile must be between 0 and 1"))
    pos = q * (len(xs) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


@dataclass(frozen=True)
class History:
    slope_per_year: float
    points: int
    at_target_date: float


def history(points: Sequence[tuple[date, float]], baseline_date: date, target_date: date) -> History | None:
    """Least-squares trend of the values up to the baseline, extended to the target date."""
    pts = [(d, v) for d, v in points if v is not None and d <= baseline_date]
    if len(pts) < 3:
        return None
    xs = [(d - baseline_date).days / 365.25 for d, _ in pts]
    ys = [v for _, v in pts]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    intercept = my - slope * mx
    years = (target_date - baseline_date).days / 365.25
    return History(slope, len(pts), intercept + slope * years)


@dataclass(frozen=True)
class Peers:
    count: int
    best: float
    p80: float
    median: float
    worst: float
    rank: int | None  # 1 = best; None when the unit is not among the peers


def better_percentile(values: Sequence[float], q: float, direction: str) -> float:
    """The value q of the way from worst to best: for a lower-is-better indicator the 80th is the 20th."""
    return percentile(values, q if direction == "up" else 1 - q)


def peers(values: dict, direction: str, unit=None) -> Peers:
    """values: {unit: value} for the units at one level."""
    vals = [v for v in values.values() if v is not None]
    if not vals:
        raise BenchmarkError(_("no peer values"))
    ordered = sorted(
        ((v, u) for u, v in values.items() if v is not None), reverse=direction == "up", key=lambda t: t[0]
    )
    rank = next((i for i, (_, u) in enumerate(ordered, start=1) if u == unit), None)
    best, worst = (max(vals), min(vals)) if direction == "up" else (min(vals), max(vals))
    return Peers(len(vals), best, better_percentile(vals, 0.8, direction), percentile(vals, 0.5), worst, rank)


def what_if_every_unit_reached(
    rows: Sequence[tuple[float, float | None]], aggregation: str, direction: str, q: float = 0.8, scale: float = 1.0
) -> tuple[float, float]:
    """(the level's q-th best value, the whole's value if every unit short of it got there).

    rows: (value, weight) per unit; the weight is the denominator for a ratio
    indicator (the value being numerator/denominator*scale), ignored otherwise.
    """
    rows = [(v, w) for v, w in rows if v is not None]
    if not rows:
        raise BenchmarkError(_("no values"))
    bar = better_percentile([v for v, _ in rows], q, direction)
    lifted = [(max(v, bar) if direction == "up" else min(v, bar), w) for v, w in rows]
    if aggregation == SUM:
        return bar, sum(v for v, _ in lifted)
    if aggregation == MEAN:
        return bar, sum(v for v, _ in lifted) / len(lifted)
    if aggregation == RATIO:
        den = sum(w or 0 for _, w in lifted)
        if not den:
            raise BenchmarkError(_("a ratio needs denominators to re-aggregate"))
        return bar, sum(v / scale * (w or 0) for v, w in lifted) / den * scale
    raise BenchmarkError(_("unknown aggregation %(aggregation)s") % {"aggregation": repr(aggregation)})


@dataclass(frozen=True)
class Reading:
    """One sentence about a proposed target against one yardstick, and which way it leans."""

    yardstick: str  # "history", "peers" or "itself"
    verdict: str  # "modest": history or the system already gets there; "stretching"; "beyond": no one has done it
    text: str


def read_target(
    *,
    baseline: float,
    baseline_date: date,
    target: float,
    target_date: date,
    direction: str,
    hist: History | None = None,
    best: float | None = None,
    p80_whole: float | None = None,
    fmt=lambda v: f"{v:.3g}",
    signed=lambda v: f"{v:+.3g}",
    month=lambda d: f"{d:%b %Y}",
) -> list[Reading]:
    """How a proposed target compares with the three yardsticks, in words a minister can use.

    The point is the conversation seed 004 asks for before a target is committed: a target the
    old trend reaches anyway buys nothing, one beyond the best unit in the country has no proof
    it can be done, and one between the two is a stretch someone has already shown possible.

    `fmt`, `signed` (a change a year, with its sign) and `month` write numbers and dates as the reader's
    language does; the defaults are plain English.
    """
    if target_date <= baseline_date:
        raise BenchmarkError(_("the target date must be after the baseline date"))
    sign = 1 if direction == "up" else -1
    years = (target_date - baseline_date).days / 365.25
    needed = (target - baseline) / years
    out = []

    def better(a: float, b: float) -> bool:  # a is better than b in the indicator's direction
        return sign * (a - b) > 0

    if hist is not None:
        pace = text._("%(needed)s a year against %(before)s a year before the baseline") % {
            "needed": signed(needed),
            "before": signed(hist.slope_per_year),
        }
        if not better(target, hist.at_target_date):
            out.append(
                Reading(
                    "history",
                    "modest",
                    text._(
                        "The old trend reaches %(value)s by %(date)s anyway: the target asks for no change (%(pace)s)."
                    )
                    % {"value": fmt(hist.at_target_date), "date": month(target_date), "pace": pace},
                )
            )
        elif sign * hist.slope_per_year > 0 and sign * needed > 3 * sign * hist.slope_per_year:
            out.append(
                Reading(
                    "history",
                    "beyond",
                    text._("The target needs more than three times the old pace (%(pace)s).") % {"pace": pace},
                )
            )
        else:
            out.append(
                Reading(
                    "history",
                    "stretching",
                    text._("The target asks more than the old trend gives (%(value)s by %(date)s; %(pace)s).")
                    % {"value": fmt(hist.at_target_date), "date": month(target_date), "pace": pace},
                )
            )
    if best is not None:
        if better(target, best):
            out.append(
                Reading(
                    "peers",
                    "beyond",
                    text._("No unit at the level below is at %(target)s today: the best is %(best)s.")
                    % {"target": fmt(target), "best": fmt(best)},
                )
            )
        else:
            out.append(
                Reading(
                    "peers",
                    "stretching",
                    text._(
                        "The best unit at the level below is already at %(best)s: the target has been reached somewhere."
                    )
                    % {"best": fmt(best)},
                )
            )
    if p80_whole is not None:
        if better(p80_whole, target) or p80_whole == target:
            out.append(
                Reading(
                    "itself",
                    "modest",
                    text._(
                        "If every unit short of the 80th percentile reached it, the whole would be %(whole)s, "
                        "at or past the target."
                    )
                    % {"whole": fmt(p80_whole)},
                )
            )
        else:
            out.append(
                Reading(
                    "itself",
                    "stretching",
                    text._(
                        "Even if every unit short of the 80th percentile reached it, the whole would be %(whole)s, "
                        "short of the target."
                    )
                    % {"whole": fmt(p80_whole)},
                )
            )
    return out
