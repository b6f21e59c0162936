"""Partial periods are marked in packs and reports too (issue 16, partial periods): a latest figure for a
period not yet ended says "partial" beside it on the pack, in the pack's PDF and in the report's workbook."""

import io
import re
from datetime import date

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from stocktake.architecture.actions import ensure_period
from stocktake.architecture.models import OrgUnit
from stocktake.delivery import periods as P
from stocktake.routines import actions, pack
from tests.factories import indicator, record


@pytest.fixture
def meeting(db, person):
    """Validated values for this month (not ended: it ends today at the earliest) and the two before it."""
    ind = indicator("partial-beds", aggregation="sum", report_depth=3, completeness=0.01, target=(30, 90))
    district = OrgUnit.objects.filter(depth=3).order_by("code").first()
    month = P.containing(P.MONTH, timezone.localdate())
    for k, p in enumerate([month.previous().previous(), month.previous(), month]):
        record(ind, district, ensure_period(p), 40 + k, state="validated")
    priority = ind.outcome.priority
    routine = actions.create_routine(
        name="Partial stocktake",
        kind="stocktake",
        chair=person("pm"),
        frequency="monthly",
        starts_on=date(2026, 1, 5),
        priorities=[priority],
    )
    return actions.create_meeting(routine=routine, date=timezone.localdate(), priorities=[priority]), month


def _row(html, code):
    return html[html.index(f'data-indicator="{code}"') :].split("</tr>")[0]


def test_the_pack_and_its_pdf_mark_a_latest_figure_whose_period_has_not_ended(meeting, sign_in):
    from pypdf import PdfReader

    meeting, month = meeting
    row = _row(render_to_string("routines/_pack_body.html", pack.build(meeting)), "partial-beds")
    assert month.code in row and re.search(r'class="partial-note">partial<', row)
    response = sign_in("duhead").get(f"/routines/meetings/{meeting.pk}/pack.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert re.search(rf"{month.code}\s+partial", text)  # beside the latest period, in the performance table


def test_the_report_page_and_workbook_mark_it_too(meeting, sign_in):
    from openpyxl import load_workbook

    meeting, month = meeting
    outcome = meeting.priorities.first().outcomes.first()
    rnd = actions.create_round(name="Partial round", date=timezone.localdate())
    actions.assess(rnd, outcome, likelihood=3, likelihood_rationale="On the way")
    client = sign_in("duhead")
    page = client.get(f"/routines/rounds/{rnd.pk}/report/").content.decode()
    assert re.search(r'class="partial-note">partial<', _row(page, "partial-beds"))
    sheet = load_workbook(io.BytesIO(client.get(f"/routines/rounds/{rnd.pk}/report.xlsx").content))["Indicators"]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    head, mine = rows[0], next(r for r in rows if r[1] == "partial-beds")
    assert mine[head.index("Partial")] == "yes" and "not ended" in mine[head.index("Partial reason")]
