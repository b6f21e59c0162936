"""Reading a setup file: an .xlsx workbook, a folder of CSV files, or a zip of them, into plain text rows.

Every cell becomes text here (numbers without a trailing .0, dates as YYYY-MM-DD),
so the loader parses one form whatever the file was, and an exported workbook
reads back exactly as it was written.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from .sheets import INSTRUCTIONS, SHEETS, Sheet


@dataclass(frozen=True)
class Problem:
    """One refusal: where in the file, and why."""

    sheet: str
    row: int | None
    column: str
    reason: str

    def __str__(self) -> str:
        where = self.sheet
        if self.row:
            where = _("%(where)s, row %(row)s") % {"where": where, "row": self.row}
        if self.column:
            where = _("%(where)s, column %(column)s") % {"where": where, "column": self.column}
        return f"{where}: {self.reason}"


@dataclass
class Table:
    """One sheet as read: its header and its rows as (sheet row number, {column: text})."""

    name: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


class SetupFileError(ValueError):
    """The file cannot be read at all (not a workbook, a zip or a folder)."""


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    text = str(value).strip()
    if text[:2] in {"'=", "'+", "'-", "'@"}:  # the exports' guard against spreadsheet formulas, taken off again
        text = text[1:]
    return text


def _table(name: str, rows) -> Table:
    rows = iter(rows)
    header = next(rows, None) or []
    names = [cell_text(h) for h in header]
    while names and not names[-1]:
        names.pop()
    table = Table(name, names)
    for number, values in enumerate(rows, start=2):
        texts = [cell_text(v) for v in values]
        if not any(texts):
            continue
        record = {n: (texts[i] if i < len(texts) else "") for i, n in enumerate(names) if n}
        table.rows.append((number, record))
    return table


def _sheet_for(file_name: str) -> Sheet | None:
    stem = Path(file_name).stem.replace(" ", "").replace("_", "").lower()
    return next((s for s in SHEETS if s.name.lower() == stem), None)


def _csv_rows(data: bytes):
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def read(path_or_file, name: str = "") -> dict[str, Table]:
    """{sheet name: Table} for every known sheet in the file (unknown sheets other than Instructions are ignored)."""
    name = name or str(getattr(path_or_file, "name", path_or_file))
    if isinstance(path_or_file, (str, Path)) and Path(path_or_file).is_dir():
        out = {}
        for p in sorted(Path(path_or_file).glob("*.csv")):
            sheet = _sheet_for(p.name)
            if sheet:
                out[sheet.name] = _table(sheet.name, _csv_rows(p.read_bytes()))
        return out
    data = Path(path_or_file).read_bytes() if isinstance(path_or_file, (str, Path)) else path_or_file.read()
    if data[:2] != b"PK":
        if name.lower().endswith(".csv"):
            raise SetupFileError(
                _("a single CSV file holds one sheet: give a workbook, a folder or a zip of CSV files")
            )
        raise SetupFileError(_("not an Excel workbook (.xlsx) or a zip of CSV files"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise SetupFileError(_("not an Excel workbook (.xlsx) or a zip of CSV files")) from None
    if "[Content_Types].xml" in archive.namelist():
        return _read_xlsx(data)
    out = {}
    for member in sorted(archive.namelist()):
        sheet = _sheet_for(member) if member.lower().endswith(".csv") else None
        if sheet:
            out[sheet.name] = _table(sheet.name, _csv_rows(archive.read(member)))
    return out


def _read_xlsx(data: bytes) -> dict[str, Table]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise SetupFileError(_("the workbook cannot be read: %(error)s") % {"error": exc}) from None
    out = {}
    for ws in wb.worksheets:
        if ws.title == INSTRUCTIONS:
            continue
        sheet = _sheet_for(ws.title)
        if sheet:
            out[sheet.name] = _table(sheet.name, ws.iter_rows(values_only=True))
    wb.close()
    return out
