"""Financial years and fiscal quarters: their codes, the forms finance files write, and rolling up into them."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stocktake.delivery import periods as P

years = st.integers(min_value=P.MIN_YEAR, max_value=P.MAX_YEAR - 1)
quarters = st.integers(min_value=1, max_value=4)
starts = st.integers(min_value=1, max_value=12)


@given(years, quarters, starts)
def test_a_fiscal_quarter_code_reads_back_as_itself(y, q, start):
    p = P.fiscal_quarter(y, q, start)
    assert P.parse(p.code) == p
    assert P.parse(p.code.lower()) == p  # codes are read whatever their case, as calendar quarters are
    assert p.fy_start == start and P.fiscal_quarter_number(p) == q
    assert p.start.day == 1 and p.next().start == p.end + (date(2000, 1, 2) - date(2000, 1, 1))
    assert p.next().previous() == p


@given(years, starts)
def test_a_financial_year_code_reads_back_and_holds_its_four_quarters(y, start):
    fy = P.financial_year(y, start)
    assert P.parse(fy.code) == fy
    qs = [P.fiscal_quarter(y, q, start) for q in range(1, 5)]
    assert qs[0].start == fy.start and qs[-1].end == fy.end
    assert all(P.parent(q, P.FINANCIAL_YEAR) == fy for q in qs)
    assert [q.code for q in P.between(P.FISCAL_QUARTER, fy.start, fy.end, start)] == [q.code for q in qs]


@given(years, quarters, st.integers(min_value=2, max_value=12))
def test_the_forms_files_write_read_as_the_quarter_of_the_configured_year(y, q, start):
    expected = P.fiscal_quarter(y, q, start)
    yy = f"{y}/{(y + 1) % 100:02d}"
    for text in (f"{yy} Q{q}", f"{y}-{(y + 1) % 100:02d} Q{q}", f"Q{q} {yy}", f"FY{yy} Q{q}", f"{y}/{y + 1} Q{q}"):
        assert P.parse(text, start) == expected, text
    for text in (yy, f"FY{yy}", f"FY {y}-{(y + 1) % 100:02d}", f"{y}/{y + 1}"):
        assert P.parse(text, start) == P.financial_year(y, start), text
    assert P.fiscal_years(expected) == yy


def test_the_uk_quarter_2005_06_q4_is_january_to_march_2006_and_never_a_calendar_code():
    p = P.parse("2005/06 Q4")  # the default start month: April
    assert (p.kind, p.code, p.start, p.end) == ("FQ", "2005AprilQ4", date(2006, 1, 1), date(2006, 3, 31))
    assert p.code != P.quarter(2006, 1).code and p != P.quarter(2006, 1)
    assert P.parse("2005/06 Q1").next().code == "2005AprilQ2"
    assert P.parse("2005/06 Q4").next().code == "2006AprilQ1"
    assert P.parse("2005/06").code == "2005April"


def test_the_setting_decides_what_2005_06_means(monkeypatch):
    monkeypatch.setattr(P, "_financial_year_start", [7])
    assert P.financial_year_start() == 7
    fy = P.parse("FY2005/06")
    assert (fy.code, fy.start, fy.end) == ("2005July", date(2005, 7, 1), date(2006, 6, 30))
    assert P.containing(P.FISCAL_QUARTER, date(2006, 1, 15)).code == "2005JulyQ3"
    assert P.parse("2005AprilQ1").start == date(2005, 4, 1)  # a stored code keeps its own start month


def test_set_financial_year_start_refuses_a_month_that_is_not_one(monkeypatch):
    monkeypatch.setattr(P, "_financial_year_start", [4])
    with pytest.raises(P.PeriodError, match="1 to 12"):
        P.set_financial_year_start(13)
    assert P.financial_year_start() == 4


@pytest.mark.parametrize(
    "text,reason",
    [
        ("2005/07", "two years in a row"),
        ("2005/06 Q5", "not a period code"),
        ("Q0 2005/06", "not a period code"),
        ("2005AprilQ5", "not a period code"),
        ("2005FooQ1", "unknown financial-year month"),
        ("0005/06 Q1", "periods name the years"),
    ],
)
def test_bad_fiscal_forms_are_refused_with_the_reason(text, reason):
    with pytest.raises(P.PeriodError, match=reason):
        P.parse(text)


def test_a_january_financial_year_is_one_calendar_year_so_2005_06_is_refused():
    with pytest.raises(P.PeriodError, match="start in January"):
        P.parse("2005/06", 1)
    assert P.fiscal_years(P.financial_year(2005, 1)) == "2005"


def test_2005_06_with_a_hyphen_alone_is_still_june_2005():
    assert P.parse("2005-06").code == "2005-06"


def test_months_roll_into_fiscal_quarters_and_years_and_straddling_periods_do_not():
    assert P.parent(P.parse("2006-02"), P.FISCAL_QUARTER).code == "2005AprilQ4"
    assert P.parent(P.parse("2006-02"), P.FINANCIAL_YEAR).code == "2005April"
    assert P.parent(P.parse("2005AprilQ4"), P.YEAR).code == "2006"
    assert P.parent(P.parse("2006Q1"), P.FINANCIAL_YEAR).code == "2005April"
    with pytest.raises(P.PeriodError, match="across two"):
        P.parent(P.parse("2006Q2"), P.FINANCIAL_YEAR, fy_start=5)
    assert P.rolls_into(P.MONTH) == [P.QUARTER, P.FISCAL_QUARTER, P.YEAR, P.FINANCIAL_YEAR]
    assert P.FINANCIAL_YEAR not in P.rolls_into(P.QUARTER, fy_start=5)
    assert P.rolls_into(P.YEAR) == []
