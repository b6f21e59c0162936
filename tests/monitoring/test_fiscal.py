"""Fiscal calendars on the monitoring side: monthly values rolled up into fiscal quarters and financial years
(partial when built from fewer months than they have), the indicator page's frequency switch, and the API."""

import json
import re

import pytest

from stocktake.architecture import actions as architecture_actions
from stocktake.architecture.models import OrgUnit
from stocktake.delivery import periods as P
from stocktake.monitoring import actions, rollups, series
from tests.factories import indicator

# April 2024 to February 2026: financial year 2024/25 whole, 2025/26 from 11 of its 12 months.
MONTHS = [p.code for p in P.between(P.MONTH, P.parse("2024-04").start, P.parse("2026-02").start)]


def _values(ind, unit, months, state="validated", ratio=False):
    """One value per month at the unit: month i (from 0) is 10 + i, or (10 + i) of 100 for a ratio."""
    rows = []
    for i, code in enumerate(months):
        period = architecture_actions.ensure_period(code)
        num = {"value": None, "numerator": 10.0 + i, "denominator": 100.0 + 50 * i} if ratio else {}
        rows.append(
            {
                "indicator_id": ind.pk,
                "org_unit_id": unit.pk,
                "period_id": period.pk,
                "disaggregation": "",
                "value": None if ratio else 10.0 + i,
                "numerator": None,
                "denominator": None,
                "comment": "",
                **num,
            }
        )
    actions.record_values(rows, state=state, interface="system")


@pytest.fixture
def monthly(db):
    ind = indicator("fy-clinics", aggregation="sum", report_depth=3)
    district = OrgUnit.objects.filter(depth=3).order_by("code").first()
    _values(ind, district, MONTHS)
    return ind, district


def test_months_sum_into_financial_years_and_fiscal_quarters_marked_partial_when_short(monthly):
    ind, district = monthly
    nation = OrgUnit.objects.get(code="NAT")
    fy = {r["period__code"]: r for r in series.rows_at(ind, nation, P.FINANCIAL_YEAR)}
    assert list(fy) == ["2024April", "2025April"]
    assert fy["2024April"]["value"] == sum(10 + i for i in range(12))
    assert fy["2025April"]["value"] == sum(10 + i for i in range(12, 23))
    assert (fy["2024April"]["parts"], fy["2024April"]["parts_expected"]) == (12, 12)
    assert (fy["2025April"]["parts"], fy["2025April"]["parts_expected"]) == (11, 12)
    assert series.partial_of(fy["2024April"]) is None
    short = series.partial_of(fy["2025April"])
    assert (short.reason, short.parts, short.parts_expected) == ("fewer_parts", 11, 12)
    fq = {r["period__code"]: r for r in series.rows_at(ind, nation, P.FISCAL_QUARTER)}
    # 2025/26 Q4 is January to March 2026: two months of it, never the calendar quarter 2026Q1
    assert "2026Q1" not in fq and fq["2025AprilQ4"]["value"] == (10 + 21) + (10 + 22)
    assert (fq["2025AprilQ4"]["parts"], fq["2025AprilQ4"]["parts_expected"]) == (2, 3)
    assert fq["2024AprilQ1"]["value"] == 10 + 11 + 12
    assert series.partial_of(fq["2024AprilQ1"]) is None
    # the calendar kinds still come out as before
    years = {r["period__code"]: r["value"] for r in series.rows_at(ind, nation, P.YEAR)}
    assert years["2025"] == sum(10 + i for i in range(9, 21))
    # the rollup's own per-part reader agrees
    assert rollups.read(ind, nation, P.parse("2024April")) == fy["2024April"]["value"]


def test_a_ratio_rolls_into_a_financial_year_as_summed_numerators_over_summed_denominators(db):
    ind = indicator("fy-share", aggregation="ratio", ratio_scale=100, unit="%", report_depth=3)
    district = OrgUnit.objects.filter(depth=3).order_by("code").first()
    _values(ind, district, MONTHS[:12], ratio=True)
    row = series.rows_at(ind, OrgUnit.objects.get(code="NAT"), P.FINANCIAL_YEAR)[0]
    num = sum(10 + i for i in range(12))
    den = sum(100 + 50 * i for i in range(12))
    assert row["value"] == pytest.approx(100 * num / den)
    assert row["value"] != pytest.approx(sum(100 * (10 + i) / (100 + 50 * i) for i in range(12)) / 12)


def test_a_financial_year_with_a_month_not_yet_validated_is_not_official(monthly):
    ind, district = monthly
    _values(ind, district, ["2026-03"], state="submitted")
    rows = {r["period__code"]: r for r in series.rows_at(ind, OrgUnit.objects.get(code="NAT"), P.FINANCIAL_YEAR)}
    assert rows["2025April"]["parts"] == 12 and series.partial_of(rows["2025April"]) is None
    assert rows["2025April"]["value"] == sum(10 + i for i in range(12, 23)) + 10
    assert rows["2025April"]["official_value"] is None  # one of its months is only submitted
    assert rows["2024April"]["official_value"] == rows["2024April"]["value"]


def _table(html):
    return re.findall(r'<tr data-period="([^"]+)"><td>([^<]+)', html)


def test_the_indicator_page_switches_frequency_and_labels_fiscal_periods_in_words(monthly, sign_in):
    ind, _ = monthly
    c = sign_in("manager")
    page = c.get(f"/indicators/{ind.code}/").content.decode()
    assert 'id="frequency-switch"' in page
    for kind in ("Q", "FQ", "Y", "FY"):
        assert f'data-frequency="{kind}"' in page
    assert len(_table(page)) == len(MONTHS)
    fy = c.get(f"/indicators/{ind.code}/?frequency=FY").content.decode()
    assert _table(fy) == [("2025April", "Financial year 2025/26 "), ("2024April", "Financial year 2024/25")]
    row = fy[fy.index('data-period="2025April"') :].split("</tr>")[0]
    assert "partial" in row and "built from 11 of its 12 sub-periods" in row
    assert "partial" not in fy[fy.index('data-period="2024April"') :].split("</tr>")[0]
    assert '<strong aria-current="true" data-frequency="FY">' in fy
    spec = json.loads(re.search(r'<script id="trajectory-spec" type="application/json">(.*?)</script>', fy, re.S)[1])
    actuals = [v for v in spec["layer"][0]["data"]["values"] if v["series"] == "Actual"]
    assert len(actuals) == 2  # the chart is at the switch's frequency too
    fq = c.get(f"/indicators/{ind.code}/?frequency=FQ").content.decode()
    labels = dict(_table(fq))
    assert labels["2025AprilQ4"].startswith("2025/26 Q4") and "2026Q1" not in labels
    csv = c.get(f"/indicators/{ind.code}/?frequency=FQ&format=csv").content.decode()
    assert "2025/26 Q4" in csv and "2025AprilQ4" not in csv and "2026Q1" not in csv  # a file for people


def test_the_indicator_page_refuses_a_frequency_it_cannot_show_naming_the_field(monthly, sign_in):
    ind, _ = monthly
    c = sign_in("manager")
    for bad in ("D", "nonsense"):
        response = c.get(f"/indicators/{ind.code}/?frequency={bad}")
        assert response.status_code == 400
        assert "frequency" in response.content.decode()


def test_the_api_gives_the_series_at_each_frequency(monthly, sign_in):
    ind, _ = monthly
    c = sign_in("manager")
    body = c.get(f"/api/monitoring/indicators/{ind.code}/series?frequency=FY").json()
    assert body["frequency"] == "FY" and body["frequencies"] == ["M", "Q", "FQ", "Y", "FY"]
    points = {p["period"]: p for p in body["points"]}
    assert points["2025April"]["label"] == "Financial year 2025/26"
    assert points["2025April"]["partial"] and (points["2025April"]["parts"], points["2025April"]["parts_expected"]) == (
        11,
        12,
    )
    assert not points["2024April"]["partial"] and points["2024April"]["value"] == sum(10 + i for i in range(12))
    months = c.get(f"/api/monitoring/indicators/{ind.code}/series").json()
    assert months["frequency"] == "M" and len(months["points"]) == len(MONTHS)
    assert months["points"][0]["parts"] is None
    fq = c.get(f"/api/monitoring/indicators/{ind.code}/series?frequency=FQ").json()
    assert [p["label"] for p in fq["points"]][-1] == "2025/26 Q4"
    refused = c.get(f"/api/monitoring/indicators/{ind.code}/series?frequency=D")
    assert refused.status_code == 400 and "frequency" in refused.json()["detail"]
    assert c.get(f"/api/monitoring/indicators/{ind.code}/series?frequency=XX").status_code in (400, 422)
    schema = c.get("/api/openapi.json").json()
    params = schema["paths"]["/api/monitoring/indicators/{code}/series"]["get"]["parameters"]
    freq = next(p for p in params if p["name"] == "frequency")
    assert "FQ" in json.dumps(freq["schema"]) and "FY" in json.dumps(freq["schema"])


def test_the_rollups_api_takes_a_frequency_as_the_series_api_does(monthly, sign_in):
    ind, _ = monthly
    c = sign_in("manager")
    fq = c.get(f"/api/collection/rollups/{ind.code}/NAT?frequency=FQ").json()
    last = fq[-1]
    assert (last["period"], last["label"], last["value"]) == ("2025AprilQ4", "2025/26 Q4", (10 + 21) + (10 + 22))
    assert last["partial"] and "2 of its 3" in last["partial_reason"]
    fy = {p["period"]: p for p in c.get(f"/api/collection/rollups/{ind.code}/NAT?frequency=FY").json()}
    assert fy["2024April"]["label"] == "Financial year 2024/25" and not fy["2024April"]["partial"]
    assert c.get(f"/api/collection/rollups/{ind.code}/NAT?kind=FY").json() == list(fy.values())  # the older name
    refused = c.get(f"/api/collection/rollups/{ind.code}/NAT?frequency=D")
    assert refused.status_code == 400 and refused.json()["detail"].startswith("frequency:")
    assert c.get(f"/api/collection/rollups/{ind.code}/NAT?frequency=XX").status_code in (400, 422)
    schema = c.get("/api/openapi.json").json()
    params = schema["paths"]["/api/collection/rollups/{indicator}/{unit}"]["get"]["parameters"]
    freq = next(p for p in params if p["name"] == "frequency")
    assert "FQ" in json.dumps(freq["schema"]) and freq["description"]
