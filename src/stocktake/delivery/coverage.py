"""How much of an aggregate's denominator has reported, and whether a period's figure is whole.

A national figure from 4 of 96 hospitals is not the national figure: it is
those four hospitals. So every aggregate carries its coverage (units
reported of units expected beneath it, and the share of the denominator
they carry) and each indicator a completeness
rule (the share of expected units that must report before the period's
figure counts as the official latest). A period is also partial when it
has not ended, or when a coarser period (a quarter, a year) is built from
fewer of its sub-periods than it has: a year from three months.

Plain Python: the monitoring pages, API, exports and packs all ask these
functions, so each says "incomplete" and "partial" by the same rule.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import date

from .text import _

DEFAULT_RULE = 0.9  # of expected units; Indicator.completeness overrides it

# Why a period is partial (the reason codes; the pages translate them into words).
NOT_ENDED, FEWER_PARTS = "not_ended", "fewer_parts"


class CoverageError(ValueError):
    pass


def check_rule(rule: float) -> float:
    """A completeness rule is a share of units above 0 and at most 1."""
    if not 0 < rule <= 1:
        raise CoverageError(
            _("a completeness rule is a share above 0 and at most 1, not %(rule)s") % {"rule": f"{rule:g}"}
        )
    return rule


@dataclass(frozen=True)
class Coverage:
    """Units reported of units expected beneath an aggregate (expected 0: not known, taken as whole), and the
    weight they carry of the weight expected (a ratio's denominator, a count's total; None: not known)."""

    reported: int
    expected: int
    weight: float | None = None
    weight_expected: float | None = None

    @property
    def weight_share(self) -> float | None:
        """The share of the whole's denominator (or count) the reporting units carry; None when not known."""
        if self.weight is None or not self.weight_expected or self.weight_expected <= 0:
            return None
        return max(0.0, min(abs(self.weight) / self.weight_expected, 1.0))

    @property
    def share(self) -> float | None:
        if self.expected <= 0:
            return None
        return min(self.reported / self.expected, 1.0)

    def needed(self, rule: float = DEFAULT_RULE) -> int:
        """How many units must report for the rule to be met."""
        return _needed(rule, self.expected)

    def meets(self, rule: float = DEFAULT_RULE) -> bool:
        """Whether enough units reported for the figure to stand for the whole."""
        return meets(self.reported, self.expected, rule)


@functools.lru_cache(maxsize=4096)
def _needed(rule: float, expected: int) -> int:
    """Coverage.needed, remembered: a heat map asks it for 6,000 cells with a handful of (rule, expected)."""
    return math.ceil(check_rule(rule) * expected - 1e-9)


def meets(reported: int, expected: int, rule: float = DEFAULT_RULE) -> bool:
    """Coverage(reported, expected).meets(rule), without making the Coverage: a grid asks it per cell."""
    return expected <= 0 or reported >= _needed(rule, expected)


def latest_complete(rows: list[tuple[int, int]], rule: float = DEFAULT_RULE) -> int | None:
    """Index of the last (reported, expected) pair, oldest first, that meets the rule; None if none does."""
    for i in range(len(rows) - 1, -1, -1):
        reported, expected = rows[i]
        if reported > 0 and meets(reported, expected, rule):
            return i
    return None


@dataclass(frozen=True)
class Partial:
    """Why a period's figure is not a whole period's: a reason code and the numbers behind it."""

    reason: str
    parts: int = 0
    parts_expected: int = 0
    ends: date | None = None


def partial(start: date, end: date, today: date, parts: int | None = None, parts_expected: int | None = None):
    """A Partial if the period has not ended by `today` or holds fewer sub-periods than it has; else None.

    `parts` is how many sub-periods (months of a quarter) the figure is built from and `parts_expected`
    how many the period has; leave both None for a period at the indicator's own frequency.
    """
    if parts is not None and parts_expected is not None and parts < parts_expected:
        return Partial(FEWER_PARTS, parts, parts_expected, end)
    if end >= today:
        return Partial(NOT_ENDED, 0, 0, end)
    return None
