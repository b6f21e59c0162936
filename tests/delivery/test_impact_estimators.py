"""The impact estimators: exact numbers on a tiny hand-computed panel, then known effects in simulation."""

import math

import numpy as np
import pytest

from stocktake.delivery.did import (
    NEVER,
    NOT_YET,
    event_study,
    group_time_att,
    group_time_estimate,
    pretrend_test,
    twfe,
    two_period_did,
)
from stocktake.delivery.impact import Design, Observation, build_panel, prepare

from .impact_simulated import simulate

# Units A and B start in period 3; C and D never do. Pre window 1-2, post 3-4.
#        p1  p2  p3  p4   pre  post  change
#   A    10  12  20  22   11   21    10
#   B    20  20  26  28   20   27     7
#   C     5   7   9  11    6   10     4
#   D     8   8  10  10    8   10     2
TINY = {"A": [10, 12, 20, 22], "B": [20, 20, 26, 28], "C": [5, 7, 9, 11], "D": [8, 8, 10, 10]}
TINY_DESIGN = Design({"A": 3, "B": 3}, ["C", "D"], (1, 2), (3, 4))


def tiny_sample(weights=None):
    rows = [
        Observation(u, t + 1, float(v), None if weights is None else weights[u])
        for u, vs in TINY.items()
        for t, v in enumerate(vs)
    ]
    return prepare(build_panel(rows), TINY_DESIGN)


def test_two_period_did_by_hand():
    est = two_period_did(tiny_sample())
    # (10 + 7) / 2 - (4 + 2) / 2
    assert est.effect == pytest.approx(5.5)
    # Welch: variance of (10, 7) is 4.5, of (4, 2) is 2; se = sqrt(4.5/2 + 2/2)
    assert est.se == pytest.approx(math.sqrt(3.25))
    # t with 4 units - 2 parameters = 2 degrees of freedom: 4.302653
    assert est.low == pytest.approx(5.5 - 4.302653 * math.sqrt(3.25), abs=1e-5)
    assert est.high == pytest.approx(5.5 + 4.302653 * math.sqrt(3.25), abs=1e-5)
    # treated post mean (21 + 27) / 2 = 24, counterfactual 24 - 5.5 = 18.5
    assert est.treated_post_mean == pytest.approx(24)
    assert est.counterfactual == pytest.approx(18.5)
    assert est.percent == pytest.approx(100 * 5.5 / 18.5)
    assert est.percent_low == pytest.approx(100 * est.low / 18.5)
    assert est.se_kind == "hc2"


def test_two_period_did_weights_count_each_unit_by_its_weight():
    est = two_period_did(tiny_sample({"A": 3.0, "B": 1.0, "C": 1.0, "D": 1.0}))
    # treated mean change (3*10 + 7) / 4 = 9.25; comparison 3
    assert est.effect == pytest.approx(6.25)
    assert est.treated_post_mean == pytest.approx((3 * 21 + 27) / 4)


def test_twfe_equals_the_two_period_did_with_one_start_and_a_balanced_panel():
    est = twfe(tiny_sample())
    assert est.effect == pytest.approx(5.5)
    # 4 units is too few to cluster on: it says so and uses robust errors
    assert est.se_kind == "hc1"
    assert [n.code for n in est.notes] == ["few_units"]


def test_group_time_effects_by_hand():
    gt = group_time_att(tiny_sample())
    cells = {(c.group, c.period): c.att for c in gt.cells}
    # against the base period 2: t=1 changes (-2, 0) vs (-2, 0); t=3 (8, 6) vs (2, 2); t=4 (10, 8) vs (4, 2)
    assert cells == pytest.approx({(3, 1): 0.0, (3, 3): 5.0, (3, 4): 6.0})
    est = group_time_estimate(gt)
    assert est.effect == pytest.approx(5.5)
    # influence of A, B, C, D on the average of t=3 and t=4: 2, -2, -1, 1; se = sqrt(10 / (4 * 3))
    assert est.se == pytest.approx(math.sqrt(10 / 12))
    study = event_study(gt)
    assert [(p.e, p.effect) for p in study.points] == [(-2, 0.0), (-1, 0.0), (0, 5.0), (1, 6.0)]


def test_treated_units_moving_apart_before_the_start_fail_the_pretrend_test():
    rng = np.random.default_rng(7)
    panel, design = simulate(rng, {6: 15}, 15, 10, lambda g, t: 0.0, trend_gap=0.5)
    test = pretrend_test(event_study(group_time_att(prepare(panel, design))))
    assert test.leads == (-5, -4, -3, -2)
    assert test.p_value < 0.01


@pytest.mark.parametrize("starts", [{5: 15}, {5: 8, 7: 8}])
def test_pretrend_test_rejects_about_five_percent_of_parallel_panels(starts):
    rng = np.random.default_rng(11)
    rejected = 0
    for _ in range(100):
        panel, design = simulate(rng, starts, 15, 9, lambda g, t: 1.0)
        study = event_study(group_time_att(prepare(panel, design)), leads=4)
        rejected += pretrend_test(study).p_value < 0.05
    assert 1 <= rejected <= 12


def test_intervals_cover_the_true_effect_about_95_percent_of_the_time():
    rng = np.random.default_rng(2026)
    true = 2.0
    hits = {"two_period": 0, "twfe": 0, "group_time": 0}
    draws = 200
    for _ in range(draws):
        panel, design = simulate(rng, {5: 15}, 15, 8, lambda g, t: true)
        sample = prepare(panel, design)
        for name, est in (
            ("two_period", two_period_did(sample)),
            ("twfe", twfe(sample)),
            ("group_time", group_time_estimate(group_time_att(sample))),
        ):
            hits[name] += est.low <= true <= est.high
    coverage = {k: v / draws for k, v in hits.items()}
    print("coverage", coverage)
    assert all(0.88 <= c <= 0.99 for c in coverage.values()), coverage


def growing(g, t):
    """Effects that grow with time since the start: where two-way fixed effects go wrong."""
    return 1.0 * (t - g + 1)


@pytest.mark.parametrize("control", [NEVER, NOT_YET])
def test_staggered_growing_effects_bias_twfe_but_not_the_group_time_estimate(control):
    rng = np.random.default_rng(3)
    starts = {4: 20, 7: 20}
    panel, design = simulate(rng, starts, 20, 10, growing, sigma=0.5)
    # the truth by the same aggregation: every post (group, period) cell, groups weighted by size (equal here)
    cells = [growing(g, t) for g in starts for t in range(g, 11)]
    truth = sum(cells) / len(cells)
    sample = prepare(panel, design)
    cs = group_time_estimate(group_time_att(sample, control=control))
    fe = twfe(sample)
    print(
        f"\n{control}: truth {truth:.3f}, group-time {cs.effect:.3f} ({cs.low:.3f} to {cs.high:.3f}), "
        f"TWFE {fe.effect:.3f} ({fe.low:.3f} to {fe.high:.3f})"
    )
    assert cs.low <= truth <= cs.high
    assert abs(cs.effect - truth) < 0.25
    assert not fe.low <= truth <= fe.high
    assert truth - fe.effect > 1.0  # later periods' larger effects are subtracted through the early group


def test_event_study_recovers_effects_by_time_since_the_start():
    rng = np.random.default_rng(5)
    panel, design = simulate(rng, {4: 20, 7: 20}, 20, 10, growing, sigma=0.5)
    study = event_study(group_time_att(prepare(panel, design)), leads=2, lags=3)
    assert [p.e for p in study.points] == [-2, -1, 0, 1, 2, 3]
    for p in study.points:
        if p.e >= 0:
            assert p.low <= p.e + 1 <= p.high
    assert [p.n_groups for p in study.points] == [2, 2, 2, 2, 2, 2]


def test_staggered_intervals_cover_effects_that_differ_between_groups():
    rng = np.random.default_rng(1)
    starts = {4: 10, 7: 10}

    def effect(g, t):
        return (2.0 if g == 4 else 0.5) * (t - g + 1)

    cells = [effect(g, t) for g in starts for t in range(g, 11)]
    truth, truth_e2 = sum(cells) / len(cells), (effect(4, 6) + effect(7, 9)) / 2
    hits = hits_e2 = wider = 0
    draws = 200
    for _ in range(draws):
        panel, design = simulate(rng, starts, 10, 10, effect)
        gt = group_time_att(prepare(panel, design))
        est = group_time_estimate(gt)
        hits += est.low <= truth <= est.high
        e2 = next(p for p in event_study(gt).points if p.e == 2)
        hits_e2 += e2.low <= truth_e2 <= e2.high
        wider += group_time_estimate(gt, random_groups=True).se > est.se
    print(f"\ncoverage: aggregate {hits / draws}, e=2 {hits_e2 / draws}")
    assert 0.88 <= hits / draws <= 0.99
    assert 0.88 <= hits_e2 / draws <= 0.99
    # treating the group sizes as a random draw (CS 2021) can only add to the spread
    assert wider == draws
