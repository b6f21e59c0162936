"""Bad input in the setup workbook: each refused naming sheet, row, column and reason, and nothing changed."""

from __future__ import annotations

import pytest

from stocktake.accounts.models import AuditEntry, Person
from stocktake.architecture.models import OrgUnit, Priority
from stocktake.onboarding import reader
from stocktake.onboarding.load import load

from .workbooks import small, write

pytestmark = pytest.mark.django_db


def _load(tmp_path, data, **kw):
    path = tmp_path / "setup.xlsx"
    write(path, data, kw.pop("extra_columns", None))
    return load(reader.read(path), **kw)


def _refused(tmp_path, data, **kw):
    audits, units = AuditEntry.objects.count(), OrgUnit.objects.count()
    result = _load(tmp_path, data, **kw)
    assert not result.stored
    assert AuditEntry.objects.count() == audits and OrgUnit.objects.count() == units
    assert not Priority.objects.filter(code="t-prio").exists()
    return [(p.sheet, p.row, p.column, p.reason) for p in result.problems]


def test_the_small_government_loads_and_a_second_load_changes_nothing(tmp_path):
    first = _load(tmp_path, small())
    assert first.stored and not first.problems, first.problems
    assert OrgUnit.objects.get(code="T-D1").parent.code == "T-R1"
    assert OrgUnit.objects.get(code="T-D1").geometry == {"type": "Point", "coordinates": [1, 2]}
    assert Person.objects.get(user__username="tess").role == "accountable_leader"
    audits = AuditEntry.objects.count()
    second = _load(tmp_path, small())
    assert second.stored and second.changes == 0 and not second.problems
    assert AuditEntry.objects.count() == audits


def test_a_parent_code_that_does_not_exist(tmp_path):
    data = small()
    data["OrgUnits"][2]["parent"] = "NOPE"
    problems = _refused(tmp_path, data)
    assert problems[0][:3] == ("OrgUnits", 4, "parent") and "NOPE" in problems[0][3]


def test_parents_that_make_a_loop(tmp_path):
    data = small()
    data["OrgUnits"][1].update(parent="T-D1")
    problems = _refused(tmp_path, data)
    assert ("OrgUnits", 3, "parent") in [p[:3] for p in problems]
    assert any("loop" in p[3] for p in problems)


def test_a_person_with_two_roles(tmp_path):
    data = small()
    data["People"].append({"user": "tess", "name": "Tess Leader", "role": "observer", "organisation": "t-centre"})
    problems = _refused(tmp_path, data)
    assert problems == [("People", 4, "role", problems[0][3])]
    assert "one role" in problems[0][3]


def test_a_ratio_without_a_denominator_definition(tmp_path):
    data = small()
    data["Indicators"][0]["denominator_label"] = None
    problems = _refused(tmp_path, data)
    assert problems[0][:3] == ("Indicators", 2, "denominator_label") and "denominator" in problems[0][3]


def test_a_target_date_before_its_baseline(tmp_path):
    data = small()
    data["Targets"][0]["target_date"] = "2024-12-31"
    problems = _refused(tmp_path, data)
    assert problems[0][:3] == ("Targets", 2, "target_date") and "baseline" in problems[0][3]


def test_a_leader_who_is_not_a_person(tmp_path):
    data = small()
    data["Outcomes"][0]["leader"] = "nobody"
    problems = _refused(tmp_path, data)
    assert problems[0][:3] == ("Outcomes", 2, "leader") and "nobody" in problems[0][3]


def test_a_level_skipped_in_the_hierarchy(tmp_path):
    data = small()
    data["OrgUnits"][2]["level"] = 4
    problems = _refused(tmp_path, data)
    assert problems[0][:3] == ("OrgUnits", 4, "level") and "level 3" in problems[0][3]


def test_a_level_missing_from_the_levels_sheet(tmp_path):
    data = small()
    data["Levels"] = [{"depth": 6, "name": "Ward"}]  # the demo has 1 to 4: 5 is skipped
    problems = _refused(tmp_path, data)
    assert problems[0][:3] == ("Levels", 2, "depth") and "5" in problems[0][3]


def test_the_same_code_twice_in_a_sheet(tmp_path):
    data = small()
    data["OrgUnits"].append({"code": "T-R1", "name": "Again", "parent": "T-ROOT", "level": 2})
    problems = _refused(tmp_path, data)
    assert problems[0][:3] == ("OrgUnits", 5, "code") and "row 3" in problems[0][3]


def test_a_sheet_missing(tmp_path):
    data = small()
    del data["Milestones"]
    assert _refused(tmp_path, data)[0][:3] == ("Milestones", None, "")


def test_an_unknown_column(tmp_path):
    problems = _refused(tmp_path, small(), extra_columns={"Pillars": ["colour"]})
    assert problems[0][:3] == ("Pillars", 1, "colour") and "unknown column" in problems[0][3]


def test_a_bad_cell_names_its_column(tmp_path):
    data = small()
    data["Targets"][0]["baseline_value"] = "forty"
    data["Indicators"][0]["direction"] = "sideways"
    problems = _refused(tmp_path, data)
    assert [p[:3] for p in problems] == [("Indicators", 2, "direction"), ("Targets", 2, "baseline_value")]


def test_every_refusal_is_listed_at_once(tmp_path):
    data = small()
    data["OrgUnits"][2]["parent"] = "NOPE"
    data["Outcomes"][0]["leader"] = "nobody"
    problems = _refused(tmp_path, data)
    assert {p[:3] for p in problems} >= {("OrgUnits", 4, "parent"), ("Outcomes", 2, "leader")}


def test_a_partial_load_stores_the_rows_that_were_not_refused(tmp_path):
    data = small()
    data["Outcomes"][0]["leader"] = "nobody"
    result = _load(tmp_path, data, partial=True)
    assert result.stored
    assert [(p.sheet, p.row, p.column) for p in result.problems][0] == ("Outcomes", 2, "leader")
    assert Priority.objects.filter(code="t-prio").exists() and OrgUnit.objects.filter(code="T-D1").exists()
    # what needed the refused outcome is refused too, and says why
    assert ("Indicators", 2, "outcome") in [(p.sheet, p.row, p.column) for p in result.problems]


def test_a_dry_run_stores_nothing_but_counts_what_it_would_do(tmp_path):
    audits = AuditEntry.objects.count()
    result = _load(tmp_path, small(), dry_run=True)
    assert not result.stored and not result.problems
    assert result.counts["OrgUnits"]["created"] == 3
    assert AuditEntry.objects.count() == audits and not OrgUnit.objects.filter(code="T-ROOT").exists()


def test_the_command_prints_each_refusal_and_exits_1(tmp_path):
    import io

    from django.core.management import call_command

    data = small()
    data["OrgUnits"][2]["parent"] = "NOPE"
    write(tmp_path / "bad.xlsx", data)
    out = io.StringIO()
    with pytest.raises(SystemExit) as stop:
        call_command("setup", str(tmp_path / "bad.xlsx"), stdout=out)
    assert stop.value.code == 1
    assert "refused: OrgUnits, row 4, column parent: no org unit has the code 'NOPE'" in out.getvalue()
    assert "nothing was stored" in out.getvalue()
