"""Column mappings for files as they arrive, read without a database: the real NHS files in tests/collection/files."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest

from stocktake.delivery import importrows as R
from stocktake.delivery import sourcemaps as M
from stocktake.delivery import tabular as T

REAL = Path(__file__).parents[1] / "collection" / "files" / "real"


def mapped(data: bytes, mapping: dict, notes: list | None = None, unnamed: str = "refuse"):
    header, rows = T.read_csv(io.BytesIO(data), notes=notes, unnamed=unnamed)
    return list(M.mapped_records(header, rows, mapping, R.parse_number, notes=notes))


SIMPLE = {"org_unit": "unit", "period": "period", "indicators": [{"indicator": "deaths", "value": "deaths"}]}


# --- unnamed header cells ------------------------------------------------------


def test_an_empty_header_cell_refuses_the_file_naming_the_cell_and_the_option():
    data = b"unit,period,,deaths\nD1,2026-09,x,4\n"
    with pytest.raises(T.FileError, match=r"header cell 3 \(C1\) is empty.*unnamed_columns"):
        mapped(data, SIMPLE)


def test_unnamed_header_cells_and_a_stray_cell_are_ignored_on_request_and_the_report_says_so():
    # empty cells C1 and E1, and a stray 'x' in F1 over no data (its rows end one cell short)
    data = b"unit,period,,deaths,,x\nD1,2026-09,note,4,\nD2,2026-09,,5,\n"
    notes: list[str] = []
    out = mapped(data, SIMPLE, notes, unnamed="ignore")
    assert [(n, r["org_unit"], r["value"]) for n, r in out] == [(2, "D1", 4.0), (3, "D2", 5.0)]
    assert notes == ["CSV: header cell(s) C1, E1 have no name; their columns were ignored"]


def test_with_unnamed_columns_ignored_a_row_short_of_a_column_the_mapping_reads_names_row_and_column():
    data = b"unit,period,,deaths\nD1,2026-09\n"
    (n, err), *_ = mapped(data, SIMPLE, [], unnamed="ignore")
    assert n == 2 and isinstance(err, M.ShapeError) and err.column == "deaths"
    assert "ends before column 'deaths'" in str(err)


def test_unnamed_header_cells_in_a_workbook_are_ignored_on_request():
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["unit", "period", None, "deaths", None, None, "x"])
    ws.append(["D1", "2026-09", "memo", 4])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(T.FileError, match=r"C1\) is empty"):
        T.read_xlsx(io.BytesIO(buf.getvalue()))
    notes: list[str] = []
    header, rows = T.read_xlsx(io.BytesIO(buf.getvalue()), unnamed="ignore", notes=notes)
    assert header == ["unit", "period", "deaths", "x"]
    assert list(rows) == [(2, {"unit": "D1", "period": "2026-09", "deaths": "4", "x": ""})]
    assert "C1, E1, F1" in notes[0]


# --- skip rules ------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["TOTAL", "Total", "TOTAl", " total ", "TOTAL ", "to tal"])
def test_skip_rules_ignore_case_and_spaces(cell):
    data = f"unit,period,deaths\n{cell},2026-09,40\nD1,2026-09,4\n".encode()
    mapping = {**SIMPLE, "skip": [{"column": "unit", "in": ["TOTAL", "to  tal"]}]}
    out = mapped(data, mapping)
    skipped = [(n, r.reason) for n, r in out if isinstance(r, M.Skipped)]
    assert skipped == [(2, f"unit is {'to  tal' if cell == 'to tal' else 'TOTAL'}")]
    assert [r["org_unit"] for _, r in out if isinstance(r, dict)] == ["D1"]


def test_the_real_april_2023_file_spells_its_total_row_TOTAl_and_the_rule_still_skips_it():
    data = (REAL / "nhs_providers_2023_04.csv").read_bytes()
    assert b"\nTOTAl," in data
    mapping = {
        "org_unit": "Org Code",
        "period": {"column": "Period", "format": "MSitAE-%B-%Y"},
        "skip": [{"column": "Org Code", "in": ["TOTAL"]}],
        "indicators": [{"indicator": "t1", "value": "A&E attendances Type 1"}],
    }
    out = mapped(data, mapping)
    assert Counter(r.reason for _, r in out if isinstance(r, M.Skipped)) == {"Org Code is TOTAL": 1}
    assert not [r for _, r in out if isinstance(r, dict) and r["org_unit"].lower() == "total"]


# --- optional columns, constant unit, disaggregation, periods ------------------------

PROVIDERS = {
    "org_unit": "Org Code",
    "period": {"column": "Period", "format": "MSitAE-%B-%Y", "kind": "M"},
    "skip": [{"column": "Org Code", "in": ["TOTAL"]}],
    "optional": ["A&E attendances Booked Appointments Type 1"],
    "indicators": [
        {"indicator": "t1", "value": "A&E attendances Type 1 + A&E attendances Booked Appointments Type 1"},
    ],
}


def test_one_mapping_reads_the_files_before_and_after_a_column_appears():
    notes: list[str] = []
    before = mapped((REAL / "nhs_providers_2020_04.csv").read_bytes(), PROVIDERS, notes)
    after = mapped((REAL / "nhs_providers_2026_02.csv").read_bytes(), PROVIDERS, [])
    assert notes == [
        "optional column(s) 'A&E attendances Booked Appointments Type 1' are not in this file: read as blank"
    ]
    assert not [r for _, r in before + after if isinstance(r, Exception)]
    rwy = [r for _, r in after if isinstance(r, dict) and r["org_unit"] == "RWY"]
    assert rwy and rwy[0]["period"] == "2026-02"
    assert {r["period"] for _, r in before if isinstance(r, dict)} == {"2020-04"}
    strict = {**PROVIDERS, "optional": []}
    with pytest.raises(T.FileError, match="Booked Appointments Type 1.*optional columns"):
        mapped((REAL / "nhs_providers_2020_04.csv").read_bytes(), strict)


def test_a_national_file_without_a_unit_column_names_one_unit():
    mapping = {
        "org_unit": {"code": "NHS-ENG"},
        "period": "period",
        "indicators": [{"indicator": "eng-attendances", "value": "att_total"}],
    }
    out = mapped((REAL / "england_ae_monthly_2010_2024.csv").read_bytes(), mapping)
    assert len(out) == 164 and {r["org_unit"] for _, r in out} == {"NHS-ENG"}
    assert out[0][1]["period"] == "2010-08" and out[0][1]["value"] == 1752381.0


def test_a_disaggregation_comes_from_a_column_named_and_recoded():
    mapping = {
        "org_unit": "org_code",
        "period": {"column": "period", "format": "%Y-%m-%d"},
        "disaggregation": {"column": "type", "name": "type", "values": {"other": "3"}},
        "indicators": [{"indicator": "att", "value": "attendances"}],
    }
    out = mapped((REAL / "ae_attendances_cut.csv").read_bytes(), mapping)
    rf4 = {r["disaggregation"]: r["value"] for _, r in out if r["org_unit"] == "RF4" and r["period"] == "2017-03"}
    assert rf4 == {"type=1": 21289.0, "type=2": 813.0, "type=3": 2850.0}


def test_a_blank_or_total_breakdown_cell_is_the_total():
    data = b"unit,period,sex,deaths\nD1,2026-09,All,9\nD1,2026-09,Female,4\nD1,2026-09,,5\n"
    mapping = {**SIMPLE, "disaggregation": {"column": "sex", "name": "sex", "total": ["all"]}}
    assert [r["disaggregation"] for _, r in mapped(data, mapping)] == ["", "sex=female", ""]


def test_a_fiscal_quarter_label_is_built_from_two_columns_and_left_to_the_period_reader():
    mapping = {
        "org_unit": {"code": "NHS-ENG"},
        "period": {"text": "{fiscal_year} {q}"},
        "indicators": [{"indicator": "q-att", "value": "total_attendances"}],
    }
    out = mapped((REAL / "england_ae_quarterly_2004_2016.csv").read_bytes(), mapping)
    assert out[0][1]["period"] == "2004/05 Q1" and out[0][1]["value"] == 4502578.0
    assert len(out) == 50


def test_every_file_row_yields_at_least_once_so_skipped_rows_are_counted():
    data = b"unit,period,deaths\nD1,2026-09,\nTOTAL,2026-09,9\nD2,2026-09,3\n"
    out = mapped(data, {**SIMPLE, "skip": [{"column": "unit", "in": ["total"]}]})
    assert [(n, type(r).__name__) for n, r in out] == [(2, "Skipped"), (3, "Skipped"), (4, "dict")]
    assert out[0][1].reason == "no value in the mapped columns"


def test_a_zero_denominator_can_mean_no_record_rather_than_an_error():
    data = b"unit,period,seen,all\nD1,2026-09,0,0\nD2,2026-09,3,4\n"
    mapping = {
        **SIMPLE,
        "indicators": [{"indicator": "share", "numerator": "seen", "denominator": "all", "zero_denominator": "skip"}],
    }
    out = mapped(data, mapping)
    assert out[0][1].reason == "share: denominator 0" and out[1][1]["denominator"] == 4.0


def test_a_number_that_is_not_one_names_the_files_column():
    (n, err), *_ = mapped(b"unit,period,deaths\nD1,2026-09,9.1k\n", SIMPLE)
    assert (n, err.column) == (2, "deaths") and "'9.1k' is not a number" in str(err)


# --- checking a mapping when it is saved ------------------------------------------------


def test_a_mapping_is_checked_when_saved_naming_each_field():
    problems = M.check_mapping(
        {
            "org_unit": {"colum": "x"},
            "period": {"year": "ano"},
            "indicators": [{"indicator": "a"}, {"value": "v"}, {"indicator": "r", "numerator": "n"}],
            "skp": [],
            "skip": [{"column": "c", "in": "TOTAL"}],
            "unnamed_columns": "drop",
            "disaggregation": {"name": "sex"},
        }
    )
    assert problems == [
        "skp: not a mapping option (see docs/collection.md)",
        'org_unit: a column name, {"column": name} or {"code": a unit code}',
        "period.month: required with period.year",
        "indicators[0]: give a value, or a numerator and denominator",
        "indicators[1].indicator: required",
        "indicators[2].denominator: required with a numerator",
        'disaggregation: a code, or {"column": name, "name": "sex", "values": {...}, "total": [...]}',
        'skip[0]: {"column": name, "in": [values]}',
        "unnamed_columns: one of refuse, ignore",
    ]
    assert M.check_mapping(SIMPLE) == []


def test_a_period_that_is_neither_a_column_nor_an_object_refuses_the_file_not_crashes():
    with pytest.raises(T.FileError, match="the mapping's period is a column name or an object"):
        mapped(b"unit,period,deaths\nD1,2026-09,4\n", {**SIMPLE, "period": 5})
