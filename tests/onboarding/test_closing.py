"""The workbook's closed_on column: export writes it, a load closes and reopens by it, through the actions."""

from __future__ import annotations

import datetime

import pytest

from stocktake.accounts.models import AuditEntry
from stocktake.architecture import actions
from stocktake.architecture.models import Indicator, Outcome, Pillar, Priority
from stocktake.onboarding import export, reader
from stocktake.onboarding.load import load

from .workbooks import small, write

pytestmark = pytest.mark.django_db

DAY = "2026-11-30"
CLOSABLE = {"Pillars": Pillar, "Priorities": Priority, "Outcomes": Outcome, "Indicators": Indicator}


def _load(tmp_path, data):
    path = tmp_path / "setup.xlsx"
    write(path, data)
    return load(reader.read(path))


def _closed_everywhere():
    data = small()
    for sheet in CLOSABLE:
        data[sheet][0]["closed_on"] = DAY
    return data


def test_a_load_closes_and_reopens_by_closed_on_and_audits_each_once(tmp_path):
    assert _load(tmp_path, small()).stored
    result = _load(tmp_path, _closed_everywhere())
    assert result.stored and not result.problems, result.problems
    for sheet, model in CLOSABLE.items():
        assert result.counts[sheet]["closed"] == 1, sheet
        obj = model.objects.get(code=small()[sheet][0]["code"])
        assert obj.closed_on == datetime.date(2026, 11, 30)
        entry = AuditEntry.objects.filter(model=model._meta.label_lower, object_id=str(obj.pk)).latest("pk")
        assert entry.reason == "setup file" and entry.after["closed_on"] == DAY
    audits = AuditEntry.objects.count()
    assert _load(tmp_path, _closed_everywhere()).changes == 0 and AuditEntry.objects.count() == audits
    reopened = _load(tmp_path, small())
    assert all(reopened.counts[sheet]["reopened"] == 1 for sheet in CLOSABLE), reopened.counts
    assert not any(m.objects.filter(code=small()[s][0]["code"], closed_on__isnull=False) for s, m in CLOSABLE.items())


def test_a_new_record_can_arrive_closed(tmp_path):
    result = _load(tmp_path, _closed_everywhere())
    assert result.stored and not result.problems, result.problems
    assert Indicator.objects.get(code="t-screened").closed_on == datetime.date(2026, 11, 30)


def test_a_file_without_the_column_leaves_what_is_closed_closed(tmp_path):
    assert _load(tmp_path, small()).stored
    actions.close_architecture(Pillar.objects.get(code="t-pillar"), on=datetime.date(2026, 1, 1))
    path = tmp_path / "setup.xlsx"
    write(path, small())
    tables = reader.read(path)
    pillars = tables["Pillars"]
    pillars.header.remove("closed_on")
    for _n, row in pillars.rows:
        row.pop("closed_on", None)
    result = load(tables)
    assert result.stored and result.changes == 0, (result.problems, result.counts)
    assert Pillar.objects.get(code="t-pillar").closed_on == datetime.date(2026, 1, 1)


def test_the_export_writes_closed_on():
    outcome = Outcome.objects.order_by("code").first()
    actions.close_architecture(outcome, on=datetime.date(2026, 10, 1))
    rows = {r["code"]: r for r in export.rows("Outcomes")}
    assert rows[outcome.code]["closed_on"] == datetime.date(2026, 10, 1)
    assert {r["closed_on"] for r in export.rows("Pillars")} == {None}
    assert "closed_on" in {c for c in next(iter(export.rows("Indicators")))}
