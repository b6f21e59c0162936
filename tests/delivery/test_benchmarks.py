from datetime import date

import pytest

from stocktake.delivery import benchmarks as B


def test_percentile_interpolates_like_numpy():
    assert B.percentile([1, 2, 3, 4, 5], 0.8) == pytest.approx(4.2)
    assert B.percentile([7], 0.3) == 7
    with pytest.raises(B.BenchmarkError):
        B.percentile([], 0.5)


def test_history_extends_the_trend_before_the_baseline():
    pts = [(date(2020 + i, 3, 31), 50 + 2 * i) for i in range(5)]  # +2 a year to 2024
    h = B.history(pts + [(date(2025, 3, 31), 99)], date(2024, 3, 31), date(2027, 3, 31))
    assert h.points == 5 and h.slope_per_year == pytest.approx(2, abs=0.01)
    assert h.at_target_date == pytest.approx(64, abs=0.05)


def test_peers_rank_follows_direction():
    vals = {"a": 10, "b": 20, "c": 30, "d": 40, "e": 50}
    up = B.peers(vals, "up", "d")
    assert (up.best, up.worst, up.rank, up.p80) == (50, 10, 2, pytest.approx(42))
    down = B.peers(vals, "down", "d")
    assert (down.best, down.worst, down.rank, down.p80) == (10, 50, 4, pytest.approx(18))


def test_what_if_recomputes_a_ratio_from_its_parts():
    # two small units at 50%, one big at 90%: the 80th percentile is 74
    rows = [(50.0, 100), (50.0, 100), (90.0, 800)]
    bar, whole = B.what_if_every_unit_reached(rows, "ratio", "up", scale=100)
    assert bar == pytest.approx(74)
    assert whole == pytest.approx((74 * 100 + 74 * 100 + 90 * 800) / 1000)  # weighted, not the mean 79.3
    bar, whole = B.what_if_every_unit_reached([(5, None), (10, None), (20, None)], "sum", "down")
    assert bar == pytest.approx(7)
    assert whole == pytest.approx(5 + 7 + 7)
