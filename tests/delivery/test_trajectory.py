from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stocktake.delivery import trajectory as T

TARGET = T.Target(date(2024, 3, 31), 70.0, date(2027, 3, 31), 95.0)


def test_linear_interpolates_by_date():
    path = T.interpolate(TARGET, "Y")
    # 2024 ends 275 days after the baseline; the span is 1095 days
    assert [p.code for p, _ in path] == ["2025", "2026", "2027"]
    assert path[0][1] == pytest.approx(70 + 25 * (640 / 1095))
    assert path[-1][1] == 95.0


def test_monthly_path_ends_exactly_on_target_and_starts_after_baseline():
    path = T.interpolate(TARGET, "M")
    assert path[0][0].code == "2024-04"
    assert path[-1][0].code == "2027-03"
    assert path[-1][1] == 95.0
    assert len(path) == 36
    assert path[0][1] == pytest.approx(70 + 25 * 30 / 1095)


def test_s_curve_is_slow_then_fast_then_slow_and_hits_both_ends():
    assert T.fraction_of_change(0, T.S_CURVE) == pytest.approx(0)
    assert T.fraction_of_change(1, T.S_CURVE) == pytest.approx(1)
    assert T.fraction_of_change(0.5, T.S_CURVE) == pytest.approx(0.5)
    assert T.fraction_of_change(0.1, T.S_CURVE) < 0.1
    assert T.fraction_of_change(0.9, T.S_CURVE) > 0.9


def test_staged_goes_through_its_stages():
    stages = [(0.25, 0.1), (0.75, 0.8)]
    assert T.fraction_of_change(0.25, T.STAGED, stages) == pytest.approx(0.1)
    assert T.fraction_of_change(0.5, T.STAGED, stages) == pytest.approx(0.45)
    assert T.fraction_of_change(0.875, T.STAGED, stages) == pytest.approx(0.9)


def test_bad_inputs_are_refused():
    with pytest.raises(T.TrajectoryError, match="after the baseline"):
        T.Target(date(2026, 1, 1), 1, date(2025, 1, 1), 2)
    with pytest.raises(T.TrajectoryError, match="between 0 and 1"):
        T.fraction_of_change(0.5, T.STAGED, [(1.5, 0.5)])
    with pytest.raises(T.TrajectoryError, match="unknown trajectory method"):
        T.fraction_of_change(0.5, "zigzag")


@given(st.floats(0, 1), st.floats(0, 1), st.sampled_from([T.LINEAR, T.S_CURVE]))
def test_paths_never_go_backwards(a, b, method):
    lo, hi = sorted([a, b])
    assert T.fraction_of_change(lo, method) <= T.fraction_of_change(hi, method) + 1e-12
