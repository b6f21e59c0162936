"""A fiscal-quarter indicator reads in words wherever a person reads its periods (issue 16, fiscal calendars):
the portfolio, heat map and league table show "2025/26 Q4", not the code 2025AprilQ4; their CSV files too;
the APIs keep the code and carry the label beside it."""

import csv
import io
import re

import pytest

from stocktake.architecture.actions import ensure_period
from stocktake.architecture.models import OrgUnit
from tests.factories import indicator, record

QUARTERS = ["2024AprilQ4", "2025AprilQ1", "2025AprilQ2", "2025AprilQ3", "2025AprilQ4"]
CODE, LABEL = "2025AprilQ4", "2025/26 Q4"


@pytest.fixture
def quarterly(db):
    """Validated values in five fiscal quarters at three districts of different regions."""
    ind = indicator("fq-clinics", frequency="FQ", aggregation="sum", report_depth=3, completeness=0.01, target=(30, 90))
    districts = [r.children.order_by("code").first() for r in OrgUnit.objects.filter(depth=2).order_by("code")[:3]]
    for k, code in enumerate(QUARTERS):
        for i, d in enumerate(districts):
            record(ind, d, ensure_period(code), 10 + k + i, state="validated")
    return ind


def _visible(html: str) -> str:
    """The page's text a reader sees: tags (and their attributes) removed."""
    return re.sub(r"<[^>]+>", " ", html)


def test_the_portfolio_prints_the_fiscal_quarter_in_words(quarterly, sign_in):
    page = sign_in("manager").get("/").content.decode()
    row = page[page.index('data-indicator="fq-clinics"') :].split("</tr>")[0]
    assert LABEL in _visible(row) and CODE not in _visible(row)


def test_the_portfolio_csv_and_api_carry_the_label_and_the_api_the_code_too(quarterly, sign_in):
    c = sign_in("manager")
    rows = list(csv.DictReader(io.StringIO(c.get("/?format=csv").content.decode("utf-8-sig"))))
    mine = next(r for r in rows if r["Indicator"] == "fq-clinics")
    assert mine["Period"] == LABEL
    api = next(r for r in c.get("/api/monitoring/portfolio").json() if r["indicator"] == "fq-clinics")
    assert (api["period"], api["period_label"]) == (CODE, LABEL)


def test_the_heat_map_heads_its_columns_with_labels_keeping_codes_for_programs(quarterly, sign_in):
    c = sign_in("manager")
    page = c.get("/monitoring/heatmap/fq-clinics/").content.decode()
    head = page[page.index('id="heatmap"') :].split("</thead>")[0]
    assert f'data-period="{CODE}"' in head and LABEL in _visible(head) and CODE not in _visible(head)
    header = c.get("/monitoring/heatmap/fq-clinics/?format=csv").content.decode("utf-8-sig").splitlines()[0]
    assert f"{LABEL} value" in header and CODE not in header
    api = c.get("/api/monitoring/indicators/fq-clinics/heatmap").json()
    assert api["periods"][-1] == CODE
    assert (api["period_coverage"][-1]["code"], api["period_coverage"][-1]["label"]) == (CODE, LABEL)


def test_the_league_table_offers_periods_in_words_and_its_api_the_label_beside_the_code(quarterly, sign_in):
    c = sign_in("manager")
    page = c.get("/monitoring/league/fq-clinics/").content.decode()
    assert re.search(rf'<option value="{CODE}"[^>]*>{re.escape(LABEL)}</option>', page)
    assert CODE not in _visible(page)
    rows = c.get("/api/monitoring/indicators/fq-clinics/league").json()
    assert rows and {(r["period"], r["period_label"]) for r in rows} == {(CODE, LABEL)}
