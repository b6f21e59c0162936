"""Placebo inference: permutation p-values that are uniform when nothing happened, and fake starts."""

import numpy as np
import pytest
from scipy import stats

from stocktake.delivery.impact import Design, ImpactError, Observation, build_panel, prepare
from stocktake.delivery.impact_placebo import permutation_test, placebo_in_time

from .impact_simulated import simulate

TINY = {"A": [10, 12, 20, 22], "B": [20, 20, 26, 28], "C": [5, 7, 9, 11], "D": [8, 8, 10, 10]}


def test_few_units_are_permuted_exhaustively():
    panel = build_panel(Observation(u, t + 1, float(v)) for u, vs in TINY.items() for t, v in enumerate(vs))
    result = permutation_test(prepare(panel, Design({"A": 3, "B": 3}, ["C", "D"], (1, 2), (3, 4))))
    # changes 10, 7, 4, 2: of the 6 ways to pick two treated units, {A,B} and {C,D} give |5.5|
    assert result.exact and result.permutations == 6
    assert result.observed == pytest.approx(5.5)
    assert result.p_value == pytest.approx(2 / 6)
    assert result.as_large == 2


def test_with_no_effect_the_permutation_p_value_is_uniform():
    rng = np.random.default_rng(42)
    ps = []
    for seed in range(200):
        panel, design = simulate(rng, {5: 8}, 12, 8, lambda g, t: 0.0)
        ps.append(permutation_test(prepare(panel, design), permutations=199, seed=seed).p_value)
    assert stats.kstest(ps, "uniform").pvalue > 0.01
    assert 0.02 <= np.mean(np.array(ps) < 0.05) <= 0.09


def test_a_real_effect_gets_a_small_permutation_p_value():
    rng = np.random.default_rng(1)
    panel, design = simulate(rng, {5: 8}, 12, 8, lambda g, t: 4.0)
    result = permutation_test(prepare(panel, design), permutations=499, seed=0)
    assert result.p_value < 0.01
    assert not result.exact


def test_the_same_seed_gives_the_same_p_value():
    rng = np.random.default_rng(9)
    panel, design = simulate(rng, {5: 8}, 12, 8, lambda g, t: 0.5)
    sample = prepare(panel, design)
    assert permutation_test(sample, seed=3).p_value == permutation_test(sample, seed=3).p_value


def test_the_number_of_permutations_is_bounded():
    rng = np.random.default_rng(9)
    panel, design = simulate(rng, {5: 8}, 12, 8, lambda g, t: 0.5)
    with pytest.raises(ImpactError, match="between 1 and 10000"):
        permutation_test(prepare(panel, design), permutations=10**6)


def test_fake_starts_before_the_real_one_find_nothing_when_trends_were_parallel():
    rng = np.random.default_rng(4)
    panel, design = simulate(rng, {6: 15}, 15, 10, lambda g, t: 3.0)
    placebos = placebo_in_time(prepare(panel, design))
    assert [p.fake_start for p in placebos] == [2, 3, 4, 5]
    assert all(p.estimate.low <= 0 <= p.estimate.high for p in placebos)


def test_fake_starts_find_an_effect_when_the_treated_units_were_already_drifting():
    rng = np.random.default_rng(4)
    panel, design = simulate(rng, {6: 15}, 15, 10, lambda g, t: 0.0, trend_gap=0.8)
    placebos = placebo_in_time(prepare(panel, design))
    assert min(p.estimate.p_value for p in placebos) < 0.01
