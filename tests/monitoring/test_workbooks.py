"""The Excel downloads open ready to read: numbers in their unit, dates as dates, fitted widths, a frozen bold
header, names beside codes and a chart where it helps. Read back with openpyxl, as a spreadsheet would."""

import io

import pytest
from openpyxl import load_workbook

from tests.factories import sign_in

pytestmark = pytest.mark.django_db


def workbook(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return load_workbook(io.BytesIO(response.content))


def column(ws, header):
    headers = [c.value for c in ws[1]]
    return headers.index(header) + 1


def rows_where(ws, header, value):
    col = column(ws, "Indicator")
    return [r for r in ws.iter_rows(min_row=2) if r[col - 1].value == value]


def test_portfolio_workbook_formats_each_row_in_its_indicators_unit():
    # the portfolio is for people signed in (an anonymous visitor's / is the public site); an observer reads
    # published values only, as the public did
    wb = workbook(sign_in("observer"), "/?format=xlsx")
    ws = wb.worksheets[0]
    latest = column(ws, "Latest")
    (ae,) = rows_where(ws, "Indicator", "A&E patients seen within four hours") or [None]
    assert ae is not None
    assert ae[latest - 1].number_format == '#,##0.0"%"'
    assert ae[column(ws, "Indicator code") - 1].value == "ae-4h"  # the code beside the name, for look-ups
    homicides = [r for r in ws.iter_rows(min_row=2) if r[column(ws, "Unit") - 1].value == "count"]
    assert homicides and all(r[latest - 1].number_format == "#,##0" for r in homicides if r[latest - 1].value)
    share = column(ws, "Shortfall (% of planned change)")
    assert any(r[share - 1].number_format == '#,##0.0"%"' for r in ws.iter_rows(min_row=2) if r[share - 1].value)
    target_date = column(ws, "Target date")
    dated = [r[target_date - 1] for r in ws.iter_rows(min_row=2) if r[target_date - 1].value]
    assert dated and all(c.is_date and c.number_format == "d mmm yyyy" for c in dated)
    assert ws.freeze_panes in ("A2", "B2") and ws["A1"].font.b
    assert ws.column_dimensions["B"].width > 20  # priority names are long; not the default 13
    summary = wb["Summary"]
    assert [c.value for c in summary[1]] == ["Status", "Indicators"] and len(summary._charts) == 1


def test_portfolio_names_carry_no_unrounded_general_numbers():
    ws = workbook(sign_in("observer"), "/?format=xlsx").worksheets[0]
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, float):
                assert cell.number_format != "General", cell.coordinate


def test_indicator_workbook_has_its_unit_and_a_line_chart(client):
    ws = workbook(client, "/indicators/ae-4h/?format=xlsx").worksheets[0]
    actual = column(ws, "Actual")
    values = [r[actual - 1] for r in ws.iter_rows(min_row=2) if r[actual - 1].value is not None]
    assert values and all(c.number_format == '#,##0.0"%"' for c in values)
    assert len(ws._charts) == 1 and ws._charts[0].tagname == "lineChart"


def test_league_and_heat_map_workbooks_use_the_unit_and_name_their_columns(client):
    league = workbook(client, "/monitoring/league/homicides/?format=xlsx").worksheets[0]
    value = column(league, "Value")
    assert all(
        r[value - 1].number_format == "#,##0" for r in league.iter_rows(min_row=2) if r[value - 1].value is not None
    )
    heat = workbook(client, "/monitoring/heatmap/?unit=R02&format=xlsx").worksheets[0]
    headers = [c.value for c in heat[1]]
    assert "A&E patients seen within four hours (ae-4h) value" in headers
    col = headers.index("A&E patients seen within four hours (ae-4h) value")
    assert any(r[col].number_format == '#,##0.0"%"' for r in heat.iter_rows(min_row=2) if r[col].value is not None)


def test_report_workbook_headers_carry_no_soft_hyphen(sign_in):
    from stocktake.routines.models import AssessmentRound

    rnd = AssessmentRound.objects.order_by("-date").first()
    wb = workbook(sign_in("duhead"), f"/routines/rounds/{rnd.pk}/report.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows(max_row=3):
            for cell in row:
                assert "\u00ad" not in str(cell.value or ""), cell.coordinate
