"""Writes the corpus of bad files in bad/ (run once; the files are committed). Large ones are made by the tests."""

from pathlib import Path

import openpyxl

HERE = Path(__file__).parent / "bad"
HEAD = "indicator,org_unit,period,value,numerator,denominator,comment\n"


def main():
    HERE.mkdir(exist_ok=True)
    (HERE / "truncated_quote.csv").write_bytes(
        (HEAD + 'homicides,R01-D01,2026-09,12,,,"ok"\nhomicides,R01-D02,2026-09,7,,,"cut off').encode()
    )
    (HERE / "truncated_row.csv").write_bytes((HEAD + "homicides,R01-D01,2026-09,12,,,\nhomicides,R01-D0").encode())
    (HERE / "utf16_no_bom.csv").write_bytes((HEAD + "homicides,R01-D01,2026-09,12,,,\n").encode("utf-16-le"))
    (HERE / "latin1_comment.csv").write_bytes(
        (HEAD + "homicides,R01-D01,2026-09,12,,,São Gonçalo checked\n").encode("latin-1")
    )
    (HERE / "bom_semicolon.csv").write_bytes(
        ("\ufeff" + HEAD.replace(",", ";") + "homicides;R01-D01;2026-09;12;;;\n").encode()
    )
    (HERE / "not_a_zip.xlsx").write_bytes(b"<html><body>Session expired, please log in</body></html>")
    (HERE / "empty.csv").write_bytes(b"")
    (HERE / "header_only.csv").write_bytes(HEAD.encode())
    (HERE / "wrong_columns.csv").write_bytes(b"Trust,Month,Attendances\nRF4,2017-03,21289\n")
    (HERE / "dhis2_unknown_ids.json").write_text(
        '{"dataSet": "pBOMPrpg1QX", "period": "202609", "dataValues": ['
        '{"dataElement": "fbfJHSPpUQD", "orgUnit": "MdHospR0200", "value": "9001"},'
        '{"dataElement": "NOPEnope123", "orgUnit": "MdHospR0200", "value": "5"},'
        '{"dataElement": "fbfJHSPpUQD", "orgUnit": "Jkhdsf8sdf4", "value": "18"}]}'
    )
    (HERE / "dhis2_not_a_value_set.json").write_text('{"dataValues": "none"}')

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Homicides by district, September 2026", None, None, None])
    ws.merge_cells("A1:D1")
    ws.append(["indicator", "org_unit", "period", "value"])
    ws.append(["homicides", "R01-D01", "2026-09", 12])
    wb.save(HERE / "merged_header.xlsx")

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["indicator", "org_unit", "period", "value"])
    ws.append(["homicides", "R01-D01", "2026-09", 12])
    ws.append(["homicides", "R01-D02", "2026-09", "=B2*2"])
    ws.append(["homicides", "R01-D03", "2026-09", '=HYPERLINK("http://evil.invalid","x")'])
    wb.save(HERE / "formulas.xlsx")


if __name__ == "__main__":
    main()
