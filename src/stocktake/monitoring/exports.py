"""Every monitoring view downloads as CSV, Excel, SVG and PNG from the same table and chart as the page.

A view builds one Table (headers, rows of plain values) and one Vega-Lite
spec; `?format=` picks the file. Numbers go out unformatted so a
spreadsheet can compute with them; statuses go out as their labels.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.http import HttpResponse

from stocktake.delivery.cells import csv_writer, safe_workbook

from . import charts

FORMATS = ("csv", "xlsx", "svg", "png")
FILLS = {"On track": "1A7F37", "Slightly off track": "D4A72C", "Off track": "CF222E", "No data": "8C959F"}


@dataclass
class Table:
    name: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)


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
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            fill = FILLS.get(cell.value) if isinstance(cell.value, str) else None
            if fill:
                cell.fill = PatternFill("solid", fgColor=fill)
                cell.font = Font(color="FFFFFF" if fill != "D4A72C" else "24292F")
    ws.freeze_panes = "B2"
    buf = io.BytesIO()
    safe_workbook(wb).save(buf)
    response = HttpResponse(
        buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{table.name}.xlsx"'
    return response


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
        f"format: '{fmt}' is not available here; use one of {', '.join(FORMATS)}", status=400, content_type="text/plain"
    )
