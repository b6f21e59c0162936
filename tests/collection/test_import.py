"""The import pipeline: long format, modes, atomicity, idempotence, history, and the bad-file corpus."""

import io
import zipfile

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum

from stocktake.accounts.models import AuditEntry
from stocktake.architecture.models import Indicator, OrgUnit, Period
from stocktake.collection.models import ImportBatch
from stocktake.delivery import periods as P
from stocktake.monitoring import rollups
from stocktake.monitoring.models import DataValue, DataValueVersion, Rollup

from .conftest import FILES

BAD = FILES / "bad"
HEAD = "indicator,org_unit,period,value,numerator,denominator,comment\n"


def state():
    """Everything an import could touch, to prove a failed one touched nothing."""
    return (
        DataValue.objects.count(),
        DataValueVersion.objects.count(),
        OrgUnit.objects.count(),
        DataValue.objects.aggregate(s=Sum("value"), n=Sum("numerator"))["s"],
        Rollup.objects.aggregate(s=Sum("total"), n=Sum("numerator"))["s"],
        AuditEntry.objects.filter(model="monitoring.datavalue").count(),
    )


def test_long_format_creates_values_then_is_idempotent_then_versions_a_change(run):
    data = (HEAD + "homicides,R01-D01,2026-11,14,,,first\nae-4h,R01-D01-H1,2026-11,,700,900,\n").encode()
    b = run(data, today=__import__("datetime").date(2026, 12, 20))
    assert (b.status, b.created, b.changed, b.rows_rejected) == ("done", 2, 0, 0)
    dv = DataValue.objects.get(indicator__code="homicides", org_unit__code="R01-D01", period__code="2026-11")
    assert dv.source == f"import #{b.pk}" and dv.state == "submitted"
    again = run(data, today=__import__("datetime").date(2026, 12, 20))
    assert (again.created, again.changed, again.unchanged) == (0, 0, 2)
    changed = run(data.replace(b",14,", b",15,"), today=__import__("datetime").date(2026, 12, 20))
    assert (changed.created, changed.changed, changed.unchanged) == (0, 1, 1)
    dv.refresh_from_db()
    assert dv.value == 15 and dv.version == 2
    assert list(dv.versions.values_list("value", "source")) == [(14, f"import #{b.pk}"), (15, f"import #{changed.pk}")]


def test_dry_run_reports_and_stores_nothing(run):
    before = state()
    b = run((HEAD + "homicides,R01-D01,2026-09,99,,,\nhomicides,R01-D01,2026-99,1,,,\n").encode(), dry_run=True)
    assert b.status == "done" and b.dry_run and b.rows_accepted == 1 and b.rows_rejected == 1
    assert b.errors == [{"row": 3, "column": "period", "message": "'2026-99' has month 99; months run 01 to 12"}]
    assert state() == before


def test_bad_rows_are_left_out_and_strict_mode_refuses_the_whole_file(run):
    data = (HEAD + "homicides,R01-D01,2026-09,99,,,\nhomicides,NOWHERE,2026-09,1,,,\n").encode()
    before = state()
    strict = run(data, strict=True)
    assert strict.status == "refused" and "strict" in strict.message and strict.rows_accepted == 0
    assert state() == before
    partial = run(data)
    assert partial.status == "done" and partial.changed == 1 and partial.rows_rejected == 1
    assert partial.errors[0] == {"row": 3, "column": "org_unit", "message": "unknown org unit code 'NOWHERE'"}


def test_a_data_lead_imports_only_their_ministry_and_the_public_nothing(run):
    data = (HEAD + "homicides,R01-D01,2026-09,99,,,\nae-attendances,R01-D01-H1,2026-09,9000,,,\n").encode()
    b = run(data, user="health-data")
    assert b.rows_accepted == 1 and b.errors[0]["column"] == "indicator" and "may not submit" in b.errors[0]["message"]
    before = state()
    assert run(data, user="observer").status == "refused"
    assert state() == before


def test_excel_in_the_long_format_imports(run):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["indicator", "org_unit", "period", "value", "numerator", "denominator"])
    ws.append(["homicides", "R02-D03", "2026-09", 4, None, None])
    ws.append(["ae-4h", "R02-D03-H1", "2026-09", None, 800, 1000])
    buf = io.BytesIO()
    wb.save(buf)
    b = run(buf.getvalue(), name="data.xlsx")
    assert b.format == "xlsx" and b.status == "done" and b.rows_accepted == 2, b.errors
    assert (
        DataValue.objects.get(indicator__code="ae-4h", org_unit__code="R02-D03-H1", period__code="2026-09").numerator
        == 800
    )


@pytest.mark.parametrize(
    "name, expect",
    [
        ("truncated_quote.csv", "truncated"),
        ("utf16_no_bom.csv", "NUL bytes"),
        ("not_a_zip.xlsx", "not a zip archive"),
        ("merged_header.xlsx", "merged header cells"),
        ("empty.csv", "empty"),
        ("header_only.csv", "header row but no data rows"),
        ("wrong_columns.csv", "lacks the column"),
        ("dhis2_not_a_value_set.json", "dataValues"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason_and_change_nothing(run, name, expect):
    before = state()
    b = run((BAD / name).read_bytes(), name=name)
    assert b.status == "refused" and expect in b.message, b.message
    assert "Nothing was stored" in b.message
    assert state() == before


@pytest.mark.parametrize(
    "name, accepted, error",
    [
        ("truncated_row.csv", 1, "has 2 cells but the header has 7"),
        ("latin1_comment.csv", 1, None),
        ("bom_semicolon.csv", 1, None),
        ("formulas.xlsx", 1, "cell D3 holds a formula"),
    ],
)
def test_messy_files_are_partly_accepted_with_a_clear_report(run, name, accepted, error):
    b = run((BAD / name).read_bytes(), name=name)
    assert b.status == "done" and b.rows_accepted == accepted, (b.message, b.errors)
    if error:
        assert any(error in e["message"] for e in b.errors), b.errors
    if name == "latin1_comment.csv":
        assert (
            DataValue.objects.get(indicator__code="homicides", org_unit__code="R01-D01", period__code="2026-09").comment
            == "São Gonçalo checked"
        )


def test_dhis2_payload_with_unknown_ids_names_them(run):
    b = run((BAD / "dhis2_unknown_ids.json").read_bytes(), name="dhis2.json")
    assert b.format == "dhis2-json" and b.rows_accepted == 1
    messages = {(e["row"], e["column"], e["message"]) for e in b.errors}
    assert (2, "dataElement", "no mapping for DHIS2 data element 'NOPEnope123'") in messages
    assert (3, "orgUnit", "no mapping for DHIS2 org unit 'Jkhdsf8sdf4'") in messages


def test_zip_bomb_is_refused_before_it_is_inflated(run):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    before = state()
    b = run(buf.getvalue(), name="report.xlsx")
    assert b.status == "refused" and "zip bomb" in b.message
    assert state() == before


def test_a_hundred_thousand_bad_rows_are_reported_and_change_nothing(run):
    lines = [HEAD] + [
        f"homicides,R01-D{i % 97:02d},2026-{i % 15:02d},{'x' if i % 2 else -i},,,\n" for i in range(100_000)
    ]
    data = "".join(lines).encode()
    before = state()
    b = run(data, strict=True)
    assert b.status == "refused" and b.rows_read == 100_000 and b.rows_rejected == 100_000
    assert len(b.errors) == 1000 and b.error_count > 100_000
    assert state() == before


def test_cli_import_prints_a_summary_and_exits_1_on_rejected_rows_unless_allowed(tmp_path, db, capsys):
    path = tmp_path / "homicides.csv"
    path.write_text(HEAD + "homicides,R04-D04,2026-09,3,,,\nhomicides,R04-D04,2026-09,4,,,\n")
    with pytest.raises(CommandError) as raised:
        call_command("import", str(path), "--user", "interior-data", "--quiet-progress")
    assert raised.value.returncode == 1 and "--allow-rejects" in str(raised.value)
    out = capsys.readouterr().out
    assert "file rows read 2, records made 2, rows skipped 0, accepted 1, rejected 1" in out
    assert "error row 3: duplicate of row 2" in out
    assert ImportBatch.objects.filter(interface="cli").exists()
    call_command("import", str(path), "--user", "interior-data", "--quiet-progress", "--allow-rejects")  # exit 0
    assert "file rows read 2, records made 2, rows skipped 0, accepted 1, rejected 1" in capsys.readouterr().out


def test_cli_exits_0_when_every_row_is_stored_and_1_when_the_file_is_refused_even_with_allow_rejects(tmp_path, db):
    good = tmp_path / "good.csv"
    good.write_text(HEAD + "homicides,R04-D04,2026-09,3,,,\n")
    call_command("import", str(good), "--user", "interior-data", "--quiet-progress")
    refused = tmp_path / "header.csv"
    refused.write_text(HEAD)
    with pytest.raises(CommandError) as raised:
        call_command("import", str(refused), "--user", "interior-data", "--quiet-progress", "--allow-rejects")
    assert raised.value.returncode == 1


def test_rollups_follow_imports_and_match_the_raw_values(run):
    """An import refreshes monitoring's rollups (the one rollup table) for what it touched; a quarter or a
    year read from them is the ratio of the summed parts of every month beneath, as from the raw values."""
    nation = OrgUnit.objects.get(code="NAT")
    ae_period = Period.objects.get(code="2026-09")
    ind = Indicator.objects.get(code="ae-4h")

    def raw(period_codes, unit=nation):
        sums = DataValue.objects.filter(
            indicator=ind, period__code__in=period_codes, disaggregation="", org_unit__path__startswith=unit.path
        ).aggregate(n=Sum("numerator"), d=Sum("denominator"))
        return sums["n"] / sums["d"] * ind.ratio_scale

    def months_of(pcode):
        p = P.parse(pcode)
        return [m.code for m in Period.objects.filter(kind="M", start__gte=p.start, end__lte=p.end)]

    def rolled(unit, pcode):
        return rollups.read(ind, unit, P.parse(pcode))

    assert rolled(nation, "2026-09") == pytest.approx(raw(["2026-09"]))
    assert rolled(nation, "2026Q3") == pytest.approx(raw(["2026-07", "2026-08", "2026-09"]))
    before = rolled(nation, "2026Q3")
    hospital = DataValue.objects.get(indicator=ind, org_unit__code="R01-D01-H1", period=ae_period)
    b = run((HEAD + f"ae-4h,R01-D01-H1,2026-09,,{hospital.numerator - 100},{hospital.denominator},\n").encode())
    assert b.changed == 1
    assert rolled(nation, "2026Q3") < before
    for pcode in ("2026-09", "2026Q3", "2026"):
        assert rolled(nation, pcode) == pytest.approx(raw(months_of(pcode)))
    region = OrgUnit.objects.get(code="R01")
    assert rolled(region, "2026-09") == pytest.approx(raw(["2026-09"], region))


def test_the_quality_checks_read_the_history_once_per_import_not_per_chunk_nor_per_unit(run, monkeypatch):
    """Cost follows the work: one read of the twelve periods before the file's, for all its rows, however
    the file is chunked; an outlier found in the last chunk still names its row."""
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from stocktake.collection import importer

    monkeypatch.setattr(importer, "CHUNK", 1)
    units = ["R01-D01", "R01-D02", "R02-D01"]
    past = {
        u: list(
            DataValue.objects.filter(indicator__code="homicides", org_unit__code=u, disaggregation="")
            .order_by("period__start")
            .values_list("value", flat=True)
        )
        for u in units
    }
    assert all(len(v) >= 12 for v in past.values())
    wild = max(past["R02-D01"]) * 10 + 100
    lines = [f"homicides,{u},2026-11,{past[u][-1]:g},,," for u in units[:2]] + [
        f"homicides,R02-D01,2026-11,{wild:g},,,"
    ]
    with CaptureQueriesContext(connection) as queries:
        b = run((HEAD + "\n".join(lines) + "\n").encode(), today=datetime.date(2026, 12, 20))
    assert (b.status, b.created) == ("done", 3)
    history_reads = [
        q["sql"]
        for q in queries.captured_queries
        if '"denominator" AS "denominator" FROM "monitoring_datavalue" WHERE' in q["sql"]
    ]
    assert len(history_reads) == 1, history_reads
    assert [w["row"] for w in b.warnings if w["rule"] == "outlier"] == [4]


def test_an_outlier_against_the_units_own_history_is_a_warning_naming_the_row(run):
    import datetime

    past = list(
        DataValue.objects.filter(indicator__code="homicides", org_unit__code="R01-D01", disaggregation="")
        .order_by("period__start")
        .values_list("value", flat=True)
    )
    assert len(past) >= 12  # the demo holds years of it
    wild = max(past) * 10 + 100
    data = (HEAD + f"homicides,R01-D02,2026-11,{past[-1]:g},,,\nhomicides,R01-D01,2026-11,{wild:g},,,\n").encode()
    b = run(data, today=datetime.date(2026, 12, 20))
    assert (b.status, b.created, b.rows_rejected) == ("done", 2, 0)  # warned, not refused
    outliers = [w for w in b.warnings if w["rule"] == "outlier"]
    assert [w["row"] for w in outliers] == [3] and "median absolute deviations" in outliers[0]["message"]


def test_completeness_names_the_units_missing_until_every_unit_has_reported(run):
    import datetime

    ind = Indicator.objects.get(code="homicides")
    units = list(OrgUnit.objects.filter(depth=ind.report_depth).order_by("path").values_list("code", flat=True))
    assert len(units) >= 3
    today = datetime.date(2027, 1, 5)
    rows = "".join(f"homicides,{code},2026-11,{n + 1},,,\n" for n, code in enumerate(units[1:]))
    b = run((HEAD + rows).encode(), today=today)
    assert (b.status, b.created) == ("done", len(units) - 1)
    found = [w for w in b.warnings if w["rule"] == "completeness"]
    share = round(100 * (len(units) - 1) / len(units))
    assert [w["message"] for w in found] == [f"homicides 2026-11: {share}% of units have reported; missing {units[0]}"]
    b = run((HEAD + f"homicides,{units[0]},2026-11,7,,,\n").encode(), today=today)
    assert b.created == 1 and [w for w in b.warnings if w["rule"] == "completeness"] == []
