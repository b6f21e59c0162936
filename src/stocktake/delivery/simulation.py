"""What would a fund pay? Scenario simulation before a scheme is launched.

Each scheme's recipient is assumed to follow its trajectory exactly, or to
achieve only part of the planned change (10% or 25% short), or more of it.
The same payment rules and caps as real payments are applied period by
period, so the simulation cannot disagree with what the fund would pay.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from . import payments as PAY

# name -> share of the planned change from baseline achieved
SCENARIOS = {
    "On trajectory": Decimal("1"),
    "10% short": Decimal("0.9"),
    "25% short": Decimal("0.75"),
    "Exceeds by 10%": Decimal("1.1"),
}


@dataclass
class SchemePlan:
    """One scheme as the simulation needs it: its rule, caps and planned path."""

    name: str
    rule: object
    baseline: Decimal
    planned: list[tuple[str, Decimal]]  # (period code, planned value), in time order
    cap_per_period: Decimal | None = None
    cap_total: Decimal | None = None
    allocation: Decimal | None = None


@dataclass
class Outcome:
    scenario: str
    by_period: dict[str, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return PAY.net(self.by_period.values())


def value_under(baseline: Decimal, planned: Decimal, share: Decimal) -> Decimal:
    return baseline + share * (planned - baseline)


def simulate(plans: list[SchemePlan], scenarios: dict[str, Decimal] | None = None, places: int = 2) -> list[Outcome]:
    """The fund's payout per period under each scenario, scheme caps and rounding applied."""
    out = []
    for name, share in (scenarios or SCENARIOS).items():
        outcome = Outcome(name)
        for plan in plans:
            paid = PAY.ZERO
            for code, planned in plan.planned:
                p = PAY.compute(
                    plan.rule,
                    value_under(plan.baseline, planned, share),
                    cap_per_period=plan.cap_per_period,
                    cap_total=plan.cap_total,
                    paid_so_far=paid,
                    allocation=plan.allocation,
                    places=places,
                )
                paid += p.amount
                outcome.by_period[code] = outcome.by_period.get(code, PAY.ZERO) + p.amount
        outcome.by_period = dict(sorted(outcome.by_period.items()))
        out.append(outcome)
    return out


def verdicts(outcomes: list[Outcome], available: Decimal) -> dict[str, Decimal]:
    """Scenario -> how far its total payout falls within (+) or beyond (-) what the fund has available."""
    return {o.scenario: available - o.total for o in outcomes}
