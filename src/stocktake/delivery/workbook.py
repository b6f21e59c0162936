"""How a downloaded workbook looks: what a reader needs to use it at once (docs/design.md, "Exports").

Numbers are kept as numbers (a spreadsheet computes with them) but shown in the indicator's unit: percentages
with their sign, counts with thousands separators, rates with the indicator's decimals; dates are dates (never
"00:00:00"); the header row is bold, wrapped and frozen; columns are as wide as their content; a chart sits
beside the data where a picture says more. Plain openpyxl, so every app's exports can use it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

SOFT_HYPHEN = "\u00ad"
DATE = "d mmm yyyy"
DATETIME = "d mmm yyyy hh:mm"
INTEGER = "#,##0"
DEFAULT_DECIMAL = "#,##0.00"
PERCENT_WORDS = ("%", "percent", "per cent")
MIN_WIDTH, MAX_WIDTH = 8, 60


def number_format(unit: str | None, decimals: int | None = None) -> str:
    """The Excel format for values in an indicator's unit. Percentages are stored as 0-100, not fractions, so
    the sign is added as text rather than with Excel's % (which would multiply by 100)."""
    places = 2 if decimals is None else max(0, int(decimals))
    body = "#,##0" + ("." + "0" * places if places else "")
    if unit and any(w in unit.lower() for w in PERCENT_WORDS):
        return body + '"%"'
    if unit and unit.lower() in ("count", "number", "people", "cases") and decimals in (None, 0):
        return INTEGER
    return body


def plain(text):
    """Header text without the soft hyphens that help a narrow HTML column break (Excel shows them)."""
    return text.replace(SOFT_HYPHEN, "") if isinstance(text, str) else text


@dataclass
class Chart:
    """A chart of some columns of the sheet against its first-named column (openpyxl charts)."""

    kind: str  # "line" or "bar"
    title: str
    x: str  # header of the category column
    series: list[str] = field(default_factory=list)  # headers of the value columns
    y_title: str = ""


def style_header(ws, row: int = 1) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    for cell in ws[row]:
        cell.value = plain(cell.value)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8EEF4")
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def dates_as_dates(ws, first_row: int = 2) -> None:
    """A date is shown as a date; a datetime at midnight is a date (no 00:00:00)."""
    for row in ws.iter_rows(min_row=first_row):
        for cell in row:
            value = cell.value
            if isinstance(value, datetime.datetime):
                if value.time() == datetime.time(0) and value.tzinfo is None:
                    cell.value, cell.number_format = value.date(), DATE
                else:
                    cell.number_format = DATETIME
            elif isinstance(value, datetime.date):
                cell.number_format = DATE


def _shown_width(cell) -> int:
    value = cell.value
    if value is None:
        return 0
    if isinstance(value, (datetime.date, datetime.datetime)):
        return 11
    if isinstance(value, float):
        return len(f"{value:,.2f}")
    if isinstance(value, int):
        return len(f"{value:,}")
    return max(len(line) for line in str(value).split("\n"))


def fit_widths(ws, header_rows: int = 1) -> None:
    """Each column as wide as its widest value, headers wrapping rather than widening beyond reason."""
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for r, row in enumerate(ws.iter_rows(), start=1):
        for cell in row:
            w = _shown_width(cell)
            if r <= header_rows:
                w = min(w, 24)  # a long header wraps over two or three lines
            widths[cell.column] = max(widths.get(cell.column, 0), w)
    for col, w in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = max(MIN_WIDTH, min(MAX_WIDTH, w + 2))


def add_chart(ws, chart: Chart, headers: list[str], n_rows: int, anchor: str | None = None) -> None:
    """Draw `chart` from the sheet's own columns (row 1 the headers, then n_rows of data)."""
    from openpyxl.chart import BarChart, LineChart, Reference

    if n_rows < 1 or chart.x not in headers or not any(s in headers for s in chart.series):
        return
    drawing = LineChart() if chart.kind == "line" else BarChart()
    drawing.title = chart.title
    drawing.y_axis.title = chart.y_title
    drawing.x_axis.title = chart.x
    drawing.height, drawing.width = 9, 22
    for name in chart.series:
        if name in headers:
            col = headers.index(name) + 1
            drawing.add_data(Reference(ws, min_col=col, min_row=1, max_row=n_rows + 1), titles_from_data=True)
    x = headers.index(chart.x) + 1
    drawing.set_categories(Reference(ws, min_col=x, min_row=2, max_row=n_rows + 1))
    ws.add_chart(drawing, anchor or f"{_letter(len(headers) + 2)}2")


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


def finish(ws, *, header_rows: int = 1, freeze: str = "A2") -> None:
    """The look every sheet shares: styled and frozen header, dates as dates, fitted widths."""
    for r in range(1, header_rows + 1):
        style_header(ws, r)
    dates_as_dates(ws, header_rows + 1)
    fit_widths(ws, header_rows)
    ws.freeze_panes = freeze
