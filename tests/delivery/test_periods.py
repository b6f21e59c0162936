from datetime import date

import pytest

from stocktake.delivery import periods as P


@pytest.mark.parametrize(
    "code,kind,start,end",
    [
        ("2026", "Y", date(2026, 1, 1), date(2026, 12, 31)),
        ("2026Q1", "Q", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026q4", "Q", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026-02", "M", date(2026, 2, 1), date(2026, 2, 28)),
        ("202402", "M", date(2024, 2, 1), date(2024, 2, 29)),
        ("2026W09", "W", date(2026, 2, 23), date(2026, 3, 1)),
        ("2026-03-15", "D", date(2026, 3, 15), date(2026, 3, 15)),
        ("2026April", "FY", date(2026, 4, 1), date(2027, 3, 31)),
    ],
)
def test_parse(code, kind, start, end):
    p = P.parse(code)
    assert (p.kind, p.start, p.end) == (kind, start, end)


@pytest.mark.parametrize(
    "code,reason",
    [
        ("2026-13", "months run 01 to 12"),
        ("2026-02-30", "not a real day"),
        ("2026W54", "no ISO week 54"),
        ("March 2026", "not a period code"),
        ("", "empty"),
        ("2026Foo", "unknown financial-year month"),
    ],
)
def test_parse_rejects_with_reason(code, reason):
    with pytest.raises(P.PeriodError, match=reason):
        P.parse(code)


def test_next_and_previous_cross_year_boundaries():
    assert P.parse("2025-12").next().code == "2026-01"
    assert P.parse("2026Q1").previous().code == "2025Q4"
    assert P.parse("2026W01").previous().code == "2025W52"
    assert P.parse("2026April").next().code == "2027April"


def test_between_and_parent():
    months = P.between("M", date(2025, 11, 5), date(2026, 2, 1))
    assert [m.code for m in months] == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert P.parent(P.parse("2026-05"), "Q").code == "2026Q2"
    assert P.parent(P.parse("2026-05"), "Y").code == "2026"
    # ISO week 1 of 2026 starts on Monday 29 Dec 2025 but belongs to January by its Thursday
    assert P.parent(P.parse("2026W01"), "M").code == "2026-01"
    with pytest.raises(P.PeriodError):
        P.parent(P.parse("2026Q1"), "M")
