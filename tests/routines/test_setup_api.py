"""Rounds, routines, meetings and minutes through the API: the delivery unit sets its routines up, audited."""

from __future__ import annotations

from stocktake.accounts.models import AuditEntry, Person
from stocktake.routines.models import AssessmentRound, Meeting, RoundEvent
from tests import factories

J = "application/json"


def test_a_round_is_opened_closed_and_reopened_only_with_a_reason(db):
    du = factories.sign_in("manager")
    r = du.post("/api/routines/rounds", {"name": "March 2027", "date": "2027-03-01"}, content_type=J)
    assert r.status_code == 201 and r.json()["state"] == "open"
    rid = r.json()["id"]
    assert (
        du.post("/api/routines/rounds", {"name": "March 2027", "date": "2027-03-02"}, content_type=J).status_code == 400
    )
    assert du.post(f"/api/routines/rounds/{rid}/close", {}, content_type=J).json()["state"] == "closed"
    r = du.post(f"/api/routines/rounds/{rid}/reopen", {"reason": " "}, content_type=J)
    assert r.status_code == 400 and "reason" in r.json()["errors"]
    r = du.post(f"/api/routines/rounds/{rid}/reopen", {"reason": "A&E data corrected"}, content_type=J)
    assert r.status_code == 200 and AssessmentRound.objects.get(pk=rid).state == "open"
    assert RoundEvent.objects.filter(round_id=rid, reason="A&E data corrected").exists()
    assert (
        factories.sign_in("observer").post(f"/api/routines/rounds/{rid}/close", {}, content_type=J).status_code == 403
    )


def test_a_routine_is_created_with_its_meetings_and_minutes_mark_one_held(db):
    du = factories.sign_in("manager")
    chair = Person.objects.filter(role="head_of_government").first()
    body = {
        "name": "Water stocktake",
        "kind": "stocktake",
        "chair_id": chair.pk,
        "frequency": "quarterly",
        "starts_on": "2027-01-04",
        "priorities": ["ae-waits"],
        "schedule_months": 12,
    }
    r = du.post("/api/routines/routines", body, content_type=J)
    assert r.status_code == 201, r.content
    routine = r.json()
    assert routine["meetings"] == 4 and routine["priorities"] == ["ae-waits"]
    r = du.post(
        f"/api/routines/routines/{routine['id']}/meetings",
        {"date": "2027-02-15", "priorities": ["ae-waits"]},
        content_type=J,
    )
    assert r.status_code == 201 and r.json()["state"] == "scheduled"
    mid = r.json()["id"]
    r = du.put(f"/api/routines/meetings/{mid}/minutes", {"minutes": "Agreed: beds by March."}, content_type=J)
    assert r.status_code == 200 and r.json()["state"] == "held" and Meeting.objects.get(pk=mid).minutes
    r = du.post(f"/api/routines/meetings/{mid}/cancel", {"reason": "too late"}, content_type=J)
    assert r.status_code == 400 and "state" in r.json()["errors"]
    assert AuditEntry.objects.filter(model="routines.meeting", object_id=str(mid), interface="api").count() == 2
    r = du.post("/api/routines/routines", {**body, "name": "Other", "priorities": ["nope"]}, content_type=J)
    assert r.status_code == 400 and r.json()["detail"].startswith("priorities:")
    assert "Water stocktake" in {x["name"] for x in du.get("/api/routines/routines").json()}
    assert factories.sign_in(None).get(f"/api/routines/meetings/{mid}").status_code in (401, 403, 404)
