"""Org units from a DHIS2 organisationUnits export or a CSV with parent codes: moves, renames, closing."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import call_command

from stocktake.accounts.models import AuditEntry
from stocktake.architecture.models import OrgUnit, OrgUnitLevel
from stocktake.monitoring.models import DataValue
from stocktake.onboarding import export, orgunits
from stocktake.onboarding.load import load

pytestmark = pytest.mark.django_db
DHIS2 = Path(__file__).parent / "files" / "dhis2_organisation_units.json"


def test_a_dhis2_export_loads_with_its_levels_and_geometry():
    call_command("setup", str(DHIS2), "--org-units", "--keep-missing")
    nation = OrgUnit.objects.get(code="OU_525")
    assert nation.depth == 1 and nation.geometry == {"type": "Point", "coordinates": [-11.7996, 8.4606]}
    clinic = OrgUnit.objects.get(code="OU_559")
    assert [u.code for u in clinic.ancestors()] == ["OU_525", "OU_264", "OU_539"] and clinic.depth == 4
    assert OrgUnit.objects.get(code="jUb8gELQApl").parent.code == "OU_193"  # no code: keyed by its DHIS2 id
    assert OrgUnitLevel.objects.get(depth=3).name == "Chiefdom"
    assert OrgUnit.objects.filter(code="NAT").exists()  # --keep-missing: the rest of the hierarchy is left
    audits = AuditEntry.objects.count()
    call_command("setup", str(DHIS2), "--org-units", "--keep-missing")
    assert AuditEntry.objects.count() == audits


def test_a_dhis2_unit_whose_parent_is_not_in_the_file_is_refused(tmp_path):
    text = DHIS2.read_text().replace('"parent": {"id": "YuQRtpLP10I"}', '"parent": {"id": "nosuchunit1"}')
    (tmp_path / "ou.json").write_text(text)
    audits = AuditEntry.objects.count()
    result = load(orgunits.read(tmp_path / "ou.json"), sheets=("Levels", "OrgUnits"))
    assert [(p.sheet, p.row, p.column) for p in result.problems] == [("OrgUnits", 6, "parent")]
    assert "nosuchunit1" in result.problems[0].reason
    assert not result.stored and AuditEntry.objects.count() == audits


def _demo_csv(path, change=lambda rows: rows):
    """The demo's hierarchy as a plain CSV with parent codes (no level column), after `change`."""
    rows = [{"code": r["code"], "name": r["name"], "parent": r["parent"] or ""} for r in export.rows("OrgUnits")]
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, ["code", "name", "parent"])
        writer.writeheader()
        writer.writerows(change(rows))
    return path


def _load_units(path):
    result = load(orgunits.read(path), sheets=("Levels", "OrgUnits"), remove_missing_units=True)
    assert result.stored and not result.problems, result.problems
    return result


def test_the_demo_hierarchy_as_csv_changes_nothing(tmp_path):
    audits = AuditEntry.objects.count()
    result = _load_units(_demo_csv(tmp_path / "ou.csv"))
    assert result.changes == 0 and AuditEntry.objects.count() == audits


def test_moves_and_renames_keep_their_history(tmp_path):
    r01, r02 = OrgUnit.objects.get(code="R01"), OrgUnit.objects.get(code="R02")

    def change(rows):
        for r in rows:
            if r["code"] == "R01-D01":
                r["name"] = "Renamed District"
            if r["code"] == "R01-D02":
                r["parent"] = "R02"
        return rows

    result = _load_units(_demo_csv(tmp_path / "ou.csv", change))
    assert result.counts["OrgUnits"]["changed"] == 2
    moved = OrgUnit.objects.get(code="R01-D02")
    assert moved.parent == r02 and moved.depth == 3 and moved.path.startswith(r02.path)
    assert all(u.path.startswith(moved.path) and u.depth == 4 for u in moved.children.all())
    assert moved.children.exists()
    move = AuditEntry.objects.filter(model="architecture.orgunit", object_id=str(moved.pk), action="change").first()
    assert move.before["parent_id"] == r01.pk and move.after["parent_id"] == r02.pk
    renamed = OrgUnit.objects.get(code="R01-D01")
    rename = AuditEntry.objects.filter(model="architecture.orgunit", object_id=str(renamed.pk), action="change").first()
    assert rename.before["name"] != "Renamed District" and rename.after["name"] == "Renamed District"


def test_a_removed_unit_holding_data_is_closed_and_an_empty_one_deleted(tmp_path):
    def add(rows):
        return rows + [{"code": "R01-D01-NEW", "name": "New clinic", "parent": "R01-D01"}]

    _load_units(_demo_csv(tmp_path / "with.csv", add))
    new = OrgUnit.objects.get(code="R01-D01-NEW")
    assert new.depth == 4
    holder = next(
        u
        for u in OrgUnit.objects.filter(depth=4).exclude(code="R01-D01-NEW")
        if DataValue.objects.filter(org_unit=u).exists()
    )
    values = DataValue.objects.filter(org_unit=holder).count()
    result = _load_units(
        _demo_csv(tmp_path / "without.csv", lambda rows: [r for r in rows if r["code"] not in (holder.code, new.code)])
    )
    assert result.counts["OrgUnits"]["deleted"] == 1 and result.counts["OrgUnits"]["closed"] == 1
    assert not OrgUnit.objects.filter(code="R01-D01-NEW").exists()
    assert AuditEntry.objects.filter(model="architecture.orgunit", object_id=str(new.pk), action="delete").exists()
    holder.refresh_from_db()
    assert holder.closed_on is not None and DataValue.objects.filter(org_unit=holder).count() == values


def test_a_unit_moved_under_a_unit_moved_in_the_same_file_gets_the_right_path(tmp_path):
    def change(rows):
        for r in rows:
            if r["code"] == "R01-D01":
                r["parent"] = "R02"  # the district moves to another region...
            if r["code"] == "R03-D01-H1":
                r["parent"] = "R01-D01"  # ...and a hospital moves under it
        return rows

    _load_units(_demo_csv(tmp_path / "ou.csv", change))
    district, hospital = OrgUnit.objects.get(code="R01-D01"), OrgUnit.objects.get(code="R03-D01-H1")
    assert district.path.startswith(OrgUnit.objects.get(code="R02").path)
    assert hospital.path == f"{district.path}{hospital.pk}/" and hospital.depth == 4
