"""The delivery planning rubric (seed 001, rule 5) and what the system can pre-check.

People rate each criterion red to green; the system cannot judge whether a
strategy is evidence-based, but it can see a strategy with no owner, no
milestones or no estimate of impact, a plan with no risks, or a chain
nobody hears back from. Those findings are shown beside the people's
ratings so a generous rating of a plan with obvious gaps stands out.

The codes (aspiration, red, fail) are what is stored; the names, questions
and findings are what people read, so they are marked for translation and
put into the reader's language when shown: `criteria()`, `rating_names()`,
`criterion_name()`, and the findings `precheck` writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .text import _, gettext_noop, ngettext

RED, AMBER_RED, AMBER_GREEN, GREEN = "red", "amber_red", "amber_green", "green"
RATINGS = (RED, AMBER_RED, AMBER_GREEN, GREEN)
RATING_NAMES = {
    RED: gettext_noop("Red"),
    AMBER_RED: gettext_noop("Amber-red"),
    AMBER_GREEN: gettext_noop("Amber-green"),
    GREEN: gettext_noop("Green"),
}
SCORE = {r: i for i, r in enumerate(RATINGS, start=1)}

# (code, name, key question) in the seed's order.
CRITERIA = [
    (
        "aspiration",
        gettext_noop("Articulate its aspiration"),
        gettext_noop("Have we defined a clear measure of success and an ambitious, time-bound end target?"),
    ),
    (
        "strategies",
        gettext_noop("Identify the relevant strategies"),
        gettext_noop(
            "Have we defined a coherent set of strategies, each with a single owner, milestones and a theory of action?"
        ),
    ),
    (
        "trajectory",
        gettext_noop("Set a trajectory for implementation"),
        gettext_noop(
            "Do we know how each strategy will reach the intermediate targets, with evidence-based estimates of impact?"
        ),
    ),
    (
        "delivery_chain",
        gettext_noop("Identify the relevant delivery chain(s)"),
        gettext_noop("Have we specified who needs to do what, at every level, to reach the field at scale?"),
    ),
    (
        "leadership",
        gettext_noop("Assign leadership, management and accountability"),
        gettext_noop("Is there one person responsible for the plan as a whole and for each strategy?"),
    ),
    (
        "resources",
        gettext_noop("Describe the resources and support required"),
        gettext_noop(
            "Have we identified the people, money and technology required, and how any shortfall will be met?"
        ),
    ),
    (
        "risks",
        gettext_noop("Anticipate and prepare for risks"),
        gettext_noop(
            "Have we identified the major risks and weaknesses in the delivery chain, and how we will manage them?"
        ),
    ),
    (
        "feedback_loops",
        gettext_noop("Create feedback loops for managing performance"),
        gettext_noop("Do we know how we will tell each strategy is working, and who collects that information?"),
    ),
]
CRITERION_CODES = tuple(c for c, _, _ in CRITERIA)
CRITERION_NAMES = {c: n for c, n, _ in CRITERIA}


def criteria() -> list[tuple[str, str, str]]:
    """(code, name, key question) in the seed's order, in the reader's language."""
    return [(code, _(name), _(question)) for code, name, question in CRITERIA]


def criterion_name(code: str) -> str:
    """A criterion's name in the reader's language."""
    return _(CRITERION_NAMES[code])


def rating_names() -> dict[str, str]:
    """Rating code to its name, in the reader's language."""
    return {code: _(name) for code, name in RATING_NAMES.items()}


FAIL, WARN, PASS = "fail", "warn", "pass"
LEVEL_NAMES = {
    FAIL: gettext_noop("Gap found"),
    WARN: gettext_noop("Needs attention"),
    PASS: gettext_noop("No gap found"),
}


def level_name(level: str) -> str:
    """A pre-check's verdict in the reader's language."""
    return _(LEVEL_NAMES[level])


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
    if len(names) <= 4:
        return ", ".join(names)
    more = len(names) - 4
    # Translators: the first four strategy names, then how many more are left out.
    return ngettext("%(names)s and %(more)s more", "%(names)s and %(more)s more", more) % {
        "names": ", ".join(names[:4]),
        "more": more,
    }


def precheck(plan: PlanFacts) -> Result:
    r = Result()
    add = lambda c, lvl, msg: r.findings.append(Finding(c, lvl, msg))  # noqa: E731
    s = list(plan.strategies)

    if not plan.has_target:
        add("aspiration", FAIL, _("No target is set for the priority's indicators."))
    else:
        add("aspiration", PASS, _("A target with a date is set."))

    if not s:
        add("strategies", FAIL, _("No strategies are defined."))
    else:
        no_owner = [x for x in s if x.leaders != 1]
        if no_owner:
            add("strategies", FAIL, _("Without a single owner: %(strategies)s.") % {"strategies": _names(no_owner)})
        no_ms = [x for x in s if x.milestones == 0]
        if no_ms:
            add("strategies", FAIL, _("No milestones: %(strategies)s.") % {"strategies": _names(no_ms)})
        no_success = [x for x in s if not x.success_defined]
        if no_success:
            add("strategies", WARN, _("No definition of success: %(strategies)s.") % {"strategies": _names(no_success)})
        if not (no_owner or no_ms or no_success):
            add(
                "strategies",
                PASS,
                ngettext(
                    "%(count)s strategy has one owner, milestones and a definition of success.",
                    "All %(count)s strategies have one owner, milestones and a definition of success.",
                    len(s),
                )
                % {"count": len(s)},
            )

    no_impact = [x for x in s if x.contributions == 0]
    if not s or len(no_impact) == len(s):
        add("trajectory", FAIL, _("No strategy has an estimate of impact, so there is no trajectory from the plan."))
    else:
        if no_impact:
            add("trajectory", WARN, _("No estimate of impact: %(strategies)s.") % {"strategies": _names(no_impact)})
        if plan.target_gap is not None and plan.target_gap > 0:
            add("trajectory", WARN, _("The strategies' estimated impacts do not add up to the target."))
        elif plan.target_gap is not None:
            add("trajectory", PASS, _("The strategies' estimated impacts add up to the target."))

    no_chain = [x for x in s if not x.has_chain]
    if not s or len(no_chain) == len(s):
        add("delivery_chain", FAIL, _("No delivery chain is drawn."))
    elif no_chain:
        add("delivery_chain", WARN, _("No delivery chain: %(strategies)s.") % {"strategies": _names(no_chain)})
    else:
        add("delivery_chain", PASS, _("Every strategy has a delivery chain."))

    if not plan.outcome_leader:
        add("leadership", FAIL, _("The plan as a whole has no single accountable leader."))
    elif s and all(x.leaders == 1 for x in s):
        add("leadership", PASS, _("The plan and every strategy have one accountable leader."))
    elif s:
        add("leadership", WARN, _("Some strategies lack a single leader."))

    no_cost = [x for x in s if not x.cost_known]
    if s and no_cost:
        add(
            "resources",
            WARN if len(no_cost) < len(s) else FAIL,
            _("No cost estimate: %(strategies)s.") % {"strategies": _names(no_cost)},
        )
    elif s:
        add("resources", PASS, _("Every strategy has a cost estimate."))

    if plan.risks == 0:
        add("risks", FAIL, _("No risks are identified."))
    elif plan.risks_without_mitigation:
        add(
            "risks",
            WARN,
            ngettext(
                "%(count)s risk has no mitigation.",
                "%(count)s risks have no mitigation.",
                plan.risks_without_mitigation,
            )
            % {"count": plan.risks_without_mitigation},
        )
    else:
        add(
            "risks",
            PASS,
            ngettext("%(count)s risk, with a mitigation.", "%(count)s risks, each with a mitigation.", plan.risks)
            % {"count": plan.risks},
        )

    chained = [x for x in s if x.has_chain]
    no_fb = [x for x in chained if not x.chain_has_feedback]
    if not chained:
        add("feedback_loops", FAIL, _("No delivery chain, so no feedback loop is defined."))
    elif no_fb:
        add("feedback_loops", FAIL, _("Chain without a feedback loop: %(strategies)s.") % {"strategies": _names(no_fb)})
    else:
        add("feedback_loops", PASS, _("Every delivery chain has a feedback loop."))
    return r


def weakest(ratings: dict[str, str]) -> list[str]:
    """The criteria with the lowest rating, in the seed's order: what to fix first."""
    if not ratings:
        return []
    low = min(SCORE[r] for r in ratings.values())
    return [c for c in CRITERION_CODES if c in ratings and SCORE[ratings[c]] == low]
