"""The demo's evaluation finds the effect built into the generated homicides (demo/spec.py)."""

import pytest

from stocktake.demo import spec
from stocktake.evaluations import estimates

pytestmark = pytest.mark.django_db

TRUE_EFFECT = spec.HOMICIDE_INTERVENTION["effect"]


def test_the_demo_evaluation_interval_contains_the_built_in_effect(demo_evaluation):
    result = estimates.assess(estimates.Spec.of(demo_evaluation))
    rep = result.report
    for est in (rep.two_period, rep.twfe, rep.group_time):
        assert est.low <= TRUE_EFFECT <= est.high, (est.method, est.low, est.high)
    assert rep.group_time.high < 0  # and it is told apart from no change
    assert rep.verdict.direction == "fell"
    assert rep.verdict.pretrend == "similar"
    assert {u.code for u, _s in result.spec.treated} == set(spec.HOMICIDE_INTERVENTION["starts"])


def test_the_demo_evaluation_is_published_and_the_public_gets_the_same_estimate(demo_evaluation):
    official = estimates.assess(estimates.Spec.of(demo_evaluation))
    public = estimates.assess(estimates.Spec.of(demo_evaluation), published_only=True)
    assert demo_evaluation.published
    # The windows end before the months still awaiting publication, so both read the same values.
    assert public.report.group_time.effect == pytest.approx(official.report.group_time.effect)
