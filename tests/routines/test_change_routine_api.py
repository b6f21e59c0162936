"""A routine changed through the API: fields, chair, priorities and participants, audited with before and after."""

from __future__ import annotations

from stocktake.accounts.models import AuditEntry, Person
from stocktake.routines.models import Routine
from tests import factories

J = "application/json"


def test_a_routine_is_changed_audited_and_its_meetings_stay(db):
    du = factories.sign_in("manager")
    routine = Routine.objects.order_by("pk").first()
    meetings = routine.meetings.count()
    chair = Person.objects.exclude(pk=routine.chair_id).order_by("pk").first()
    body = {"frequency": "quarterly", "chair_id": chair.pk, "priorities": ["ae-waits"], "reason": "agreed"}
    r = du.patch(f"/api/routines/routines/{routine.pk}", body, content_type=J)
    assert r.status_code == 200, r.content
    assert r.json()["frequency"] == "quarterly" and r.json()["chair"] == chair.name
    assert r.json()["priorities"] == ["ae-waits"] and r.json()["meetings"] == meetings
    entry = AuditEntry.objects.get(model="routines.routine", object_id=str(routine.pk), action="change")
    assert entry.after["priorities"] != entry.before["priorities"] and entry.reason == "agreed"


def test_a_bad_change_is_refused_naming_the_field_and_changes_nothing(db):
    du = factories.sign_in("manager")
    routine = Routine.objects.order_by("pk").first()
    before = (routine.frequency, sorted(routine.priorities.values_list("code", flat=True)))
    r = du.patch(f"/api/routines/routines/{routine.pk}", {"priorities": ["nope"]}, content_type=J)
    assert r.status_code == 400 and r.json()["detail"].startswith("priorities:")
    r = du.patch(f"/api/routines/routines/{routine.pk}", {"chair_id": 2**31 - 1}, content_type=J)
    assert r.status_code == 400 and r.json()["detail"].startswith("chair_id:")
    r = du.patch(f"/api/routines/routines/{routine.pk}", {"frequency": "hourly"}, content_type=J)
    assert r.status_code in (400, 422)
    r = du.patch(f"/api/routines/routines/{routine.pk}", {"name": None}, content_type=J)
    assert r.status_code == 422 and "name" in r.content.decode()
    routine.refresh_from_db()
    assert (routine.frequency, sorted(routine.priorities.values_list("code", flat=True))) == before
    assert not AuditEntry.objects.filter(model="routines.routine", object_id=str(routine.pk), action="change").exists()
    assert du.patch("/api/routines/routines/999999", {"name": "x"}, content_type=J).status_code == 404
    observer = factories.sign_in("observer")
    assert observer.patch(f"/api/routines/routines/{routine.pk}", {"name": "x"}, content_type=J).status_code == 403
