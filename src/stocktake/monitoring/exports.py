"""Every monitoring view downloads as CSV, Excel, SVG and PNG from the same table and chart as the page.

A view builds one Table (headers, rows of plain values) and one Vega-Lite
spec; `?format=` picks the file. Numbers stay numbers so a spreadsheet can
compute with them; statuses go out as their labels. In Excel the numbers are
shown in their indicator's unit (`unit`, or `row_units` when each row is a
different indicator), percentage columns with their sign, and `chart` draws
beside the data (stocktake.delivery.workbook holds the look).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.http import HttpResponse
from django.utils.translation import gettext as _

from stocktake.delivery import status as S
from stocktake.delivery import workbook as look
from stocktake.delivery.cells import csv_writer, safe_workbook

from . import charts

FORMATS = ("csv", "xlsx", "svg", "png")
FILLS = {S.ON_TRACK: "1A7F37", S.SLIGHTLY_OFF: "D4A72C", S.OFF_TRACK: "CF222E", S.NO_DATA: "8C959F"}


def _fills() -> dict[str, str]:
    """Each status label, in the reader's language (the file's words), to its fill."""
    return {S.LABELS[code]: fill for code, fill in FILLS.items()}


@dataclass
class Table:
    name: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    unit: tuple[str, int] | None = None  # (unit, decimals) of the one indicator every number is in
    row_units: list[tuple[str, int]] = field(default_factory=list)  # per row, for unit_columns
    unit_columns: tuple[str, ...] = ()  # the headers whose numbers are in the row's indicator unit
    column_units: dict[str, tuple[str, int]] = field(default_factory=dict)  # when each column is an indicator
    chart: look.Chart | None = None
    summary: tuple[str, list[tuple[str, int]]] | None = None  # (title, [(label, count)]): a second sheet


def _is_percent(header: str) -> bool:
    """A percentage column: its header says "(%" in every language ("(%)", "(% of planned change)")."""
    return "(%" in header


def _format(table: Table, header: str, row: int, value) -> str | None:
    """The number format of one numeric cell: its column's kind first, then its indicator's unit."""
    if _is_percent(header):
        return look.number_format("%", 1)
    if header in table.column_units:
        return look.number_format(*table.column_units[header])
    if table.row_units and header in table.unit_columns and row < len(table.row_units):
        return look.number_format(*table.row_units[row])
    if isinstance(value, int):
        return look.INTEGER
    if table.unit:
        return look.number_format(*table.unit)
    return look.DEFAULT_DECIMAL


def _csv(table: Table) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table.name}.csv"'
    writer = csv_writer(response)
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow(["" if v is None else v for v in row])
    return response


def _xlsx(table: Table) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = table.name[:31]
    ws.append(table.headers)
    fills = _fills()
    for i, row in enumerate(table.rows):
        ws.append(row)
        for header, cell in zip(table.headers, ws[ws.max_row]):
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                cell.number_format = _format(table, header, i, cell.value)
            fill = fills.get(cell.value) if isinstance(cell.value, str) else None
            if fill:
                cell.fill = PatternFill("solid", fgColor=fill)
                cell.font = Font(color="FFFFFF" if fill != "D4A72C" else "24292F")
    look.finish(ws, freeze="B2")
    if table.chart:
        look.add_chart(ws, table.chart, table.headers, len(table.rows))
    if table.summary:
        _summary_sheet(wb, *table.summary)
    buf = io.BytesIO()
    safe_workbook(wb).save(buf)
    response = HttpResponse(
        buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{table.name}.xlsx"'
    return response


def _summary_sheet(wb, title: str, counts: list[tuple[str, int]]) -> None:
    """A second sheet with the counts behind the first and a bar chart of them."""
    ws = wb.create_sheet(_("Summary"))
    headers = [_("Status"), _("Indicators")]
    ws.append(headers)
    for label, n in counts:
        ws.append([label, n])
    look.finish(ws)
    look.add_chart(ws, look.Chart("bar", title, headers[0], [headers[1]], _("Indicators")), headers, len(counts))


def _image(table: Table, spec: dict, fmt: str) -> HttpResponse:
    import vl_convert as vlc

    spec = charts.for_file(spec)
    if fmt == "svg":
        response = HttpResponse(vlc.vegalite_to_svg(spec), content_type="image/svg+xml")
    else:
        response = HttpResponse(vlc.vegalite_to_png(spec, scale=2), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{table.name}.{fmt}"'
    return response


def respond(fmt: str, table: Table, spec: dict | None) -> HttpResponse:
    if fmt == "csv":
        return _csv(table)
    if fmt == "xlsx":
        return _xlsx(table)
    if fmt in ("svg", "png") and spec is not None:
        return _image(table, spec, fmt)
    return HttpResponse(
        _("format: '%(format)s' is not available here; use one of %(formats)s")
        % {"format": fmt, "formats": ", ".join(FORMATS)},
        status=400,
        content_type="text/plain",
    )
