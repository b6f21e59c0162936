"""Coverage and partial periods: when a figure stands for the whole, and when a period is whole."""

from datetime import date

import pytest

from stocktake.delivery import coverage as C


def test_the_default_rule_needs_nine_in_ten_units():
    assert C.Coverage(86, 96).meets() is False  # 89.6%
    assert C.Coverage(87, 96).meets() is True  # ceil(86.4) = 87
    assert C.Coverage(87, 96).needed() == 87
    assert C.Coverage(4, 96).share == pytest.approx(4 / 96)


def test_a_rule_is_a_share_and_unknown_coverage_counts_as_whole():
    assert C.Coverage(1, 2).meets(0.5) and not C.Coverage(1, 2).meets(0.51)
    assert C.Coverage(1, 1).meets(1.0)
    assert C.Coverage(3, 0).meets() and C.Coverage(3, 0).share is None
    with pytest.raises(C.CoverageError, match="above 0 and at most 1"):
        C.Coverage(1, 2).meets(1.5)
    with pytest.raises(C.CoverageError):
        C.check_rule(0)


def test_latest_complete_skips_a_newer_month_from_a_handful_of_units():
    rows = [(96, 96), (95, 96), (4, 96)]
    assert C.latest_complete(rows) == 1
    assert C.latest_complete([(4, 96)]) is None
    assert C.latest_complete([(0, 0)]) is None  # nothing reported is never a figure


def test_partial_periods_not_ended_or_from_fewer_parts():
    today = date(2026, 12, 1)
    assert C.partial(date(2026, 10, 1), date(2026, 10, 31), today) is None
    now = C.partial(date(2026, 12, 1), date(2026, 12, 31), today)
    assert now is not None and now.reason == C.NOT_ENDED and now.ends == date(2026, 12, 31)
    year = C.partial(date(2025, 1, 1), date(2025, 12, 31), today, parts=3, parts_expected=12)
    assert year == C.Partial(C.FEWER_PARTS, 3, 12, date(2025, 12, 31))
    assert C.partial(date(2025, 1, 1), date(2025, 12, 31), today, parts=12, parts_expected=12) is None
