"""The delivery planning rubric (seed 001, rule 5) and what the system can pre-check.

People rate each criterion red to green; the system cannot judge whether a
strategy is evidence-based, but it can see a strategy with no owner, no
milestones or no estimate of impact, a plan with no risks, or a chain
nobody hears back from. Those findings are shown beside the people's
ratings so a generous rating of a plan with obvious gaps stands out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .text import _

RED, AMBER_RED, AMBER_GREEN, GREEN = "red", "amber_red", "amber_green", "green"
RATINGS = (RED, AMBER_RED, AMBER_GREEN, GREEN)
RATING_NAMES = {RED: "Red", AMBER_RED: "Amber-red", AMBER_GREEN: "Amber-green", GREEN: "Green"}
SCORE = {r: i for i, r in enumerate(RATINGS, start=1)}

# (code, name, key question) in the seed's order.
CRITERIA = [
    (
        "aspiration",
        "Articulate its aspiration",
        "Have we defined a clear measure of success and an ambitious, time-bound end target?",
    ),
    (
        "strategies",
        "Identify the relevant strategies",
        "Have we defined a coherent set of strategies, each with a single owner, milestones and a theory of action?",
    ),
    (
        "trajectory",
        "Set a trajectory for implementation",
        "Do we know how each strategy will reach the intermediate targets, with evidence-based estimates of impact?",
    ),
    (
        "delivery_chain",
        "Identify the relevant delivery chain(s)",
        "Have we specified who needs to do what, at every level, to reach the field at scale?",
    ),
    (
        "leadership",
        "Assign leadership, management and accountability",
        "Is there one person responsible for the plan as a whole and for each strategy?",
    ),
    (
        "resources",
        "Describe the resources and support required",
        "Have we identified the people, money and technology required, and how any shortfall will be met?",
    ),
    (
        "risks",
        "Anticipate and prepare for risks",
        "Have we identified the major risks and weaknesses in the delivery chain, and how we will manage them?",
    ),
    (
        "feedback_loops",
        "Create feedback loops for managing performance",
        "Do we know how we will tell each strategy is working, and who collects that information?",
    ),
]
CRITERION_CODES = tuple(c for c, _, _ in CRITERIA)
CRITERION_NAMES = {c: n for c, n, _ in CRITERIA}

FAIL, WARN, PASS = "fail", "warn", "pass"


class RubricError(ValueError):
    pass


def check_rating(criterion: str, rating: str) -> None:
    if criterion not in CRITERION_CODES:
        raise RubricError(
            _("unknown criterion '%(criterion)s'; use one of %(criterion_codes)s")
            % {"criterion": criterion, "criterion_codes": ", ".join(CRITERION_CODES)}
        )
    if rating not in RATINGS:
        raise RubricError(
            _("unknown rating '%(rating)s'; use one of %(ratings)s") % {"rating": rating, "ratings": ", ".join(RATINGS)}
        )


@dataclass(frozen=True)
class StrategyFacts:
    name: str
    leaders: int
    milestones: int
    contributions: int
    cost_known: bool
    has_chain: bool
    chain_has_feedback: bool
    success_defined: bool


@dataclass(frozen=True)
class PlanFacts:
    strategies: Sequence[StrategyFacts]
    outcome_leader: bool
    has_target: bool
    target_gap: float | None  # None: no composed trajectory to compare
    risks: int
    risks_without_mitigation: int
    leading_indicators: int = 0


@dataclass(frozen=True)
class Finding:
    criterion: str
    level: str
    message: str


@dataclass
class Result:
    findings: list[Finding] = field(default_factory=list)

    def for_criterion(self, code: str) -> list[Finding]:
        return [f for f in self.findings if f.criterion == code]

    def worst(self, code: str) -> str:
        levels = {f.level for f in self.for_criterion(code)}
        return FAIL if FAIL in levels else WARN if WARN in levels else PASS


def _names(items) -> str:
    names = [s.name for s in items]
    return ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")


def precheck(plan: PlanFacts) -> Result:
    r = Result()
    add = lambda c, lvl, msg: r.findings.append(Finding(c, lvl, msg))  # noqa: E731
    s = list(plan.strategies)

    if not plan.has_target:
        add("aspiration", FAIL, "No target is set for the priority's indicators.")
    else:
        add("aspiration", PASS, "A target with a date is set.")

    if not s:
        add("strategies", FAIL, "No strategies are defined.")
    else:
        no_owner = [x for x in s if x.leaders != 1]
        if no_owner:
            add("strategies", FAIL, f"Without a single owner: {_names(no_owner)}.")
        no_ms = [x for x in s if x.milestones == 0]
        if no_ms:
            add("strategies", FAIL, f"No milestones: {_names(no_ms)}.")
        no_success = [x for x in s if not x.success_defined]
        if no_success:
            add("strategies", WARN, f"No definition of success: {_names(no_success)}.")
        if not (no_owner or no_ms or no_success):
            add("strategies", PASS, f"All {len(s)} strategies have one owner, milestones and a definition of success.")

    no_impact = [x for x in s if x.contributions == 0]
    if not s or len(no_impact) == len(s):
        add("trajectory", FAIL, "No strategy has an estimate of impact, so there is no trajectory from the plan.")
    else:
        if no_impact:
            add("trajectory", WARN, f"No estimate of impact: {_names(no_impact)}.")
        if plan.target_gap is not None and plan.target_gap > 0:
            add("trajectory", WARN, "The strategies' estimated impacts do not add up to the target.")
        elif plan.target_gap is not None:
            add("trajectory", PASS, "The strategies' estimated impacts add up to the target.")

    no_chain = [x for x in s if not x.has_chain]
    if not s or len(no_chain) == len(s):
        add("delivery_chain", FAIL, "No delivery chain is drawn.")
    elif no_chain:
        add("delivery_chain", WARN, f"No delivery chain: {_names(no_chain)}.")
    else:
        add("delivery_chain", PASS, "Every strategy has a delivery chain.")

    if not plan.outcome_leader:
        add("leadership", FAIL, "The plan as a whole has no single accountable leader.")
    elif s and all(x.leaders == 1 for x in s):
        add("leadership", PASS, "The plan and every strategy have one accountable leader.")
    elif s:
        add("leadership", WARN, "Some strategies lack a single leader.")

    no_cost = [x for x in s if not x.cost_known]
    if s and no_cost:
        add("resources", WARN if len(no_cost) < len(s) else FAIL, f"No cost estimate: {_names(no_cost)}.")
    elif s:
        add("resources", PASS, "Every strategy has a cost estimate.")

    if plan.risks == 0:
        add("risks", FAIL, "No risks are identified.")
    elif plan.risks_without_mitigation:
        add("risks", WARN, f"{plan.risks_without_mitigation} risk(s) have no mitigation.")
    else:
        add("risks", PASS, f"{plan.risks} risk(s), each with a mitigation.")

    chained = [x for x in s if x.has_chain]
    no_fb = [x for x in chained if not x.chain_has_feedback]
    if not chained:
        add("feedback_loops", FAIL, "No delivery chain, so no feedback loop is defined.")
    elif no_fb:
        add("feedback_loops", FAIL, f"Chain without a feedback loop: {_names(no_fb)}.")
    else:
        add("feedback_loops", PASS, "Every delivery chain has a feedback loop.")
    return r


def weakest(ratings: dict[str, str]) -> list[str]:
    """The criteria with the lowest rating, in the seed's order: what to fix first."""
    if not ratings:
        return []
    low = min(SCORE[r] for r in ratings.values())
    return [c for c in CRITERION_CODES if c in ratings and SCORE[ratings[c]] == low]
