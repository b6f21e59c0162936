"""The delivery architecture through the API: a government builds its structure without the back office."""

from __future__ import annotations

from stocktake.accounts.models import AuditEntry, Person
from stocktake.architecture.models import Indicator, OrgUnit, Priority, Target
from tests import factories

J = "application/json"


def _post(c, url, body):
    return c.post(url, body, content_type=J)


def _patch(c, url, body):
    return c.patch(url, body, content_type=J)


def test_a_structure_is_built_read_and_changed_through_the_api_and_audited(db):
    du = factories.sign_in("manager")
    leader = Person.objects.filter(organisation__code="moh").first()
    assert _post(du, "/api/architecture/pillars", {"code": "water", "name": "Water", "rank": 9}).status_code == 201
    r = _post(
        du,
        "/api/architecture/priorities",
        {"code": "clean-taps", "name": "Clean taps", "pillar": "water", "lead_organisation": "moh"},
    )
    assert r.status_code == 201 and r.json()["pillar"] == "water"
    r = _post(
        du,
        "/api/architecture/outcomes",
        {"code": "taps-safe", "name": "Every tap safe", "priority": "clean-taps", "leader_id": leader.pk},
    )
    assert r.status_code == 201 and r.json()["leader"] == leader.name
    body = {
        "code": "tap-tests",
        "outcome": "taps-safe",
        "name": "Tap samples passing",
        "unit": "%",
        "direction": "up",
        "aggregation": "ratio",
        "ratio_scale": 100,
        "report_depth": 2,
    }
    r = _post(du, "/api/architecture/indicators", body)
    assert r.status_code == 201 and r.json()["aggregation"] == "ratio" and r.json()["priority"] == "clean-taps"
    target = {
        "baseline_value": 80,
        "baseline_date": "2025-12-31",
        "target_value": 95,
        "target_date": "2027-12-31",
        "trajectory_method": "staged",
        "stages": [[0.5, 0.2]],
    }
    r = _post(du, "/api/architecture/indicators/tap-tests/targets", target)
    assert r.status_code == 201, r.content
    t = r.json()
    assert t["org_unit"] is None and len(t["trajectory"]) == 24 and t["trajectory"][-1]["value"] == 95
    r = _patch(du, f"/api/architecture/targets/{t['id']}", {"target_value": 97, "reason": "raised"})
    assert r.status_code == 200 and r.json()["revision"] == 2 and r.json()["trajectory"][-1]["value"] == 97
    r = _patch(du, "/api/architecture/priorities/clean-taps", {"published": True, "reason": "announced"})
    assert r.status_code == 200 and Priority.objects.get(code="clean-taps").published
    r = _patch(du, "/api/architecture/indicators/tap-tests", {"max_value": 100})
    assert r.status_code == 200 and Indicator.objects.get(code="tap-tests").max_value == 100
    audited = set(AuditEntry.objects.filter(interface="api").values_list("model", flat=True))
    assert {"architecture.pillar", "architecture.priority", "architecture.outcome", "architecture.indicator"} <= audited
    assert "architecture.target" in audited
    listed = du.get("/api/architecture/indicators?priority=clean-taps").json()
    assert listed["count"] == 1 and listed["items"][0]["code"] == "tap-tests"


def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(db):
    du = factories.sign_in("manager")
    r = _post(
        du, "/api/architecture/priorities", {"code": "x", "name": "X", "pillar": "nope", "lead_organisation": "moh"}
    )
    assert r.status_code == 400 and r.json()["detail"].startswith("pillar:")
    ind = Indicator.objects.filter(targets__isnull=False).first()
    bad = {"baseline_value": 1, "baseline_date": "2027-01-01", "target_value": 2, "target_date": "2026-01-01"}
    r = _post(du, f"/api/architecture/indicators/{ind.code}/targets", {**bad, "org_unit": OrgUnit.objects.first().code})
    assert r.status_code == 400 and "target_date" in r.json()["errors"]
    r = _post(du, "/api/architecture/pillars", {"code": "health", "name": "again"})
    assert r.status_code == 400 and "code" in r.json()["errors"]
    committed = Target.objects.filter(status="committed").first()
    r = _patch(du, f"/api/architecture/targets/{committed.pk}", {"target_value": committed.target_value + 1})
    assert r.status_code == 400 and "reason" in r.json()["errors"]
    assert Target.objects.get(pk=committed.pk).revision == committed.revision


def test_only_the_delivery_unit_writes_and_readers_see_what_the_pages_show(db):
    lead = factories.sign_in("health-data")
    assert _post(lead, "/api/architecture/pillars", {"code": "w2", "name": "W"}).status_code == 403
    assert _patch(lead, "/api/architecture/priorities/" + Priority.objects.first().code, {"rank": 1}).status_code == 403
    assert _post(factories.sign_in(None), "/api/architecture/pillars", {"code": "w3", "name": "W"}).status_code == 401
    hidden = Priority.objects.filter(published=False).first()
    public = factories.sign_in(None)
    assert public.get(f"/api/architecture/priorities/{hidden.code}").status_code == 404
    codes = {p["code"] for p in public.get("/api/architecture/priorities?limit=1000").json()["items"]}
    assert codes == set(Priority.objects.filter(published=True).values_list("code", flat=True))


def test_org_units_are_created_and_listed_by_parent_depth_and_name(db):
    du = factories.sign_in("manager")
    region = OrgUnit.objects.filter(depth=2).first()
    r = _post(du, "/api/architecture/org-units", {"code": "new-d1", "name": "Newtown", "parent": region.code})
    assert r.status_code == 201 and r.json()["depth"] == 3 and r.json()["parent"] == region.code
    page = du.get(f"/api/architecture/org-units?parent={region.code}&limit=500").json()
    assert "new-d1" in {u["code"] for u in page["items"]}
    assert page["count"] == OrgUnit.objects.filter(parent=region).count()
    assert du.get("/api/architecture/org-units?q=Newtown").json()["count"] == 1
    r = _post(du, "/api/architecture/org-units", {"code": "x", "name": "X", "parent": "nowhere"})
    assert r.status_code == 400 and r.json()["detail"].startswith("parent:")
    levels = du.get("/api/architecture/org-unit-levels").json()
    assert levels[0]["depth"] == 1 and levels[0]["units"] == OrgUnit.objects.filter(depth=1).count()


def test_a_tier_is_created_and_priorities_name_it(db):
    du = factories.sign_in("manager")
    r = _post(du, "/api/architecture/tiers", {"name": "A++", "monitoring_frequency": "W"})
    assert r.status_code == 201 and r.json()["priorities"] == []
    code = Priority.objects.first().code
    assert _patch(du, f"/api/architecture/priorities/{code}", {"tier": "A++"}).json()["tier"] == "A++"
    assert "A++" in {t["name"] for t in du.get("/api/architecture/tiers").json()}
    assert _patch(du, f"/api/architecture/priorities/{code}", {"tier": "Z"}).status_code == 400
