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


def test_read_target_against_the_three_yardsticks_in_both_directions():
    from datetime import date

    from stocktake.delivery.benchmarks import BenchmarkError, History, read_target

    b, t0, t1 = 70.0, date(2024, 1, 1), date(2028, 1, 1)  # four years
    hist = History(slope_per_year=1.0, points=12, at_target_date=74.0)
    # 74 is what the old trend gives: a target of 74 asks for nothing
    r = {
        x.yardstick: x
        for x in read_target(
            baseline=b, baseline_date=t0, target=74, target_date=t1, direction="up", hist=hist, best=80, p80_whole=76
        )
    }
    assert r["history"].verdict == "modest" and "74" in r["history"].text
    assert r["peers"].verdict == "stretching" and "80" in r["peers"].text
    assert r["itself"].verdict == "modest"
    # 78: 2 a year, twice the old pace, short of the 80th-percentile whole
    r = {
        x.yardstick: x
        for x in read_target(
            baseline=b, baseline_date=t0, target=78, target_date=t1, direction="up", hist=hist, best=80, p80_whole=76
        )
    }
    assert r["history"].verdict == "stretching" and "+2 a year against +1 a year" in r["history"].text
    assert r["itself"].verdict == "stretching"
    # 90: 5 a year is more than three times the old pace, and beyond the best unit
    r = {
        x.yardstick: x
        for x in read_target(
            baseline=b, baseline_date=t0, target=90, target_date=t1, direction="up", hist=hist, best=80
        )
    }
    assert r["history"].verdict == "beyond" and r["peers"].verdict == "beyond" and "itself" not in r
    # lower is better: a falling old trend reaching 30 makes a target of 32 modest, and 20 beats the best unit (25)
    down = History(slope_per_year=-2.5, points=8, at_target_date=30.0)
    r = {
        x.yardstick: x
        for x in read_target(
            baseline=40, baseline_date=t0, target=32, target_date=t1, direction="down", hist=down, best=25, p80_whole=31
        )
    }
    assert r["history"].verdict == "modest" and r["itself"].verdict == "modest" and r["peers"].verdict == "stretching"
    r = {
        x.yardstick: x
        for x in read_target(
            baseline=40, baseline_date=t0, target=20, target_date=t1, direction="down", hist=down, best=25, p80_whole=31
        )
    }
    assert r["peers"].verdict == "beyond" and r["itself"].verdict == "stretching"
    assert read_target(baseline=40, baseline_date=t0, target=20, target_date=t1, direction="down") == []
    with pytest.raises(BenchmarkError):
        read_target(baseline=1, baseline_date=t1, target=2, target_date=t0, direction="up")
