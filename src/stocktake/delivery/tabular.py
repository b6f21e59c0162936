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
import re
import zipfile
from collections.abc import Iterator
from typing import BinaryIO

from .echo import listed, shown
from .text import _, gettext_noop

MAX_XLSX_UNCOMPRESSED = 400 * 1024 * 1024
MAX_XLSX_RATIO = 200
MAX_CELL = 10_000
CHUNK = 1 << 20  # CSV bytes decoded at a time
MAX_LINE = 4 * CHUNK
DTD_SCAN = 8192  # a DTD sits in an XML part's prolog, before the root element
csv.field_size_limit(1024 * 1024)


class FileError(ValueError):
    """The file as a whole cannot be read; nothing from it is stored."""


# A valid UTF-8 sequence of two to four bytes; a file holding any is UTF-8 (with errors), not Windows-1252.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp1252": "Windows-1252", "latin-1": "latin-1"}


def bad_byte(data: bytes, exc: UnicodeDecodeError, offset: int, lines: int, enc: str) -> str:
    """Where a byte that is not in the encoding sits: its value, its offset in the file and its row."""
    row = lines + data.count(b"\n", 0, exc.start) + 1
    name = ENCODING_NAMES.get(enc, enc)
    return (
        f"byte 0x{data[exc.start]:02x} at offset {offset + exc.start:,} (row {row}) is not valid {name}; "
        f"the file was refused rather than guessed at. Fix that byte, or save the file again as CSV UTF-8"
    )


def sniff_encoding(head: bytes, declared: str | None = None, more: bool = False, notes: list | None = None) -> str:
    """The file's encoding, or a FileError; never a guess that silently changes letters.

    more: the head is only the start of the file, so its last character may be cut.
    A file that is UTF-8 but for a few bad bytes is refused naming the first of them: reading it as
    Windows-1252 would store 'café' as 'cafÃ©' without a word. Only a file with no valid UTF-8 sequence
    at all is read as Windows-1252 (or latin-1), and a note saying so is added to `notes`.
    """
    if declared:
        try:
            codecs.lookup(declared)
        except LookupError as exc:
            raise FileError(_("unknown encoding '%(declared)s'") % {"declared": shown(declared, 40)}) from exc
        return declared
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        raise FileError(
            _("the file holds NUL bytes: it is binary, or UTF-16 without a byte-order mark; save it as CSV (UTF-8)")
        )
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if more and exc.start >= len(head) - 3:  # a character cut by the sample's end
            return "utf-8"
        if _UTF8_MULTIBYTE.search(head):
            raise FileError(bad_byte(head, exc, 0, 0, "utf-8")) from exc
    # Most ministry systems that do not write UTF-8 write Windows-1252; latin-1 reads any byte.
    try:
        head.decode("cp1252")
        enc = "cp1252"
    except UnicodeDecodeError:
        enc = "latin-1"
    if notes is not None:
        notes.append(
            f"the file is not UTF-8 (it holds no UTF-8 accented letter); it was read as {ENCODING_NAMES[enc]}. "
            f"Check its accented letters, or save it as CSV UTF-8"
        )
    return enc


def sniff_delimiter(first_line: str, declared: str | None = None) -> str:
    if declared:
        return declared
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def _header(cells: list, where: str, unnamed: str = "refuse", notes: list | None = None) -> list[str]:
    """The header's column names; an empty cell is refused, or with unnamed="ignore" named '' (its column is
    then read as nothing) and listed in `notes`, so a report can say which columns were left out."""
    names = [("" if c is None else str(c)).strip() for c in cells]
    while names and names[-1] == "":
        names.pop()
    if not names:
        raise FileError(_("%(where)s: the header row is empty") % {"where": where})
    blanks = [i for i, name in enumerate(names, start=1) if name == ""]
    if blanks and unnamed != "ignore":
        i = blanks[0]
        raise FileError(
            _(
                "%(where)s: header cell %(i)s (%(cell)s) is empty; merged header cells or a title row "
                "above the header? The first row must name every column (or set the mapping's "
                "unnamed_columns to ignore)"
            )
            % {"where": where, "i": i, "cell": f"{_col(i)}1"}
        )
    if blanks and notes is not None:
        notes.append(
            f"{where}: header cell(s) {', '.join(f'{_col(i)}1' for i in blanks[:20])} have no name; "
            f"their columns were ignored"
        )
    seen = set()
    for name in names:
        if name and name.lower() in seen:
            raise FileError(
                _("%(where)s: column '%(name)s' appears twice in the header")
                % {"where": where, "name": shown(name, 40)}
            )
        seen.add(name.lower())
    return names


def _named(header: list[str], cells) -> dict:
    """{column: cell} for the named columns only (an ignored unnamed column is left out)."""
    return {h: c for h, c in zip(header, cells) if h}


def _col(i: int) -> str:
    s = ""
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


class RowShapeError(ValueError):
    pass


def read_csv(
    stream: BinaryIO,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    notes: list | None = None,
    unnamed: str = "refuse",
) -> tuple[list[str], Iterator]:
    """(header, iterator of (row number, {column: text} or RowShapeError)) from a CSV byte stream.

    notes: a list that receives what the reader had to assume (a file read as Windows-1252).
    unnamed="ignore": empty header cells do not refuse the file; their columns are left out, and a row may
    then end early (a stray header cell over no data): the cells it lacks are None, and whoever reads
    such a column says so for that row and column.
    """
    head = stream.read(65536)
    if not head.strip():
        raise FileError(_("the file is empty"))
    enc = sniff_encoding(head, encoding, more=len(head) == 65536, notes=notes)
    raw = io.BufferedReader(_Chain(head, stream), buffer_size=1 << 16)
    text: Iterator[str]
    if codecs.lookup(enc).name.startswith(("utf-16", "utf-32")):  # not ASCII-safe: b"\n" is not a line end
        text = io.TextIOWrapper(raw, encoding=enc, errors="strict", newline="")
    else:
        text = _decoded_lines(raw, enc)
    reader = csv.reader(text, delimiter=sniff_delimiter(_first_line(head, enc), delimiter), strict=True)
    try:
        first = next(reader)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise FileError(_("row 1: %(exc)s") % {"exc": exc}) from exc
    except StopIteration as exc:
        raise FileError(_("the file is empty")) from exc
    header = _header(first, "CSV", unnamed, notes)
    width = len(first)  # the header's cells before its trailing blanks were dropped

    def rows():
        n, found = 1, False
        try:
            for cells in reader:
                n = reader.line_num
                if not cells or all(not c.strip() for c in cells):
                    continue
                found = True
                if len(cells) != len(header):
                    extra = cells[len(header) :]
                    if len(header) < len(cells) <= width and all(not c.strip() for c in extra):
                        cells = cells[: len(header)]  # the header's own trailing separators, repeated
                    elif unnamed == "ignore" and len(cells) < len(header):
                        short: list[str | None] = [*cells, *[None] * (len(header) - len(cells))]
                        yield n, _named(header, (c if c is None else c[:MAX_CELL] for c in short))
                        continue
                    else:
                        hint = (
                            _("an unquoted number with a thousands separator such as 1,234, or a stray separator?")
                            if len(cells) > len(header)
                            else _("a truncated line, or a missing separator?")
                        )
                        yield (
                            n,
                            RowShapeError(
                                _(
                                    "has %(cells)s cells but the header has %(header)s (%(hint)s); "
                                    "the row is left out rather than read with its columns shifted"
                                )
                                % {"cells": len(cells), "header": len(header), "hint": hint}
                            ),
                        )
                        continue
                yield n, _named(header, (c if c is None else c[:MAX_CELL] for c in cells))
        except UnicodeDecodeError as exc:
            raise FileError(
                _("after row %(n)s: bytes that are not %(enc)s (%(reason)s); declare the file's encoding, e.g. latin-1")
                % {"n": n, "enc": enc, "reason": exc.reason}
            ) from exc
        except csv.Error as exc:
            raise FileError(
                _("row %(line_num)s: %(exc)s (is the file truncated?)") % {"line_num": reader.line_num, "exc": exc}
            ) from exc
        if not found:
            raise FileError(_(NO_ROWS))

    return [h for h in header if h], rows()


NO_ROWS = gettext_noop("the file has a header row but no data rows: there is nothing to import")


def _decoded_lines(raw: BinaryIO, enc: str) -> Iterator[str]:
    """The text's lines, decoded strictly a chunk at a time, so an invalid byte is named by its offset and row."""
    offset, lines, tail = 0, 0, b""
    while True:
        block = raw.read(CHUNK)
        data = tail + block
        if not data:
            return
        if block:
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                if len(data) > MAX_LINE:
                    raise FileError(
                        _("row %(lines)s runs past %(max_line)s MB without a line break; is this a CSV file?")
                        % {"lines": lines + 1, "max_line": MAX_LINE >> 20}
                    )
                tail = data
                continue
            data, tail = data[:cut], data[cut:]
        else:
            tail = b""
        try:
            decoded = data.decode(enc)
        except UnicodeDecodeError as exc:
            raise FileError(bad_byte(data, exc, offset, lines, enc)) from exc
        if enc == "utf-8-sig":
            enc = "utf-8"  # the byte-order mark is only at the start
        offset += len(data)
        lines += data.count(b"\n")
        yield from io.StringIO(decoded, newline="")


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
        b[: len(data)] = data
        return len(data)


DTD_REFUSED = gettext_noop("the workbook contains a DTD, which is refused for safety")
_DTD_MARKS = tuple(m.encode(e) for m in ("<!DOCTYPE", "<!ENTITY") for e in ("ascii", "utf-16-le", "utf-16-be"))


def check_xlsx(stream: BinaryIO) -> None:
    """Refuse what is not a workbook, zip bombs and XML with a DTD, before openpyxl inflates anything.

    A DTD is how XML smuggles entities in: external ones read the server's files (XXE), nested ones
    expand a few bytes into gigabytes (billion laughs). No spreadsheet program writes one, so any DTD
    in any part is refused; defusedxml, which openpyxl uses when it is installed, is the second guard.
    """
    try:
        with zipfile.ZipFile(stream) as zf:
            infos = zf.infolist()
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            if total > MAX_XLSX_UNCOMPRESSED or total / packed > MAX_XLSX_RATIO and total > 10 * 1024 * 1024:
                raise FileError(
                    _("the workbook would inflate to %(total)s MB from %(packed)s MB (a zip bomb?); refused")
                    % {"total": f"{total / 1e6:,.0f}", "packed": f"{packed / 1e6:,.1f}"}
                )
            if "xl/workbook.xml" not in {i.filename for i in infos}:
                raise FileError(_("the zip archive is not an Excel workbook (no xl/workbook.xml)"))
            for info in infos:
                if info.filename.lower().endswith((".xml", ".rels", ".vml")):
                    with zf.open(info) as part:
                        prolog = part.read(DTD_SCAN)
                    if any(mark in prolog for mark in _DTD_MARKS):
                        raise FileError(
                            _("%(dtd_refused)s (in %(filename)s)")
                            % {"dtd_refused": _(DTD_REFUSED), "filename": shown(info.filename, 60)}
                        )
    except zipfile.BadZipFile as exc:
        raise FileError(
            _("not an Excel .xlsx file (it is not a zip archive); old .xls files must be saved as .xlsx or CSV")
        ) from exc
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError) as exc:
        # encrypted members, unknown compression, a member cut short
        raise FileError(
            _("the workbook cannot be opened: %(name)s: %(exc)s")
            % {"name": exc.__class__.__name__, "exc": shown(exc, 120)}
        ) from exc
    finally:
        stream.seek(0)


def _unreadable(exc: Exception, where: str) -> FileError:
    """openpyxl's many failures on a broken workbook as one FileError; a forbidden DTD says so plainly."""
    from defusedxml import DefusedXmlException

    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, DefusedXmlException):
            return FileError(_(DTD_REFUSED))
        cause = cause.__cause__ or cause.__context__
    return FileError(
        _("%(where)s cannot be read: %(name)s: %(exc)s")
        % {"where": where, "name": exc.__class__.__name__, "exc": shown(exc, 120)}
    )


def read_xlsx(
    stream: BinaryIO, sheet: str | None = None, unnamed: str = "refuse", notes: list | None = None
) -> tuple[list[str], Iterator]:
    """(header, rows) from the first (or named) sheet; formulas are refused cell by cell.

    unnamed="ignore": empty header cells are left out with their columns (said in `notes`), and values past
    the last named column are ignored rather than refused.

    Rows are numbered by counting, not from cell A's coordinate: in a read-only sheet an empty,
    merged or missing cell A has no row number. The sheet's recorded dimension is ignored, because
    a wrong one makes openpyxl drop the rows beyond it (or pad a million empty ones).
    """
    import openpyxl

    check_xlsx(stream)
    try:
        wb = openpyxl.load_workbook(stream, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for broken workbooks
        raise _unreadable(exc, "the workbook") from exc
    if sheet and sheet not in wb.sheetnames:
        raise FileError(
            _("no sheet named '%(sheet)s'; the workbook has %(sheets)s")
            % {"sheet": shown(sheet, 40), "sheets": listed(wb.sheetnames)}
        )
    try:
        ws = wb[sheet] if sheet else wb.worksheets[0]
        ws.reset_dimensions()
    except Exception as exc:
        raise _unreadable(exc, "the workbook") from exc
    where = _("sheet '%(name)s'") % {"name": shown(ws.title, 40)}
    parsed = ws.iter_rows()

    def it():
        n = 0
        while True:
            try:
                cells = next(parsed)
            except StopIteration:
                return
            except Exception as exc:  # the sheet's XML, cell types, shared strings: anything broken in the file
                raise _unreadable(exc, f"{where}, row {n + 1},") from exc
            n += 1
            yield n, cells

    rows_in = it()
    first = next(rows_in, None)
    if first is None:
        raise FileError(_("the first sheet is empty"))
    header = _header([c.value for c in first[1]], where, unnamed, notes)
    second = next(rows_in, None)
    if second is not None and unnamed != "ignore":
        filled = [c for c in second[1] if c.value not in (None, "")]
        if filled and max(c.column for c in filled) > len(header):
            raise FileError(
                _(
                    "%(where)s: row 1 names %(named)s column(s) but row 2 fills %(filled)s; a title row or "
                    "merged header cells above the header? The first row must name every column"
                )
                % {"where": where, "named": len(header), "filled": max(c.column for c in filled)}
            )

    def rows():
        found = False
        for n, cells in itertools.chain([second] if second is not None else [], rows_in):
            if not cells:
                continue
            values = []
            formula = None
            for i, c in enumerate(cells[: len(header)]):
                v = c.value
                if c.data_type == "f" or (isinstance(v, str) and v.startswith("=")):
                    formula = _("cell %(cell)s holds a formula (%(formula)s); paste values instead") % {
                        "cell": f"{_col(i + 1)}{n}",
                        "formula": shown(v, 40),
                    }
                    break
                values.append(v)
            if formula:
                found = True
                yield n, RowShapeError(formula)
                continue
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values) and all(
                c.value in (None, "") for c in cells[len(header) :]
            ):
                continue
            found = True
            if unnamed != "ignore" and any(v not in (None, "") for v in (c.value for c in cells[len(header) :])):
                yield n, RowShapeError(_("has values beyond the %(n)s named columns") % {"n": len(header)})
                continue
            values += [None] * (len(header) - len(values))
            yield n, _named(header, (_cell_text(v) for v in values))
        wb.close()
        if not found:
            raise FileError(_(NO_ROWS))

    return [h for h in header if h], rows()


def _cell_text(v):
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if hasattr(v, "isoformat"):
        return v.isoformat()[:10]
    return str(v)[:MAX_CELL]
