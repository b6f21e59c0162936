"""Status of an actual value against its trajectory.

The rule, as shown beside every colour in the product:

    shortfall = how far the actual is behind the planned value for the
                period, in the direction that counts (below the plan for a
                higher-is-better indicator, above it for lower-is-better);
                being ahead is never a shortfall.
    scale     = the whole planned change, |target - baseline|.
    on track       shortfall <= on-track band (default 5%) of scale
    slightly off   shortfall <= off-track band (default 15%) of scale
    off track      beyond that.

A target to hold a level (target = baseline) plans no change, so its scale
comes from the indicator's tolerance instead, in the indicator's own unit:
a shortfall within the tolerance is on track, within the tolerance times
(off-track band / on-track band) -- three times it by default -- slightly
off, beyond that off track. With no tolerance set it is 1% of the level
held (hold_tolerance()). 97.4% against a 98% standard with a tolerance of
0.5 points is slightly off, not on track.

The whole planned change is the yardstick, not the change planned so far,
so that a one-unit wobble in the first month of a three-year trajectory does
not turn a priority red.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import NamedTuple

from . import text
from .text import gettext_noop

UP, DOWN = "up", "down"  # higher is better / lower is better

ON_TRACK = "on_track"
SLIGHTLY_OFF = "slightly_off"
OFF_TRACK = "off_track"
NO_DATA = "no_data"


class Translated(Mapping[str, str]):
    """Codes to words marked with gettext_noop, each read in the reader's language when looked up (never at
    import), so every page, file and chart that says a status says it in the same words."""

    def __init__(self, words: dict[str, str]) -> None:
        self.words = words

    def __getitem__(self, code: str) -> str:
        return text._(self.words[code])

    def __iter__(self) -> Iterator[str]:
        return iter(self.words)

    def __len__(self) -> int:
        return len(self.words)


LABELS = Translated(
    {
        ON_TRACK: gettext_noop("On track"),
        SLIGHTLY_OFF: gettext_noop("Slightly off track"),
        OFF_TRACK: gettext_noop("Off track"),
        NO_DATA: gettext_noop("No data"),
    }
)

DEFAULT_ON_TRACK_BAND = 0.05
DEFAULT_OFF_TRACK_BAND = 0.15
DEFAULT_HOLD_TOLERANCE = 0.01  # of the level held, when an indicator names no tolerance of its own


class Status(NamedTuple):
    """A value's status: its code, shortfall and share. A named tuple, immutable and made in a quarter of a
    frozen dataclass's time: a national heat map makes one per cell, 6,000 of them."""

    code: str
    shortfall: float | None = None  # in the indicator's unit; 0 when ahead
    share: float | None = None  # shortfall as a share of the planned change

    @property
    def label(self) -> str:
        return LABELS[self.code]


def shortfall(actual: float, planned: float, direction: str) -> float:
    if direction == UP:
        return max(0.0, planned - actual)
    if direction == DOWN:
        return max(0.0, actual - planned)
    raise ValueError(f"direction must be '{UP}' or '{DOWN}', not {direction!r}")


def hold_tolerance(target: float, tolerance: float | None) -> float:
    """The tolerance of a target to hold a level, in the indicator's unit: its own, else 1% of the level."""
    if tolerance is not None and tolerance > 0:
        return tolerance
    return abs(target) * DEFAULT_HOLD_TOLERANCE or 1.0


def scale_of(baseline: float, target: float, on_track_band: float, tolerance: float | None = None) -> float:
    """The yardstick of a shortfall: the whole planned change, or, to hold a level, the tolerance over the
    on-track band (so that a shortfall of exactly the tolerance is on track)."""
    change = abs(target - baseline)
    if change:
        return change
    return hold_tolerance(target, tolerance) / (on_track_band or DEFAULT_ON_TRACK_BAND)


def assess(
    actual: float | None,
    planned: float | None,
    baseline: float,
    target: float,
    direction: str,
    on_track_band: float = DEFAULT_ON_TRACK_BAND,
    off_track_band: float = DEFAULT_OFF_TRACK_BAND,
    tolerance: float | None = None,
) -> Status:
    """`tolerance` (in the indicator's unit) is used only when the target holds a level (scale_of)."""
    _check_bands(on_track_band, off_track_band)
    if actual is None or planned is None:
        return Status(NO_DATA)
    return assessor(baseline, target, direction, on_track_band, off_track_band, tolerance)(actual, planned)


def _check_bands(on_track_band: float, off_track_band: float) -> None:
    if not 0 <= on_track_band <= off_track_band:
        raise ValueError("bands must satisfy 0 <= on-track band <= off-track band")


# A tiny epsilon keeps values that sit exactly on a band edge on the kinder side
# despite binary floating point (0.05 * 20 is not exactly 1.0).
_EDGE = 1e-9


def assessor(
    baseline: float,
    target: float,
    direction: str,
    on_track_band: float = DEFAULT_ON_TRACK_BAND,
    off_track_band: float = DEFAULT_OFF_TRACK_BAND,
    tolerance: float | None = None,
) -> Callable[[float | None, float | None], Status]:
    """assess() for one unit's yardstick, worked out once: a function of (actual, planned).

    A heat map assesses each of 500 districts in twelve months; the bands, direction and scale are the
    unit's, the same in every month, so they are checked and computed once per unit, not per cell.
    """
    _check_bands(on_track_band, off_track_band)
    if direction not in (UP, DOWN):
        raise ValueError(f"direction must be '{UP}' or '{DOWN}', not {direction!r}")
    scale = scale_of(baseline, target, on_track_band, tolerance)
    on_edge, off_edge = on_track_band + _EDGE, off_track_band + _EDGE

    def judge(actual: float | None, planned: float | None) -> Status:
        if actual is None or planned is None:
            return Status(NO_DATA)
        gap = shortfall(actual, planned, direction)
        share = gap / scale
        code = ON_TRACK if share <= on_edge else SLIGHTLY_OFF if share <= off_edge else OFF_TRACK
        return Status(code, gap, share)

    return judge


IMPROVING, WORSENING, STEADY = "improving", "worsening", "steady"
# The trend's words as a reader sees them (the codes stay English: pages style and sort by them).
TRENDS = Translated(
    {IMPROVING: gettext_noop("improving"), WORSENING: gettext_noop("worsening"), STEADY: gettext_noop("steady")}
)


def trend_arrow(previous: float | None, latest: float | None, direction: str) -> str:
    """'improving', 'worsening' or 'steady', in the sense that counts for the indicator."""
    if previous is None or latest is None or previous == latest:
        return "steady"
    better = latest > previous if direction == UP else latest < previous
    return "improving" if better else "worsening"


def unit_plan(unit_baseline: float, national_baseline: float, national_planned: float, aggregation: str) -> float:
    """The planned value for a unit that has no target of its own.

    A unit is held to the national plan's change from its own starting point:
    in proportion for counts (a district with a tenth of the homicides is
    asked for a tenth of the cut), in points for rates and averages (every
    district is asked to add the same percentage points as the country).
    """
    if aggregation == "sum":
        if national_baseline == 0:
            return unit_baseline + (national_planned - national_baseline)
        return unit_baseline * national_planned / national_baseline
    return unit_baseline + (national_planned - national_baseline)


UNVERIFIED_NOTE = gettext_noop("Provisional: based on data not yet validated.")
