"""Reading CSV and Excel files as they arrive, defensively.

Real ministry files carry byte-order marks, latin-1 accents, semicolons,
truncated last lines and merged header cells, and an upload may be a zip
bomb dressed as a workbook. Rows are streamed (numbered as a spreadsheet
numbers them, header = row 1) so memory does not grow with the file, and
every whole-file problem is a FileError with a reason a data lead can act on.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import zipfile
from typing import BinaryIO, Iterator

MAX_XLSX_UNCOMPRESSED = 400 * 1024 * 1024
MAX_XLSX_RATIO = 200
MAX_CELL = 10_000
csv.field_size_limit(1024 * 1024)


class FileError(ValueError):
    """The file as a whole cannot be read; nothing from it is stored."""


def sniff_encoding(head: bytes, declared: str | None = None, more: bool = False) -> str:
    """more: the head is only the start of the file, so its last character may be cut."""
    if declared:
        try:
            codecs.lookup(declared)
        except LookupError as exc:
            raise FileError(f"unknown encoding '{declared}'") from exc
        return declared
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        raise FileError("the file holds NUL bytes: it is binary, or UTF-16 without a byte-order mark; "
                        "save it as CSV (UTF-8)")
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if more and exc.start >= len(head) - 3:  # a character cut by the sample's end
            return "utf-8"
    # Most ministry systems that do not write UTF-8 write Windows-1252; latin-1 reads any byte.
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def sniff_delimiter(first_line: str, declared: str | None = None) -> str:
    if declared:
        return declared
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _header(cells: list, where: str) -> list[str]:
    names = [("" if c is None else str(c)).strip() for c in cells]
    while names and names[-1] == "":
        names.pop()
    if not names:
        raise FileError(f"{where}: the header row is empty")
    for i, name in enumerate(names, start=1):
        if name == "":
            raise FileError(f"{where}: header cell {i} ({_col(i)}1) is empty; merged header cells or a title row "
                            f"above the header? The first row must name every column")
    seen = set()
    for name in names:
        if name.lower() in seen:
            raise FileError(f"{where}: column '{name}' appears twice in the header")
        seen.add(name.lower())
    return names


def _col(i: int) -> str:
    s = ""
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


class RowShapeError(ValueError):
    pass


def read_csv(stream: BinaryIO, *, encoding: str | None = None, delimiter: str | None = None) -> tuple[list[str], Iterator]:
    """(header, iterator of (row number, {column: text} or RowShapeError)) from a CSV byte stream."""
    head = stream.read(65536)
    if not head.strip():
        raise FileError("the file is empty")
    enc = sniff_encoding(head, encoding, more=len(head) == 65536)
    rest = stream
    raw = io.BufferedReader(_Chain(head, rest), buffer_size=1 << 16)
    text = io.TextIOWrapper(raw, encoding=enc, errors="strict", newline="")
    reader = csv.reader(text, delimiter=sniff_delimiter(_first_line(head, enc), delimiter), strict=True)
    try:
        first = next(reader)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise FileError(f"row 1: {exc}") from exc
    header = _header(first, "CSV")

    def rows():
        n = 1
        try:
            for cells in reader:
                n = reader.line_num
                if not cells or all(not c.strip() for c in cells):
                    continue
                if len(cells) != len(header):
                    extra = cells[len(header):]
                    if len(cells) > len(header) and all(not c.strip() for c in extra):
                        cells = cells[:len(header)]
                    else:
                        yield n, RowShapeError(f"has {len(cells)} cells but the header has {len(header)} "
                                               f"(a truncated line, or a stray separator?)")
                        continue
                yield n, {h: c[:MAX_CELL] for h, c in zip(header, cells)}
        except UnicodeDecodeError as exc:
            raise FileError(f"after row {n}: bytes that are not {enc} ({exc.reason}); "
                            f"declare the file's encoding, e.g. latin-1") from exc
        except csv.Error as exc:
            raise FileError(f"row {reader.line_num}: {exc} (is the file truncated?)") from exc

    return header, rows()


def _first_line(head: bytes, enc: str) -> str:
    line = head.split(b"\n", 1)[0]
    return line.decode(enc, errors="replace")


class _Chain(io.RawIOBase):
    """The sniffed head followed by the rest of the stream, without reading it all."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self.head, self.rest = head, rest

    def readable(self):
        return True

    def readinto(self, b):
        if self.head:
            n = min(len(b), len(self.head))
            b[:n] = self.head[:n]
            self.head = self.head[n:]
            return n
        data = self.rest.read(len(b))
        b[:len(data)] = data
        return len(data)


def check_xlsx(stream: BinaryIO) -> None:
    """Refuse what is not a workbook, and zip bombs, before openpyxl inflates anything."""
    try:
        with zipfile.ZipFile(stream) as zf:
            infos = zf.infolist()
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            if total > MAX_XLSX_UNCOMPRESSED or total / packed > MAX_XLSX_RATIO and total > 10 * 1024 * 1024:
                raise FileError(f"the workbook would inflate to {total / 1e6:,.0f} MB from {packed / 1e6:,.1f} MB "
                                f"(a zip bomb?); refused")
            if "xl/workbook.xml" not in {i.filename for i in infos}:
                raise FileError("the zip archive is not an Excel workbook (no xl/workbook.xml)")
    except zipfile.BadZipFile as exc:
        raise FileError("not an Excel .xlsx file (it is not a zip archive); old .xls files must be saved as .xlsx or CSV") from exc
    finally:
        stream.seek(0)


def read_xlsx(stream: BinaryIO, sheet: str | None = None) -> tuple[list[str], Iterator]:
    """(header, rows) from the first (or named) sheet; formulas are refused cell by cell."""
    import openpyxl

    check_xlsx(stream)
    try:
        wb = openpyxl.load_workbook(stream, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for broken workbooks
        raise FileError(f"the workbook cannot be opened: {exc.__class__.__name__}: {str(exc)[:200]}") from exc
    if sheet and sheet not in wb.sheetnames:
        raise FileError(f"no sheet named '{sheet}'; the workbook has {', '.join(wb.sheetnames)}")
    ws = wb[sheet] if sheet else wb.worksheets[0]
    it = ws.iter_rows()
    try:
        first = next(it)
    except StopIteration as exc:
        raise FileError("the first sheet is empty") from exc
    header = _header([c.value for c in first], f"sheet '{ws.title}'")
    second = next(it, None)
    if second is not None:
        filled = [c for c in second if c.value not in (None, "")]
        if filled and max(c.column for c in filled) > len(header):
            raise FileError(f"sheet '{ws.title}': row 1 names {len(header)} column(s) but row 2 fills "
                            f"{max(c.column for c in filled)}; a title row or merged header cells above the header? "
                            f"The first row must name every column")

    def rows():
        for cells in itertools.chain([second] if second is not None else [], it):
            if not cells:
                continue
            n = cells[0].row
            values = []
            formula = None
            for i, c in enumerate(cells[:len(header)]):
                v = c.value
                if c.data_type == "f" or (isinstance(v, str) and v.startswith("=")):
                    formula = f"cell {_col(i + 1)}{n} holds a formula ({str(v)[:40]}); paste values instead"
                    break
                values.append(v)
            if formula:
                yield n, RowShapeError(formula)
                continue
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            if any(v not in (None, "") for v in (c.value for c in cells[len(header):])):
                yield n, RowShapeError(f"has values beyond the {len(header)} named columns")
                continue
            values += [None] * (len(header) - len(values))
            yield n, {h: _cell_text(v) for h, v in zip(header, values)}
        wb.close()

    return header, rows()


def _cell_text(v):
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if hasattr(v, "isoformat"):
        return v.isoformat()[:10]
    return str(v)[:MAX_CELL]
