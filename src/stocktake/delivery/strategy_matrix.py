"""The impact vs difficulty 2x2 (seed 001, rule 4) and value for money (rule 6).

Scores run 1 to 5. The midpoint splits the matrix into four quadrants so a
team can see at a glance which strategies to do first (high impact, easy)
and which to drop (low impact, hard). Where cost and estimated impact are
both known, strategies are ranked by impact per unit of cost: the seed asks
to "prioritize the strategies that deliver the most impact per dollar".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SCORES = range(1, 6)
MIDPOINT = 3

QUADRANTS = {
    (True, False): "Do first: high impact, easier",
    (True, True): "Major effort: high impact, harder",
    (False, False): "Quick wins: lower impact, easier",
    (False, True): "Reconsider: lower impact, harder",
}


def quadrant(impact: int, difficulty: int) -> str:
    """Which quadrant a strategy falls in; the midpoint counts as high."""
    for name, v in (("impact", impact), ("difficulty", difficulty)):
        if v not in SCORES:
            raise ValueError(f"{name} score {v} must be 1 to 5")
    return QUADRANTS[(impact >= MIDPOINT, difficulty >= MIDPOINT)]


@dataclass(frozen=True)
class Costed:
    key: object
    name: str
    impact: float | None  # estimated full effect, in the indicator's units, signed towards the target
    cost: float | None

    @property
    def per_unit_cost(self) -> float | None:
        if self.impact is None or not self.cost:
            return None
        return self.impact / self.cost


def rank_by_value(items: Sequence[Costed]) -> list[tuple[int, Costed]]:
    """Strategies with a known cost and impact, best value first, numbered 1..n (ties share a rank)."""
    known = sorted(
        ((cost, c) for c in items if (cost := c.per_unit_cost) is not None), key=lambda pair: (-pair[0], pair[1].name)
    )
    out: list[tuple[int, Costed]] = []
    rank, last = 0, None
    for i, (cost, c) in enumerate(known, start=1):
        if cost != last:
            rank, last = i, cost
        out.append((rank, c))
    return out
