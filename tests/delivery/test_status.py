import pytest

from stocktake.delivery import status as S

# baseline 70, target 90: planned change 20, so 5% = 1 point and 15% = 3 points


@pytest.mark.parametrize(
    "actual,expected",
    [
        (80.0, S.ON_TRACK),  # exactly on plan
        (85.0, S.ON_TRACK),  # ahead of plan is never a shortfall
        (79.0, S.ON_TRACK),  # 1 point short = 5%: the band edge is on track
        (78.99, S.SLIGHTLY_OFF),
        (77.0, S.SLIGHTLY_OFF),  # 3 points short = 15%: the edge is slightly off
        (76.99, S.OFF_TRACK),
    ],
)
def test_higher_is_better_band_edges(actual, expected):
    assert S.assess(actual, 80.0, 70.0, 90.0, S.UP).code == expected


@pytest.mark.parametrize(
    "actual,expected",
    [
        (400.0, S.ON_TRACK),
        (350.0, S.ON_TRACK),  # fewer homicides than planned: ahead
        (410.0, S.ON_TRACK),  # 10 above plan = 5% of a 200 fall
        (410.5, S.SLIGHTLY_OFF),
        (430.0, S.SLIGHTLY_OFF),
        (431.0, S.OFF_TRACK),
    ],
)
def test_lower_is_better_band_edges(actual, expected):
    # baseline 500, target 300: planned change 200, so 5% = 10 and 15% = 30
    assert S.assess(actual, 400.0, 500.0, 300.0, S.DOWN).code == expected


def test_shortfall_share_and_missing_data():
    st = S.assess(76.0, 80.0, 70.0, 90.0, S.UP)
    assert st.shortfall == pytest.approx(4.0)
    assert st.share == pytest.approx(0.2)
    assert S.assess(None, 80.0, 70.0, 90.0, S.UP).code == S.NO_DATA


def test_custom_bands_and_maintain_targets():
    assert S.assess(78.0, 80.0, 70.0, 90.0, S.UP, on_track_band=0.1, off_track_band=0.2).code == S.ON_TRACK
    # hold a level of 95 with no tolerance named: 1% of the level (0.95) is on track, three times it slightly off
    assert S.assess(94.1, 95.0, 95.0, 95.0, S.UP).code == S.ON_TRACK
    assert S.assess(94.0, 95.0, 95.0, 95.0, S.UP).code == S.SLIGHTLY_OFF
    assert S.assess(70.0, 95.0, 95.0, 95.0, S.UP).code == S.OFF_TRACK
    with pytest.raises(ValueError):
        S.assess(1, 1, 0, 2, S.UP, on_track_band=0.3, off_track_band=0.1)
    with pytest.raises(ValueError):
        S.assess(1, 1, 0, 2, "sideways")


def test_trend_arrow_respects_direction():
    assert S.trend_arrow(10, 12, S.UP) == "improving"
    assert S.trend_arrow(10, 12, S.DOWN) == "worsening"
    assert S.trend_arrow(10, 10, S.DOWN) == "steady"


def test_a_hold_the_level_target_is_judged_by_its_tolerance_in_the_indicators_unit():
    # 97.4% against a 98% standard, tolerance 0.5 points: 0.6 short is beyond the tolerance
    st = S.assess(97.4, 98.0, 98.0, 98.0, S.UP, tolerance=0.5)
    assert st.code == S.SLIGHTLY_OFF and st.shortfall == pytest.approx(0.6)
    assert S.assess(97.5, 98.0, 98.0, 98.0, S.UP, tolerance=0.5).code == S.ON_TRACK  # exactly the tolerance
    assert S.assess(96.5, 98.0, 98.0, 98.0, S.UP, tolerance=0.5).code == S.SLIGHTLY_OFF  # within 3x
    assert S.assess(96.4, 98.0, 98.0, 98.0, S.UP, tolerance=0.5).code == S.OFF_TRACK
    # lower is better: holding 4 hours' wait within 0.25 hours
    assert S.assess(4.3, 4.0, 4.0, 4.0, S.DOWN, tolerance=0.25).code == S.SLIGHTLY_OFF
    # a target that plans a change ignores the tolerance
    assert S.assess(76.0, 80.0, 70.0, 90.0, S.UP, tolerance=100).code == S.OFF_TRACK


def test_a_units_rule_made_once_judges_each_period_as_assess_does():
    """A grid makes one judge per unit (assessor) and asks it for every month: the same statuses as assess()."""
    judge = S.assessor(70.0, 90.0, S.UP)
    for actual, planned in [(80.0, 80.0), (79.0, 80.0), (78.99, 80.0), (77.0, 80.0), (76.99, 80.0), (None, 80.0)]:
        assert judge(actual, planned) == S.assess(actual, planned, 70.0, 90.0, S.UP)
    assert judge(76.99, 80.0).code == S.OFF_TRACK and judge(None, 80.0).code == S.NO_DATA
    hold = S.assessor(4.0, 4.0, S.DOWN, tolerance=0.25)
    assert hold(4.3, 4.0) == S.assess(4.3, 4.0, 4.0, 4.0, S.DOWN, tolerance=0.25)
    # the rule is checked when it is made, before any value is judged
    with pytest.raises(ValueError):
        S.assessor(70.0, 90.0, "sideways")
    with pytest.raises(ValueError):
        S.assessor(70.0, 90.0, S.UP, on_track_band=0.2, off_track_band=0.1)
