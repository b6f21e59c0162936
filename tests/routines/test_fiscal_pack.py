"""A fiscal-quarter indicator in a meeting's pack and a round's report (issue 16, fiscal calendars): the page,
the PDF, the Excel workbook and the API print "2025/26 Q4", not the code 2025AprilQ4; the API keeps the code."""

import io
from datetime import date

import pytest
from django.template.loader import render_to_string

from stocktake.architecture.actions import ensure_period
from stocktake.architecture.models import OrgUnit
from stocktake.routines import actions, pack
from tests.factories import indicator, record

QUARTERS = ["2024AprilQ4", "2025AprilQ1", "2025AprilQ2", "2025AprilQ3", "2025AprilQ4"]
CODE, LABEL = "2025AprilQ4", "2025/26 Q4"


@pytest.fixture
def meeting(db, person):
    ind = indicator("fq-pack", frequency="FQ", aggregation="sum", report_depth=3, completeness=0.01, target=(30, 90))
    districts = [r.children.order_by("code").first() for r in OrgUnit.objects.filter(depth=2).order_by("code")[:2]]
    for k, code in enumerate(QUARTERS):
        for d in districts:
            record(ind, d, ensure_period(code), 10 + k, state="validated")
    record(ind, districts[0], ensure_period("2026AprilQ1"), 40)  # submitted only: the provisional figure
    priority = ind.outcome.priority
    routine = actions.create_routine(
        name="Fiscal stocktake",
        kind="stocktake",
        chair=person("pm"),
        frequency="monthly",
        starts_on=date(2026, 5, 4),
        priorities=[priority],
    )
    return actions.create_meeting(routine=routine, date=date(2026, 5, 4), priorities=[priority])


def test_the_pack_prints_fiscal_quarters_in_words(meeting):
    body = render_to_string("routines/_pack_body.html", pack.build(meeting))
    assert LABEL in body and "2026/27 Q1" in body  # the latest, and the provisional note beneath it
    assert CODE not in body and "2026AprilQ1" not in body


def test_the_pack_pdf_and_api_carry_the_label(meeting, sign_in):
    from pypdf import PdfReader

    c = sign_in("duhead")
    response = c.get(f"/routines/meetings/{meeting.pk}/pack.pdf")
    assert response.status_code == 200
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert LABEL in text and CODE not in text
    figure = next(f for f in c.get(f"/api/routines/meetings/{meeting.pk}/pack").json()["figures"])
    assert (figure["latest_period"], figure["latest_period_label"]) == (CODE, LABEL)
    assert (figure["provisional_period"], figure["provisional_period_label"]) == ("2026AprilQ1", "2026/27 Q1")


def test_the_report_workbook_names_the_period_in_words(meeting, sign_in):
    from openpyxl import load_workbook

    ind = meeting.priorities.first().outcomes.first()
    rnd = actions.create_round(name="Fiscal round", date=date(2026, 5, 10))
    actions.assess(rnd, ind, likelihood=3, likelihood_rationale="On the way")
    response = sign_in("duhead").get(f"/routines/rounds/{rnd.pk}/report.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["Indicators"]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    period = rows[0].index("Latest period")
    mine = next(r for r in rows if r[1] == "fq-pack")
    assert mine[period] == LABEL
