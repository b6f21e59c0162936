"""Data-quality rules: MAD outliers against a unit's own history, jumps, completeness and timeliness."""

from datetime import date

from stocktake.delivery import quality as Q


def test_outlier_is_judged_against_the_median_absolute_deviation():
    history = [100, 104, 98, 101, 97, 103, 99]
    assert Q.outlier(102, history) is None
    w = Q.outlier(160, history)
    assert w.rule == "outlier" and "median absolute deviations" in w.message


def test_one_old_typo_does_not_hide_the_next_outlier():
    # a standard deviation would be inflated by the 10,000 typo; the MAD is not
    history = [100, 104, 98, 10_000, 97, 103, 99]
    assert Q.outlier(150, history) is not None


def test_short_history_gives_no_outlier_verdict():
    assert Q.mad_score(500, [1, 2, 3]) is None


def test_jump_is_relative_to_last_period():
    assert Q.jump(100, 90) is None
    assert Q.jump(200, 100).message.startswith("200 is +100%")
    assert Q.jump(5, 0).rule == "jump"
    assert Q.jump(0, 0) is None


def test_completeness_and_timeliness():
    share, missing = Q.completeness(["a", "b", "c", "d"], ["a", "c"])
    assert share == 0.5 and missing == ["b", "d"]
    assert Q.days_late(date(2026, 11, 15), date(2026, 11, 14), date(2026, 11, 24)) == 0
    assert Q.days_late(date(2026, 11, 15), None, date(2026, 11, 24)) == 9
    assert Q.timeliness(date(2026, 11, 15), {"a": date(2026, 11, 20), "b": None}, date(2026, 11, 24)) == {
        "a": 5,
        "b": 9,
    }
