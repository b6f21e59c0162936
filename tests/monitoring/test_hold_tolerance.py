"""A target to hold a level is judged by the indicator's tolerance, in its own unit (issue 16, item 8)."""

from stocktake.monitoring import series
from tests.factories import indicator, record


def _standard(tolerance):
    ind = indicator("hold-98", target=(98, 98), report_depth=1, unit="%", aggregation="mean", hold_tolerance=tolerance)
    record(ind, "NAT", "2024-06", 98.0, state="validated")
    record(ind, "NAT", "2026-06", 97.4, state="validated")
    return ind


def test_97_4_against_a_98_standard_with_tolerance_half_a_point_is_not_on_track(db):
    summary = series.summarise(_standard(0.5), basis=series.INSIDE)
    assert summary.latest == 97.4
    assert summary.status.code == "slightly_off"


def test_without_a_tolerance_one_percent_of_the_level_is_on_track(db):
    assert series.summarise(_standard(None)).status.code == "on_track"  # 0.6 short of 98, within 0.98
