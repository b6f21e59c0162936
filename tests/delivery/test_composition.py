"""The composed trajectory against sums worked out by hand."""

from datetime import date

import pytest

from stocktake.delivery import composition as C


def test_overlapping_ramps_add_up_period_by_period():
    # Baseline 50 at the end of Dec 2024, monthly. Three strategies overlap:
    #  A: immediate +2 from Feb 2025
    #  B: linear +4 over 4 months from Mar 2025 -> 1, 2, 3, 4, 4 ...
    #  C: linear -1 over 2 months from Apr 2025 -> -0.5, -1 ...
    contributions = [
        C.Contribution("A", date(2025, 2, 1), 2.0, C.IMMEDIATE),
        C.Contribution("B", date(2025, 3, 1), 4.0, C.LINEAR, 4),
        C.Contribution("C", date(2025, 4, 15), -1.0, C.LINEAR, 2),
    ]
    composed = C.compose(
        kind="M",
        baseline_date=date(2024, 12, 31),
        baseline_value=50.0,
        until=date(2025, 8, 31),
        contributions=contributions,
        target_value=56.0,
        direction="up",
    )
    got = [(r.period.code, r.parts, r.total) for r in composed.rows]
    assert got == [
        ("2025-01", (0.0, 0.0, 0.0), 50.0),
        ("2025-02", (2.0, 0.0, 0.0), 52.0),
        ("2025-03", (2.0, 1.0, 0.0), 53.0),
        ("2025-04", (2.0, 2.0, -0.5), 53.5),
        ("2025-05", (2.0, 3.0, -1.0), 54.0),
        ("2025-06", (2.0, 4.0, -1.0), 55.0),
        ("2025-07", (2.0, 4.0, -1.0), 55.0),
        ("2025-08", (2.0, 4.0, -1.0), 55.0),
    ]
    assert composed.at_target_date == 55.0
    assert composed.gap == 1.0
    assert composed.reaches_target is False
    assert "does not yet reach the target by 1.0" in C.gap_sentence(composed)


def test_trend_and_lower_is_better_target():
    # 100 at baseline, drifting up 1 a quarter; one strategy cuts 12 over 3 quarters from 2025Q1.
    composed = C.compose(
        kind="Q",
        baseline_date=date(2024, 12, 31),
        baseline_value=100.0,
        until=date(2025, 12, 31),
        contributions=[C.Contribution("cut", date(2025, 1, 1), -12.0, C.LINEAR, 3)],
        trend_per_period=1.0,
        target_value=95.0,
        direction="down",
    )
    assert [r.total for r in composed.rows] == [101 - 4, 102 - 8, 103 - 12, 104 - 12]
    assert composed.gap == 0.0 and composed.reaches_target
    assert C.gap_sentence(composed).startswith("The plan reaches the target")


def test_s_curve_is_slow_fast_slow_and_ends_at_full_effect():
    c = C.Contribution("s", date(2025, 1, 1), 10.0, C.S_CURVE, 4)
    values = [
        C.contribution_at(c, "M", d)
        for d in (date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30), date(2025, 9, 30))
    ]
    assert values[0] < 2.5 and values[1] == pytest.approx(5.0) and values[2] > 7.5
    assert values[3] == values[4] == 10.0


def test_effect_stops_at_its_end_date():
    c = C.Contribution("pilot", date(2025, 1, 1), 3.0, C.IMMEDIATE, end=date(2025, 2, 28))
    assert [C.contribution_at(c, "M", d) for d in (date(2024, 12, 31), date(2025, 1, 31), date(2025, 3, 31))] == [
        0,
        3,
        0,
    ]


def test_bad_contributions_are_refused_with_the_reason():
    with pytest.raises(C.CompositionError, match="ends .* before it starts"):
        C.Contribution("x", date(2025, 5, 1), 1.0, end=date(2025, 4, 1))
    with pytest.raises(C.CompositionError, match="at least one period"):
        C.Contribution("x", date(2025, 5, 1), 1.0, C.LINEAR, 0)
    with pytest.raises(C.CompositionError, match="unknown ramp"):
        C.Contribution("x", date(2025, 5, 1), 1.0, "sideways")


def test_trend_per_period_is_the_least_squares_slope():
    assert C.trend_per_period([1, 2, 3, 4]) == 1.0
    assert C.trend_per_period([10, 8, 9, 7]) == pytest.approx(-0.8)
    assert C.trend_per_period([5]) == 0.0


def test_stepping_along_periods_agrees_with_counting_each_one():
    cs = [
        C.Contribution("early", date(2023, 6, 15), 2.0, C.LINEAR, 30),
        C.Contribution("late", date(2025, 2, 10), -1.0, C.S_CURVE, 5, end=date(2025, 9, 30)),
        C.Contribution("now", date(2025, 1, 1), 1.5, C.IMMEDIATE),
    ]
    for kind in ("W", "M", "Q"):
        composed = C.compose(
            kind=kind, baseline_date=date(2024, 12, 31), baseline_value=0.0, until=date(2026, 6, 30), contributions=cs
        )
        for row in composed.rows:
            assert row.parts == tuple(C.contribution_at(c, kind, row.period.end) for c in cs)
