"""Rolling values up an org-unit hierarchy.

A percentage is never averaged: the share of patients seen within four hours
in a region is the region's patients seen in time over the region's
attendances, which differs from the mean of its hospitals' percentages
whenever hospitals differ in size. So ratio indicators carry numerator and
denominator all the way up and divide only at the end.

Aggregates are kept as small mergeable accumulators so that a rollup can be
refreshed incrementally: subtract what an import replaced, add what it
brought, without rescanning the table.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

from .text import _

SUM, MEAN, RATIO = "sum", "mean", "ratio"
RULES = (SUM, MEAN, RATIO)


class RollupError(ValueError):
    pass


@dataclass
class Accumulator:
    """What an aggregate needs to be merged with another: never a finished average."""

    total: float = 0.0
    count: int = 0
    numerator: float = 0.0
    denominator: float = 0.0

    def add(self, value: float | None = None, numerator: float | None = None, denominator: float | None = None):
        if value is not None:
            self.total += value
        if numerator is not None:
            self.numerator += numerator
        if denominator is not None:
            self.denominator += denominator
        self.count += 1
        return self

    def merge(self, other: Accumulator) -> Accumulator:
        self.total += other.total
        self.count += other.count
        self.numerator += other.numerator
        self.denominator += other.denominator
        return self

    def result(self, rule: str, scale: float = 1.0) -> float | None:
        if self.count == 0:
            return None
        if rule == SUM:
            return self.total
        if rule == MEAN:
            return self.total / self.count
        if rule == RATIO:
            if self.denominator == 0:
                return None
            return self.numerator / self.denominator * scale
        raise RollupError(
            _("unknown aggregation rule '%(rule)s'; use one of %(rules)s") % {"rule": rule, "rules": ", ".join(RULES)}
        )


def ancestors(unit: Hashable, parent_of: Mapping[Hashable, Hashable | None]) -> list:
    """The unit itself and every unit above it, nearest first."""
    chain = []
    seen = set()
    while unit is not None:
        if unit in seen:
            raise RollupError(_("org unit hierarchy has a cycle at %(unit)s") % {"unit": repr(unit)})
        seen.add(unit)
        chain.append(unit)
        unit = parent_of.get(unit)
    return chain


def accumulate(
    rows: Iterable[tuple[Hashable, float | None, float | None, float | None]],
    parent_of: Mapping[Hashable, Hashable | None],
) -> dict[Hashable, Accumulator]:
    """Accumulators for every unit and all its ancestors.

    rows are (unit, value, numerator, denominator) at the reporting level.
    """
    accs: dict[Hashable, Accumulator] = {}
    for unit, value, num, den in rows:
        for u in ancestors(unit, parent_of):
            accs.setdefault(u, Accumulator()).add(value, num, den)
    return accs


def rollup(rows, parent_of, rule: str, scale: float = 1.0) -> dict[Hashable, float | None]:
    """Aggregated value for every unit that has data at or below it."""
    if rule not in RULES:
        raise RollupError(
            _("unknown aggregation rule '%(rule)s'; use one of %(rules)s") % {"rule": rule, "rules": ", ".join(RULES)}
        )
    return {u: acc.result(rule, scale) for u, acc in accumulate(rows, parent_of).items()}
