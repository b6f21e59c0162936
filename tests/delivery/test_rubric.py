"""Planning-rubric pre-checks and the impact/difficulty matrix."""

import pytest

from stocktake.delivery import rubric as R
from stocktake.delivery import strategy_matrix as M


def good(name="s", **kw):
    facts = dict(
        name=name,
        leaders=1,
        milestones=3,
        contributions=1,
        cost_known=True,
        has_chain=True,
        chain_has_feedback=True,
        success_defined=True,
    )
    facts.update(kw)
    return R.StrategyFacts(**facts)


def test_a_complete_plan_passes_every_check():
    r = R.precheck(R.PlanFacts([good("a"), good("b")], True, True, 0.0, 3, 0))
    assert {c: r.worst(c) for c in R.CRITERION_CODES} == {c: R.PASS for c in R.CRITERION_CODES}


def test_gaps_are_caught_and_named():
    plan = R.PlanFacts(
        [
            good("a"),
            good(
                "Walk-in centres", leaders=0, milestones=0, has_chain=True, chain_has_feedback=False, cost_known=False
            ),
        ],
        outcome_leader=True,
        has_target=True,
        target_gap=2.5,
        risks=0,
        risks_without_mitigation=0,
    )
    r = R.precheck(plan)
    assert r.worst("strategies") == R.FAIL
    msgs = " ".join(f.message for f in r.for_criterion("strategies"))
    assert "Without a single owner: Walk-in centres" in msgs and "No milestones: Walk-in centres" in msgs
    assert r.worst("risks") == R.FAIL
    assert r.worst("feedback_loops") == R.FAIL
    assert r.worst("trajectory") == R.WARN
    assert r.worst("resources") == R.WARN


def test_empty_plan_fails_nearly_everything():
    r = R.precheck(R.PlanFacts([], False, False, None, 0, 0))
    fails = {c for c in R.CRITERION_CODES if r.worst(c) == R.FAIL}
    assert fails >= {
        "aspiration",
        "strategies",
        "trajectory",
        "delivery_chain",
        "leadership",
        "risks",
        "feedback_loops",
    }


def test_weakest_criteria_and_rating_checks():
    assert R.weakest({"risks": "red", "strategies": "green", "aspiration": "red"}) == ["aspiration", "risks"]
    with pytest.raises(R.RubricError, match="unknown rating 'purple'"):
        R.check_rating("risks", "purple")


def test_matrix_quadrants_and_value_ranking():
    assert M.quadrant(5, 1).startswith("Do first")
    assert M.quadrant(1, 5).startswith("Reconsider")
    with pytest.raises(ValueError):
        M.quadrant(0, 3)
    items = [
        M.Costed(1, "a", 4.0, 2.0),
        M.Costed(2, "b", 1.0, 1.0),
        M.Costed(3, "c", 6.0, 3.0),
        M.Costed(4, "d", None, 3.0),
        M.Costed(5, "e", 3.0, 0),
    ]
    assert [(r, c.name) for r, c in M.rank_by_value(items)] == [(1, "a"), (1, "c"), (3, "b")]
