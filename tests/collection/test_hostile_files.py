"""A hostile-file corpus, generated here from code: every file gives a clean refusal or row errors, never a traceback.

Each case is a file a careless export, a broken tool or an attacker could send: periods in year 0, workbooks
with holes in column A or a lying dimension, XML with a DTD (XXE, billion laughs), JSON nested 100,000 deep or
holding a lone surrogate. Every one must leave the database as it was, through run_import and through the CLI.
"""

from __future__ import annotations

import io
import json
import re
import zipfile

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from stocktake.collection.models import ImportBatch

from .test_import import HEAD, state

REFUSED, ROW = "refused", "row"


def csv(*rows: str, head: str = HEAD) -> bytes:
    return (head + "".join(r + "\n" for r in rows)).encode()


def workbook(rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def zip_edit(data: bytes, part: str, edit) -> bytes:
    """The same workbook with one XML part rewritten by edit(text) -> text."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == part:
                body = edit(body.decode()).encode()
            dst.writestr(info.filename, body)
    return out.getvalue()


LONG = ["indicator", "org_unit", "period", "value"]
FUTURE = "2099-01"  # a row that is rejected whatever else happens, so nothing is stored
GOOD_XLSX = workbook([LONG, ["homicides", "R01-D01", FUTURE, 3], ["homicides", "R01-D02", FUTURE, 4]])


def with_prolog(dtd: str):
    def edit(text: str) -> str:
        decl, sep, rest = text.partition("?>")
        return decl + sep + dtd + rest if sep else dtd + text

    return edit


XXE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
    + "]>"
)
PLAIN_DTD = "<!DOCTYPE worksheet>"


def merged_column_a() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(LONG)
    ws.append(["homicides", "R01-D01", FUTURE, 3])
    ws.append(["homicides", "R01-D02", FUTURE, 4])
    ws.merge_cells("A2:A3")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def gap_rows() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(LONG)
    for r, unit in ((2, "R01-D01"), (5, "R01-D02")):
        for c, v in enumerate(["homicides", unit, FUTURE, 3], start=1):
            ws.cell(row=r, column=c, value=v)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def sparse_row() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(LONG)
    ws.append([None, "R01-D01", FUTURE, 3])
    ws.append([None, None, None, 4])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def dimension(ref: str):
    return lambda text: re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', text)


def deep_json(depth: int = 100_000) -> bytes:
    return b'{"dataValues": [' + b"[" * depth + b"]" * depth + b"]}"


def surrogate_json(**fields) -> bytes:
    dv = {"dataElement": "fbfJHSPpUQD", "orgUnit": "MdHospR0200", "period": "202609", "value": "5", **fields}
    # json.dumps writes a lone surrogate as the escape \ud800, which json.loads turns back into one
    return json.dumps({"dataValues": [dv]}).encode()


# name, file name, bytes, format, expectation: (REFUSED, words in the message) or (ROW, row, column, words)
CASES = [
    *[
        (f"period {code}", "p.csv", csv(f"homicides,R01-D01,{code},3,,,"), None, (ROW, 2, "period", "1800 to 2999"))
        for code in (
            "0000-01",
            "0000Q1",
            "0000",
            "000001",
            "0000April",
            "0001-01",
            "0001W01",
            "00010101",
            "0000-01-01",
            "0001",
            "0001Q1",
            "9999-12",
            "9999April",
        )
    ],
    ("header only", "h.csv", HEAD.encode(), None, (REFUSED, "no data rows")),
    ("header and blank lines", "h.csv", (HEAD + "\n,,,,,,\n\n").encode(), None, (REFUSED, "no data rows")),
    (
        "utf-8 with two bad bytes",
        "u.csv",
        HEAD.encode()
        + "homicides,R01-D01,2026-09,3,,,café\n".encode()
        + b"homicides,R01-D02,2026-09,3,,,caf\xe9\xff\n",
        None,
        (REFUSED, "not valid UTF-8"),
    ),
    ("unquoted thousands", "t.csv", csv("homicides,R01-D01,2026-09,1,234,,,"), None, (ROW, 2, "", "8 cells")),
    (
        "value and ratio parts disagree",
        "r.csv",
        csv("ae-4h,R01-D01-H1,2026-09,50,700,900,"),
        None,
        (ROW, 2, "value", "disagree"),
    ),
    (
        "numerator on a count",
        "n.csv",
        csv("homicides,R01-D01,2026-09,14,3,,"),
        None,
        (ROW, 2, "numerator", "not a ratio"),
    ),
    ("negative count", "neg.csv", csv("ae-attendances,R01-D01-H1,2026-09,-3,,,"), None, (ROW, 2, "value", "negative")),
    (
        "negative ratio parts",
        "neg.csv",
        csv("ae-4h,R01-D01-H1,2026-09,,-700,-900,"),
        None,
        (ROW, 2, "numerator", "negative"),
    ),
    (
        "a period of 5,000 characters",
        "l.csv",
        csv(f"homicides,R01-D01,{'9' * 5000},3,,,"),
        None,
        (ROW, 2, "period", "…"),
    ),
    (
        "an indicator of 5,000 characters",
        "l.csv",
        csv(f"{'x' * 5000},R01-D01,2026-09,3,,,"),
        None,
        (ROW, 2, "indicator", "…"),
    ),
    ("merged cells in column A", "m.xlsx", merged_column_a(), None, (ROW, 3, "indicator", "empty")),
    ("gap rows", "g.xlsx", gap_rows(), None, (ROW, 5, "period", "not ended")),
    ("sparse rows", "s.xlsx", sparse_row(), None, (ROW, 3, "indicator", "empty")),
    (
        "a dimension smaller than the data",
        "d.xlsx",
        zip_edit(GOOD_XLSX, "xl/worksheets/sheet1.xml", dimension("A1:B2")),
        None,
        (ROW, 3, "period", "not ended"),
    ),
    (
        "a dimension of the whole sheet",
        "d.xlsx",
        zip_edit(GOOD_XLSX, "xl/worksheets/sheet1.xml", dimension("A1:XFD1048576")),
        None,
        (ROW, 3, "period", "not ended"),
    ),
    (
        "XXE in a sheet",
        "x.xlsx",
        zip_edit(GOOD_XLSX, "xl/worksheets/sheet1.xml", with_prolog(XXE)),
        None,
        (REFUSED, "DTD, which is refused for safety"),
    ),
    (
        "billion laughs in a sheet",
        "x.xlsx",
        zip_edit(GOOD_XLSX, "xl/worksheets/sheet1.xml", with_prolog(LAUGHS)),
        None,
        (REFUSED, "DTD, which is refused for safety"),
    ),
    (
        "billion laughs in the workbook",
        "x.xlsx",
        zip_edit(GOOD_XLSX, "xl/workbook.xml", with_prolog(LAUGHS)),
        None,
        (REFUSED, "DTD, which is refused for safety"),
    ),
    (
        "a plain DTD in the content types",
        "x.xlsx",
        zip_edit(GOOD_XLSX, "[Content_Types].xml", with_prolog(PLAIN_DTD)),
        None,
        (REFUSED, "DTD, which is refused for safety"),
    ),
    (
        "a shared string that is not there",
        "x.xlsx",
        zip_edit(
            GOOD_XLSX,
            "xl/worksheets/sheet1.xml",
            lambda t: re.sub(r'<c r="A2"[^>]*>.*?</c>', '<c r="A2" t="s"><v>999</v></c>', t, count=1),
        ),
        None,
        (REFUSED, "cannot be read"),
    ),
    (
        "a date cell in year 0",
        "x.xlsx",
        zip_edit(
            GOOD_XLSX,
            "xl/worksheets/sheet1.xml",
            lambda t: re.sub(r'<c r="C2"[^>]*>.*?</c>', '<c r="C2" t="d"><v>0000-01-01T00:00:00</v></c>', t, count=1),
        ),
        None,
        (REFUSED, "cannot be read"),
    ),
    ("a line of 5 MB without a break", "big.csv", HEAD.encode() + b"x" * (5 << 20), None, (REFUSED, "line break")),
    ("JSON nested 100,000 deep", "deep.json", deep_json(), None, (REFUSED, "nested")),
    (
        "JSON rows nested 100,000 deep",
        "deep.json",
        b'{"rows": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}",
        "json-rows",
        (REFUSED, "nested"),
    ),
    (
        "a lone surrogate in a comment",
        "s.json",
        surrogate_json(comment="\ud800"),
        None,
        (ROW, 1, "comment", "not text"),
    ),
    (
        "a lone surrogate in an id",
        "s.json",
        surrogate_json(dataElement="\ud800x"),
        None,
        (ROW, 1, "dataElement", "mapping"),
    ),
    ("a lone surrogate in a value", "s.json", surrogate_json(value="1\ud800"), None, (ROW, 1, "value", "not text")),
    (
        "a lone surrogate in a period",
        "s.json",
        surrogate_json(period="2026\ud800"),
        None,
        (ROW, 1, "period", "not text"),
    ),
    (
        "a lone surrogate in a key",
        "s.json",
        json.dumps(
            {
                "\ud800": 1,
                "dataValues": [
                    {
                        "dataElement": "fbfJHSPpUQD",
                        "orgUnit": "MdHospR0200",
                        "period": "209901",
                        "value": "5",
                        "\udc00": "\udc00",
                    }
                ],
            }
        ).encode(),
        None,
        (ROW, 1, "period", "not ended"),
    ),
    (
        "lone surrogates in JSON rows",
        "s.json",
        json.dumps(
            {
                "rows": [
                    {
                        "indicator": "homicides\ud800",
                        "org_unit": "R01-D01",
                        "period": "2026-09",
                        "value": 3,
                        "\ud800": 1,
                    }
                ]
            }
        ).encode(),
        "json-rows",
        (ROW, 1, "indicator", "not text"),
    ),
    ("an empty value set", "e.json", b'{"dataValues": []}', None, (REFUSED, "no data")),
    ("no JSON rows", "e.json", b"[]", "json-rows", (REFUSED, "no data")),
]


@pytest.fixture
def sierra_leone_ids(db):
    """DHIS2 ids the JSON cases use (the demo maps its own; these are the play server's)."""
    from stocktake.collection.models import Dhis2Mapping

    Dhis2Mapping.objects.get_or_create(kind="data_element", dhis2_id="fbfJHSPpUQD", defaults={"code": "ae-attendances"})
    Dhis2Mapping.objects.get_or_create(kind="org_unit", dhis2_id="MdHospR0200", defaults={"code": "R01-D01-H1"})


def check(batch: ImportBatch, expect) -> None:
    assert batch.status in ("done", "refused")
    if expect[0] == REFUSED:
        assert batch.status == "refused" and expect[1] in batch.message, batch.message
        assert len(batch.message) < 400
        return
    _, row, column, words = expect
    assert batch.rows_accepted == 0, batch.errors
    found = [e for e in batch.errors if e["row"] == row and e["column"] == column]
    assert any(words in e["message"] for e in found), batch.errors
    assert all(len(e["message"]) <= 200 for e in batch.errors), batch.errors


@pytest.mark.parametrize("name, file_name, data, fmt, expect", CASES, ids=[c[0] for c in CASES])
def test_every_hostile_file_is_refused_or_rejected_cleanly_and_changes_nothing(
    run, sierra_leone_ids, name, file_name, data, fmt, expect
):
    before = state()
    batch = run(data, name=file_name, fmt=fmt)
    check(batch, expect)
    assert state() == before
    batch.refresh_from_db()
    assert batch.status != "running"


CLI_CASES = [c for c in CASES if c[3] is None]


@pytest.mark.parametrize("name, file_name, data, fmt, expect", CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_the_cli_refuses_or_rejects_every_hostile_file_with_exit_1_and_no_traceback(
    tmp_path, sierra_leone_ids, capsys, name, file_name, data, fmt, expect
):
    path = tmp_path / file_name
    path.write_bytes(data)
    before = state()
    with pytest.raises(CommandError) as raised:
        call_command("import", str(path), "--quiet-progress")
    assert raised.value.returncode == 1
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    assert state() == before
    assert ImportBatch.objects.filter(interface="cli").exclude(status="running").count() == 1
