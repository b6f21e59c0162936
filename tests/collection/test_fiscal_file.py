"""A real quarterly file in UK financial quarters ("2005/06 Q1") imports through a saved column mapping,
its periods read by delivery.periods as fiscal quarters, and shows as such (never as calendar quarters)."""

import csv

import pytest

from stocktake.architecture.models import OrgUnit, Period
from stocktake.collection import actions
from stocktake.delivery import periods as P
from stocktake.monitoring import rollups
from stocktake.monitoring.models import DataValue
from tests.factories import indicator

from .conftest import FILES

SAMPLE = FILES / "fiscal" / "england_ae_quarterly_2004_2007.csv"  # files/fiscal/README.md
MAPPING = {
    "org_unit": "org_unit",
    "period": "quarter",
    "indicators": [
        {"indicator": "eng-ae-attendances", "value": "total_attendances"},
        {"indicator": "eng-ae-type1-4h", "value": "pct_within4_type1"},
    ],
}


def _with_england(data: bytes, unit: str = "NHS-ENG") -> bytes:
    """The national file has no org unit column (a constant unit in a mapping is issue 16 item 9's work):
    the test puts England in a first column of its own and leaves every published cell as it is."""
    lines = data.decode().splitlines()
    return "\n".join([f"org_unit,{lines[0]}"] + [f"{unit},{line}" for line in lines[1:]]).encode() + b"\n"


def _published():
    with open(SAMPLE, newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def quarterly(db, users):
    indicator("eng-ae-attendances", aggregation="sum", frequency=P.FISCAL_QUARTER, report_depth=2, min_value=0)
    indicator(
        "eng-ae-type1-4h", aggregation="mean", frequency=P.FISCAL_QUARTER, report_depth=2, unit="%", max_value=100
    )
    OrgUnit.objects.create(code="NHS-ENG", name="NHS England", parent=OrgUnit.objects.get(code="NAT"))
    return actions.save_column_mapping(
        name="england-ae-quarterly", config=MAPPING, user=users["admin"], interface="system"
    )


def test_a_file_in_financial_quarters_imports_and_keeps_its_fiscal_periods(quarterly, run):
    batch = run(_with_england(SAMPLE.read_bytes()), name=SAMPLE.name, mapping=quarterly)
    assert batch.status == "done" and batch.rows_rejected == 0, (batch.message, batch.errors[:5])
    rows = _published()
    assert batch.created == 2 * len(rows) == 24
    q4 = DataValue.objects.select_related("period").get(
        indicator__code="eng-ae-attendances", org_unit__code="NHS-ENG", period__code="2005AprilQ4"
    )
    assert q4.value == 4549360  # the published "2005/06 Q4" row
    assert (q4.period.kind, q4.period.start.isoformat(), q4.period.end.isoformat()) == (
        "FQ",
        "2006-01-01",
        "2006-03-31",
    )
    assert q4.period.label == "2005/06 Q4"
    assert not Period.objects.filter(kind=P.QUARTER, code__in=["2006Q1", "2005Q1"]).exists()
    for row in rows:  # every row landed on the fiscal quarter it names
        code = P.parse(row["quarter"]).code
        assert DataValue.objects.get(indicator__code="eng-ae-attendances", period__code=code).value == float(
            row["total_attendances"]
        )
    # the same rows written the other ways finance files write them are the same periods: nothing changes
    other = SAMPLE.read_text().replace("2005/06 Q1", "2005-06 Q1").replace("2006/07 Q2", "Q2 2006/07")
    again = run(_with_england(other.encode()), name="other-forms.csv", mapping=quarterly)
    assert again.status == "done" and (again.created, again.changed) == (0, 0), (again.message, again.errors[:3])


def test_its_quarters_roll_into_financial_years_and_show_in_words(quarterly, run, sign_in):
    run(_with_england(SAMPLE.read_bytes()), name=SAMPLE.name, mapping=quarterly)
    ind_total = DataValue.objects.filter(indicator__code="eng-ae-attendances").first().indicator
    england = OrgUnit.objects.get(code="NHS-ENG")
    rows = _published()
    year = sum(float(r["total_attendances"]) for r in rows if r["fiscal_year"] == "2005/06")
    assert rollups.read(ind_total, england, P.parse("FY2005/06")) == pytest.approx(year)
    c = sign_in("manager")
    page = c.get("/indicators/eng-ae-attendances/?unit=NHS-ENG").content.decode()
    assert ">2005/06 Q4<" in page and "2006Q1" not in page and "2005AprilQ4<" not in page
    assert "Latest (2006/07 Q4)" in page or "Newer data for 2006/07 Q4 " in page  # the cards, in words too
    assert 'data-frequency="FY"' in page
    fy = c.get("/indicators/eng-ae-attendances/?unit=NHS-ENG&frequency=FY").content.decode()
    assert fy.count("Financial year 20") == 3 and "Financial year 2005/06" in fy
    api = c.get("/api/monitoring/indicators/eng-ae-type1-4h/series?unit=NHS-ENG&frequency=FY").json()
    points = {p["label"]: p for p in api["points"]}
    share = [float(r["pct_within4_type1"]) for r in rows if r["fiscal_year"] == "2006/07"]
    assert points["Financial year 2006/07"]["value"] == pytest.approx(sum(share) / 4)
    assert not points["Financial year 2006/07"]["partial"]


def test_a_quarter_naming_two_years_not_in_a_row_is_refused_with_the_row_and_reason(quarterly, run):
    bad = SAMPLE.read_text().replace("2005/06 Q2", "2005/07 Q2")
    batch = run(_with_england(bad.encode()), name="typo.csv", mapping=quarterly)
    errors = [e for e in batch.errors if "two years in a row" in str(e)]
    assert errors and "2005/07" in str(errors[0]), batch.errors[:3]
    assert errors[0]["column"] == "period" and errors[0]["row"] == 7, errors[0]  # the file's row 7 (header is 1)
    assert not DataValue.objects.filter(period__code="2005AprilQ2").exists()
