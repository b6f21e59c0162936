"""The verdict says no more than the estimate supports: a direction only when the interval excludes zero."""

import dataclasses

import numpy as np

from stocktake.delivery.impact_verdict import Verdict, assess_impact, render_verdict

from .impact_simulated import simulate

FELL = Verdict(
    direction="fell",
    effect=-3.1,
    low=-5.0,
    high=-1.2,
    percent=-12.4,
    percent_low=-20.0,
    percent_high=-4.8,
    pretrend="similar",
    pretrend_p=0.43,
    pretrend_periods=4,
    placebo="clean",
    placebo_start=None,
    permutation_observed=-2.9,
    permutation_p=0.004,
    permutations=999,
    permutation_as_large=3,
    notes=(),
)


def test_a_clear_fall_is_told_with_its_interval_and_percentage():
    text = render_verdict(FELL, outcome="the waits", unit="points")
    assert text.startswith(
        "Relative to the comparison units, the waits fell by 3.1 points (95% interval 1.2 to 5.0 points), "
        "12.4% below what it would otherwise have been (4.8% to 20.0%)."
    )
    assert (
        "In the 4 periods before the start the two groups moved alike: no detectable difference in their "
        "trends (test p = 0.43)." in text
    )
    assert "(-2.9 points) in 3 of 999 tries (permutation p = 0.004)" in text
    assert "Warning" not in text and "cannot tell" not in text


def test_an_interval_spanning_zero_is_we_cannot_tell():
    v = dataclasses.replace(FELL, direction="unclear", effect=-0.4, low=-2.1, high=1.3)
    text = render_verdict(v, outcome="the waits", unit="points")
    assert text.startswith("We cannot tell whether the waits changed")
    assert "from -2.1 to 1.3 points, which includes no change" in text
    assert " fell " not in text


def test_differing_pretrends_come_first_as_a_warning():
    v = dataclasses.replace(FELL, pretrend="differ", pretrend_p=0.003)
    text = render_verdict(v, outcome="the waits")
    assert text.startswith("Warning: in the 4 periods before the start, the waits already moved differently")
    assert "p = 0.003" in text
    assert "moved alike" not in text


def test_a_placebo_effect_casts_doubt():
    v = dataclasses.replace(FELL, placebo="effect_before_start", placebo_start=2019)
    assert "Pretending the start came earlier (period 2019)" in render_verdict(v)


def test_the_full_report_on_a_clear_effect():
    rng = np.random.default_rng(8)
    panel, design = simulate(rng, {5: 15}, 15, 8, lambda g, t: -3.0)
    report = assess_impact(panel, design, permutations=199)
    v = report.verdict
    assert v.direction == "fell"
    assert v.low <= -3.0 <= v.high
    assert v.pretrend == "similar" and v.placebo == "clean"
    assert v.permutation_p == 1 / 200
    # one start: every estimator aims at the same effect (the group-time one against the last period
    # before the start only, the others against the whole pre window, so they differ by noise)
    for est in (report.two_period, report.twfe, report.group_time):
        assert est.low <= -3.0 <= est.high
    assert "twfe_differs" not in [n.code for n in v.notes]
    print("\n" + render_verdict(v, outcome="the waits", unit="points"))


def test_the_full_report_on_no_effect_cannot_tell():
    rng = np.random.default_rng(8)
    panel, design = simulate(rng, {5: 15}, 15, 8, lambda g, t: 0.0)
    v = assess_impact(panel, design, permutations=199).verdict
    assert v.direction == "unclear"
    assert render_verdict(v).startswith("We cannot tell")


def test_the_full_report_flags_twfe_when_staggered_effects_grow():
    rng = np.random.default_rng(3)
    panel, design = simulate(rng, {4: 20, 7: 20}, 20, 10, lambda g, t: 1.0 * (t - g + 1), sigma=0.5)
    report = assess_impact(panel, design, permutations=99)
    assert report.cs_minus_twfe > 1.0
    assert "twfe_differs" in [n.code for n in report.verdict.notes]
