"""Changing and closing what a government set up, through the API: org units moved, renamed, closed and
reopened; pillars, priorities, outcomes and indicators closed and reopened. Nothing is deleted; every change is audited."""

from __future__ import annotations

import datetime as dt

from stocktake.accounts.models import AuditEntry
from stocktake.architecture.models import Indicator, OrgUnit, Outcome, Pillar, Priority
from tests import factories

J = "application/json"


def _audits(model, pk):
    return AuditEntry.objects.filter(model=model, object_id=str(pk), interface="api").count()


def test_an_org_unit_is_moved_renamed_closed_and_reopened_with_its_history(db):
    du = factories.sign_in("manager")
    unit = OrgUnit.objects.filter(depth=3).order_by("code").first()
    other = OrgUnit.objects.filter(depth=2).exclude(pk=unit.parent_id).order_by("code").first()
    below = list(unit.children.values_list("code", flat=True))
    r = du.patch(
        f"/api/architecture/org-units/{unit.code}",
        {"name": "Renamed", "parent": other.code, "reason": "boundary review"},
        content_type=J,
    )
    assert r.status_code == 200, r.content
    assert r.json()["parent"] == other.code and r.json()["name"] == "Renamed"
    moved = OrgUnit.objects.get(pk=unit.pk)
    assert moved.path.startswith(other.path)
    assert all(OrgUnit.objects.get(code=c).path.startswith(moved.path) for c in below)
    entry = AuditEntry.objects.filter(model="architecture.orgunit", object_id=str(unit.pk), interface="api").get()
    assert entry.before["name"] == unit.name and entry.after["name"] == "Renamed" and entry.reason == "boundary review"
    r = du.post(f"/api/architecture/org-units/{unit.code}/close", {"on": "2027-03-31"}, content_type=J)
    assert r.status_code == 200 and r.json()["closed_on"] == "2027-03-31"
    assert OrgUnit.objects.get(pk=unit.pk).closed_on == dt.date(2027, 3, 31)
    closed = du.get("/api/architecture/org-units?closed=true").json()
    assert [u["code"] for u in closed["items"]] == [unit.code]
    assert unit.code not in [
        u["code"] for u in du.get("/api/architecture/org-units?closed=false&limit=1000").json()["items"]
    ]
    r = du.post(f"/api/architecture/org-units/{unit.code}/reopen", {"reason": "kept"}, content_type=J)
    assert r.status_code == 200 and r.json()["closed_on"] is None
    assert _audits("architecture.orgunit", unit.pk) == 3


def test_a_move_into_its_own_subtree_or_to_an_unknown_parent_is_refused_and_changes_nothing(db):
    du = factories.sign_in("manager")
    unit = OrgUnit.objects.filter(depth=2).order_by("code").first()
    child = unit.children.order_by("code").first()
    r = du.patch(f"/api/architecture/org-units/{unit.code}", {"parent": child.code}, content_type=J)
    assert r.status_code == 400 and "parent" in r.json()["errors"]
    r = du.patch(f"/api/architecture/org-units/{unit.code}", {"parent": "NOWHERE"}, content_type=J)
    assert r.status_code == 400 and r.json()["detail"].startswith("parent:")
    assert OrgUnit.objects.get(pk=unit.pk).parent_id == unit.parent_id
    assert _audits("architecture.orgunit", unit.pk) == 0
    observer = factories.sign_in("observer")
    assert observer.post(f"/api/architecture/org-units/{unit.code}/close", {}, content_type=J).status_code == 403
    assert OrgUnit.objects.get(pk=unit.pk).closed_on is None


def test_pillars_priorities_outcomes_and_indicators_are_closed_and_reopened_audited_once(db):
    du = factories.sign_in("manager")
    cases = [
        ("pillars", Pillar, Pillar.objects.order_by("code").first()),
        ("priorities", Priority, Priority.objects.order_by("code").first()),
        ("outcomes", Outcome, Outcome.objects.order_by("code").first()),
        ("indicators", Indicator, Indicator.objects.order_by("code").first()),
    ]
    for path, model, obj in cases:
        label = model._meta.label_lower
        r = du.post(
            f"/api/architecture/{path}/{obj.code}/close", {"on": "2027-01-31", "reason": "done"}, content_type=J
        )
        assert r.status_code == 200 and r.json()["closed_on"] == "2027-01-31", r.content
        # closing twice changes nothing and writes no second entry
        assert (
            du.post(f"/api/architecture/{path}/{obj.code}/close", {}, content_type=J).json()["closed_on"]
            == "2027-01-31"
        )
        assert model.objects.get(pk=obj.pk).closed_on == dt.date(2027, 1, 31)
        listed = du.get(f"/api/architecture/{path}?closed=true").json()
        assert [x["code"] for x in listed["items"]] == [obj.code]
        assert _audits(label, obj.pk) == 1
        r = du.post(f"/api/architecture/{path}/{obj.code}/reopen", {"reason": "back"}, content_type=J)
        assert r.status_code == 200 and r.json()["closed_on"] is None
        assert model.objects.get(pk=obj.pk).closed_on is None and _audits(label, obj.pk) == 2
    assert du.post("/api/architecture/pillars/nope/close", {}, content_type=J).status_code == 404
    assert (
        factories.sign_in("observer")
        .post(f"/api/architecture/priorities/{cases[1][2].code}/close", {}, content_type=J)
        .status_code
        == 403
    )
