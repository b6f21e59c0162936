"""Data-quality rules that warn but never block.

A surprising number may be true (an outbreak, a new hospital wing), so these
rules flag values for the validator's eye instead of refusing them. Outliers
are judged against the unit's own history with the median absolute
deviation, which a single earlier typo cannot inflate the way it inflates a
standard deviation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from statistics import median

from .text import _

MAD_LIMIT = 3.0
JUMP_LIMIT = 0.5  # half as much again, or half as little, as last period
MIN_HISTORY = 4
MAD_SCALE = 1.4826  # makes the MAD comparable with a standard deviation for normal data


@dataclass(frozen=True)
class Warning:
    rule: str
    message: str


def mad_score(value: float, history: Iterable[float]) -> float | None:
    """How many (scaled) median absolute deviations a value is from the median of its history."""
    h = [x for x in history if x is not None]
    if len(h) < MIN_HISTORY:
        return None
    m = median(h)
    mad = median(abs(x - m) for x in h) * MAD_SCALE
    if mad == 0:
        return 0.0 if value == m else float("inf")
    return abs(value - m) / mad


def outlier(value: float | None, history: Iterable[float], limit: float = MAD_LIMIT) -> Warning | None:
    if value is None:
        return None
    h = [x for x in history if x is not None]
    score = mad_score(value, h)
    if score is None or score <= limit:
        return None
    figures = {"value": f"{value:g}", "usual": f"{median(h):g}", "score": f"{score:.1f}"}
    if score == float("inf"):
        return Warning("outlier", _("%(value)s is far from this unit's usual %(usual)s") % figures)
    return Warning(
        "outlier", _("%(value)s is %(score)s median absolute deviations from this unit's usual %(usual)s") % figures
    )


def jump(value: float | None, previous: float | None, limit: float = JUMP_LIMIT) -> Warning | None:
    """A sudden change from the previous period, relative to its size."""
    if value is None or previous is None:
        return None
    if previous == 0:
        return Warning("jump", _("%(value)s after 0 last period") % {"value": f"{value:g}"}) if value != 0 else None
    change = (value - previous) / abs(previous)
    if abs(change) > limit:
        figures = {"value": f"{value:g}", "change": f"{change:+.0%}", "previous": f"{previous:g}"}
        return Warning("jump", _("%(value)s is %(change)s on last period's %(previous)s") % figures)
    return None


def check_value(value: float | None, history: list[float]) -> list[Warning]:
    """history: this unit's earlier values, oldest first."""
    found = [outlier(value, history), jump(value, history[-1] if history else None)]
    return [w for w in found if w]


def completeness(expected: Iterable, reported: Iterable) -> tuple[float, list]:
    """(share of expected units that reported, the units that did not)."""
    expected = list(expected)
    got = set(reported)
    missing = [u for u in expected if u not in got]
    share = 1.0 if not expected else (len(expected) - len(missing)) / len(expected)
    return share, missing


def days_late(due: date, received: date | None, today: date) -> int:
    """Days past the due date: of the receipt if it came, of today if it has not. 0 when on time."""
    when = received or today
    return max(0, (when - due).days)


def timeliness(due: date, received: Mapping[object, date | None], today: date) -> dict:
    """Per unit: days late; units still missing are counted to today."""
    return {unit: days_late(due, got, today) for unit, got in received.items()}
