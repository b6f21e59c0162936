"""import(export(db)) leaves the database as it was: on the demo, and from an empty database."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from stocktake.accounts.models import AuditEntry
from stocktake.onboarding import export, reader
from stocktake.onboarding.load import load

pytestmark = pytest.mark.django_db


def _tables(path):
    return {name: (t.header, t.rows) for name, t in reader.read(path).items()}


def test_the_demo_export_loaded_back_into_the_demo_changes_nothing(tmp_path):
    path = tmp_path / "demo.xlsx"
    with open(path, "wb") as out:
        export.write_xlsx(out)
    audits = AuditEntry.objects.count()
    result = load(reader.read(path))
    assert result.stored and not result.problems, result.problems
    assert result.changes == 0
    assert result.counts["OrgUnits"]["unchanged"] > 100 and result.counts["Targets"]["unchanged"] > 5
    assert result.counts["Strategies"]["unchanged"] == 15 and result.counts["Milestones"]["unchanged"] == 34
    assert AuditEntry.objects.count() == audits


def test_the_zip_of_csv_files_reads_as_the_workbook_does(tmp_path):
    with open(tmp_path / "demo.xlsx", "wb") as out:
        export.write_xlsx(out)
    with open(tmp_path / "demo.zip", "wb") as out:
        export.write_zip(out)
    assert _tables(tmp_path / "demo.zip") == _tables(tmp_path / "demo.xlsx")
    folder = tmp_path / "csv"
    folder.mkdir()
    import zipfile

    zipfile.ZipFile(tmp_path / "demo.zip").extractall(folder)
    assert _tables(folder) == _tables(tmp_path / "demo.xlsx")
    assert load(reader.read(folder)).changes == 0


def test_the_template_is_blank_with_instructions(tmp_path):
    path = tmp_path / "template.xlsx"
    call_command("setup", str(path), "--template")
    tables = reader.read(path)
    assert all(not t.rows for t in tables.values()) and len(tables) == 12
    from openpyxl import load_workbook

    wb = load_workbook(path)
    assert wb.sheetnames[0] == "Instructions"
    text = " ".join(str(c) for row in wb["Instructions"].iter_rows(values_only=True) for c in row if c)
    assert "starts at 1" in text and "denominator_label" in text and "accountable_leader" in text


def _stocktake(env, *args):
    done = subprocess.run(
        [sys.executable, "-m", "stocktake", *args], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_demo_export_builds_the_same_government_in_an_empty_database(tmp_path):
    """Load the demo, export, import into an empty database, export again: the two workbooks are the same."""
    first = tmp_path / "demo.xlsx"
    with open(first, "wb") as out:
        export.write_xlsx(out)
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOCKTAKE_DATABASE")}
    env["STOCKTAKE_DATA_DIR"] = str(tmp_path / "empty")
    _stocktake(env, "migrate", "-v0")
    said = _stocktake(env, "setup", str(first))
    assert "OrgUnits: 151 created" in said and "refused" not in said
    assert "Strategies: 15 created" in said and "Milestones: 34 created" in said
    second = tmp_path / "again.xlsx"
    _stocktake(env, "setup", "--export", str(second))
    assert _tables(second) == _tables(first)
    assert "created" not in _stocktake(env, "setup", str(first))  # and once more changes nothing


def test_the_demo_is_built_from_its_shipped_setup_workbook_and_loading_it_again_changes_nothing():
    """The demo's structure is the CSV workbook under src/stocktake/demo/setup: loaded again, nothing changes."""
    from stocktake.architecture.models import Indicator, OrgUnit, Priority
    from stocktake.demo.build import SETUP
    from stocktake.plans.models import Milestone, Strategy

    tables = reader.read(SETUP)
    assert {len(tables["OrgUnits"].rows), len(tables["Priorities"].rows)} == {151, 12}
    assert (len(tables["Strategies"].rows), len(tables["Milestones"].rows)) == (15, 34)
    assert Strategy.objects.count() == 15 and Milestone.objects.count() == 34
    assert {v["code"] for _n, v in tables["Indicators"].rows} <= set(Indicator.objects.values_list("code", flat=True))
    assert OrgUnit.objects.count() == 151 and Priority.objects.count() == 12
    audits = AuditEntry.objects.count()
    result = load(tables)
    assert result.stored and not result.problems, result.problems
    assert result.changes == 0 and AuditEntry.objects.count() == audits, result.counts
    assert AuditEntry.objects.filter(reason="The demo's setup workbook", model="architecture.orgunit").count() == 151
    made = AuditEntry.objects.filter(interface="system", action="create")
    assert made.filter(model="plans.strategy").count() == 15 and made.filter(model="plans.milestone").count() == 34
