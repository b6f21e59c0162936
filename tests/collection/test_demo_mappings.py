"""The demo's saved mappings on the real files they are for, on the demo itself; and the mapping options for files
as they arrive (unnamed header cells, skip rules, optional columns, a constant unit, a breakdown) end to end."""

from __future__ import annotations

import csv
import io
import json

import pytest

from stocktake.architecture.models import Indicator, OrgUnit, Period
from stocktake.collection import actions
from stocktake.collection.models import ColumnMapping
from stocktake.demo import collection as demo
from stocktake.monitoring import rollups
from stocktake.monitoring.models import DataValue
from tests import factories
from tests.factories import indicator

from .conftest import REAL

PROVIDER_FILES = ["nhs_providers_2020_04.csv", "nhs_providers_2023_04.csv", "nhs_providers_2026_02.csv"]


def _file(name: str) -> list[dict]:
    with open(REAL / name, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def _attended(row: dict) -> float:
    return sum(float(v) for k, v in row.items() if k.startswith("A&E attendances"))


def _national(code: str, month: str) -> float | None:
    return rollups.read(
        Indicator.objects.get(code=code), OrgUnit.objects.get(code="NHS-ENG"), Period.objects.get(code=month)
    )


def test_the_demo_saves_only_mappings_whose_indicators_and_parent_units_it_has_or_makes(db):
    saved = {m.name: m.config for m in ColumnMapping.objects.all()}
    assert set(demo.MAPPINGS) <= set(saved)
    for name in demo.MAPPINGS:
        config = saved[name]
        for item in config["indicators"]:
            assert Indicator.objects.filter(code=item["indicator"]).exists(), (name, item["indicator"])
        made = {c["code"] for c in config["create_org_units"].get("create", [])}
        for item in config["create_org_units"].get("create", []):
            assert item["under"] in made or OrgUnit.objects.filter(code=item["under"]).exists(), name
        assert config["create_org_units"]["parent"] in made


@pytest.mark.parametrize("name", PROVIDER_FILES)
def test_the_provider_mapping_takes_each_monthly_file_as_published_and_england_matches_its_total_row(db, run, name):
    rows = _file(name)
    total = next(r for r in rows if r["Org Code"].strip().lower() == "total")
    providers = [r for r in rows if r is not total]
    batch = run((REAL / name).read_bytes(), name=name, mapping=ColumnMapping.objects.get(name="nhs-ae-providers"))
    assert batch.status == "done" and batch.rows_rejected == 0, (batch.message, batch.errors[:5])
    zero = sum(1 for r in providers if _attended(r) == 0)
    assert batch.rows_read == len(rows)  # every row of the file, the total row included
    assert batch.rows_skipped == 1 and batch.skipped == {"Org Code is TOTAL": 1}
    assert batch.records == 2 * len(providers) - zero  # attendances for each; no 4-hour share where none attended
    assert batch.rows_accepted == batch.records
    month = next(
        p.period.code for p in DataValue.objects.filter(source=f"import #{batch.pk}").select_related("period")[:1]
    )
    assert _national("ae-attendances", month) == _attended(total)
    over = sum(float(v) for k, v in total.items() if k.startswith("Attendances over 4hrs"))
    assert _national("ae-4h", month) == pytest.approx(100 * (1 - over / _attended(total)))
    booked = any("Booked" in k for k in rows[0])
    assert bool([w for w in batch.warnings if w["rule"] == "optional-columns"]) is not booked  # said when absent


def test_without_the_skip_rule_the_national_total_row_of_a_real_file_doubles_england(db, run):
    """February 2026's TOTAL row carries a real period, so without the rule it is read as one more provider."""
    name = "nhs_providers_2026_02.csv"
    total = next(r for r in _file(name) if r["Org Code"] == "TOTAL")
    config = {k: v for k, v in demo.NHS_PROVIDERS_MAPPING.items() if k != "skip"}
    actions.save_column_mapping(name="no-skip", config=config, user=factories.user("admin"), interface="system")
    batch = run((REAL / name).read_bytes(), name=name, mapping=ColumnMapping.objects.get(name="no-skip"))
    assert batch.status == "done" and batch.rows_skipped == 0
    assert OrgUnit.objects.filter(code="NHS-TOTAL").exists()
    assert _national("ae-attendances", "2026-02") == 2 * _attended(total)


def test_the_total_row_spelt_TOTAl_is_skipped_by_the_rule_TOTAL(db, run):
    name = "nhs_providers_2023_04.csv"
    assert any(r["Org Code"] == "TOTAl" for r in _file(name))
    batch = run((REAL / name).read_bytes(), name=name, mapping=ColumnMapping.objects.get(name="nhs-ae-providers"))
    assert batch.skipped == {"Org Code is TOTAL": 1} and batch.rows_rejected == 0
    assert not OrgUnit.objects.filter(code__iexact="NHS-TOTAL").exists()


def test_the_import_report_shows_the_counts_on_its_page_in_the_api_and_the_cli(db, run, users, client):
    name = "nhs_providers_2026_02.csv"
    batch = run((REAL / name).read_bytes(), name=name, mapping=ColumnMapping.objects.get(name="nhs-ae-providers"))
    client.force_login(users["admin"])
    html = client.get(f"/collection/imports/{batch.pk}/").content.decode()
    assert f"File rows read: {batch.rows_read} · records made from them: {batch.records}" in html
    assert "rows skipped by the mapping: 1" in html and "1 skipped: Org Code is TOTAL" in html
    api = client.get(f"/api/collection/imports/{batch.pk}").json()
    assert (api["rows_read"], api["records"], api["rows_skipped"], api["skipped"]) == (
        198,
        batch.records,
        1,
        {"Org Code is TOTAL": 1},
    )


def test_unnamed_header_cells_refuse_the_file_unless_the_mapping_ignores_them_and_the_report_says_so(db, run):
    indicator("blank-cols", aggregation="sum", report_depth=4, min_value=0)
    data = b"unit,period,,deaths,,x\nR01-D01-H1,2026-09,memo,4\n"
    config = {"org_unit": "unit", "period": "period", "indicators": [{"indicator": "blank-cols", "value": "deaths"}]}
    actions.save_column_mapping(name="blanks", config=config, user=factories.user("admin"), interface="system")
    refused = run(data, name="b.csv", mapping=ColumnMapping.objects.get(name="blanks"))
    assert refused.status == "refused" and "header cell 3 (C1) is empty" in refused.message
    config["unnamed_columns"] = "ignore"
    actions.save_column_mapping(name="blanks", config=config, user=factories.user("admin"), interface="system")
    batch = run(data, name="b.csv", mapping=ColumnMapping.objects.get(name="blanks"))
    assert batch.status == "done" and batch.rows_accepted == 1, batch.errors
    notes = [w["message"] for w in batch.warnings if w["rule"] == "unnamed-columns"]
    assert notes == ["CSV: header cell(s) C1, E1 have no name; their columns were ignored"]


def test_a_national_file_without_a_unit_column_is_read_into_one_named_unit(db, run):
    indicator("eng-ae-attendances", aggregation="sum", report_depth=2, min_value=0)
    config = {
        "org_unit": {"code": "NHS-ENG"},
        "period": "period",
        "indicators": [{"indicator": "eng-ae-attendances", "value": "att_total"}],
        "create_org_units": {"parent": "NAT", "create": [demo._NHS_ENG]},
    }
    actions.save_column_mapping(name="eng-monthly", config=config, user=factories.user("admin"), interface="system")
    name = "england_ae_monthly_2010_2024.csv"
    batch = run((REAL / name).read_bytes(), name=name, mapping=ColumnMapping.objects.get(name="eng-monthly"))
    assert (batch.status, batch.rows_read, batch.rows_accepted, batch.rows_rejected) == ("done", 164, 164, 0), (
        batch.message
    )
    march = next(r for r in _file(name) if r["period"] == "2024-03")
    assert _national("eng-ae-attendances", "2024-03") == float(march["att_total"])


def test_a_breakdown_by_department_type_comes_from_a_column_and_leaves_the_total_alone(db, run):
    config = {
        **{k: v for k, v in demo.NHS_TRUSTS_MAPPING.items() if k != "combine"},
        "disaggregation": {"column": "type", "name": "type"},
    }
    actions.save_column_mapping(name="by-type", config=config, user=factories.user("admin"), interface="system")
    name = "ae_attendances_cut.csv"
    batch = run((REAL / name).read_bytes(), name=name, mapping=ColumnMapping.objects.get(name="by-type"))
    assert batch.status == "done" and batch.rows_rejected == 0, batch.errors[:3]
    rf4 = dict(
        DataValue.objects.filter(
            indicator__code="ae-attendances", org_unit__code="NHS-RF4", period__code="2017-03"
        ).values_list("disaggregation", "value")
    )
    assert rf4 == {"type=1": 21289.0, "type=2": 813.0, "type=other": 2850.0}
    assert _national("ae-attendances", "2017-03") is None  # breakdowns are not totals: no total was sent


def test_a_mapping_with_a_mistake_is_refused_when_saved_naming_the_field(db):
    du = factories.sign_in("manager")
    bad = {"org_unit": "Code", "period": "Month", "indicators": [{"indicator": "ae-4h"}], "skp": []}
    r = du.put("/api/collection/mappings/typo", {"config": bad}, content_type="application/json")
    assert r.status_code == 400, r.content
    text = r.content.decode()
    assert "skp: not a mapping option" in text and "indicators[0]: give a value" in text
    assert not ColumnMapping.objects.filter(name="typo").exists()


def test_a_row_short_of_a_read_column_names_row_and_column(db, run):
    indicator("short-rows", aggregation="sum", report_depth=4, min_value=0)
    config = {
        "org_unit": "unit",
        "period": "period",
        "unnamed_columns": "ignore",
        "indicators": [{"indicator": "short-rows", "value": "deaths"}],
    }
    actions.save_column_mapping(name="short", config=config, user=factories.user("admin"), interface="system")
    batch = run(
        b"unit,period,,deaths\nR01-D01-H1,2026-09\n", name="s.csv", mapping=ColumnMapping.objects.get(name="short")
    )
    assert batch.errors == [
        {
            "row": 2,
            "column": "deaths",
            "message": "short-rows: the row ends before column 'deaths' (fewer cells than the header)",
        }
    ]


def test_reading_a_latin1_file_through_the_demo_rio_mapping_still_counts_rows(db, run):
    name = "BaseMunicipioMensal_cut.csv"
    batch = run((REAL / name).read_bytes(), name=name, mapping=ColumnMapping.objects.get(name="rio-isp-municipal"))
    lines = len(io.BytesIO((REAL / name).read_bytes()).read().splitlines()) - 1
    assert (batch.rows_read, batch.records, batch.rows_skipped) == (lines, lines, 0)


def test_the_mappings_page_saves_a_mapping_and_refuses_a_mistake_naming_the_field(db):
    lead = factories.sign_in("health-data")
    page = lead.get("/collection/mappings/?edit=nhs-ae-providers").content.decode()
    assert "MSitAE-%B-%Y" in page and 'name="config"' in page  # the saved mapping, ready to edit
    good = {"org_unit": "unit", "period": "period", "indicators": [{"indicator": "ae-attendances", "value": "seen"}]}
    r = lead.post(
        "/collection/mappings/", {"name": "clinic-files", "description": "clinics", "config": json.dumps(good)}
    )
    assert r.status_code == 302 and ColumnMapping.objects.get(name="clinic-files").config == good
    r = lead.post("/collection/mappings/", {"name": "clinic-files", "config": '{"org_unit": "unit",'})
    assert r.status_code == 400 and "config: not valid JSON (line 1" in r.content.decode()
    bad = {**good, "skip": [{"column": "unit", "in": "TOTAL"}]}
    r = lead.post("/collection/mappings/", {"name": "clinic-files", "config": json.dumps(bad)})
    assert r.status_code == 400
    assert "config: skip[0]: {&quot;column&quot;: name, &quot;in&quot;: [values]}" in r.content.decode()
    assert ColumnMapping.objects.get(name="clinic-files").config == good  # unchanged
    r = lead.post("/collection/mappings/", {"name": "Clinic files!", "config": json.dumps(good)})
    assert r.status_code == 400 and "name: letters, digits and hyphens" in r.content.decode()
    observer = factories.sign_in("observer")
    assert observer.post("/collection/mappings/", {"name": "x", "config": "{}"}).status_code == 403


def test_the_back_office_checks_a_mapping_as_the_api_does(db):
    admin = factories.sign_in("admin")
    bad = {"org_unit": "unit", "period": "period", "indicators": [{"indicator": "ae-attendances"}]}
    r = admin.post(
        "/admin/collection/columnmapping/add/", {"name": "typo", "description": "", "config": json.dumps(bad)}
    )
    assert r.status_code == 200 and "indicators[0]: give a value" in r.content.decode()
    assert not ColumnMapping.objects.filter(name="typo").exists()
