"""Organisations and people through the API: created, read and changed by the delivery unit, audited."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from stocktake.accounts.models import AuditEntry, Organisation, Person
from tests import factories

J = "application/json"


def test_the_delivery_unit_adds_an_organisation_and_a_person_with_a_sign_in(db):
    du = factories.sign_in("duhead")
    r = du.post(
        "/api/accounts/organisations", {"code": "mow", "name": "Ministry of Water", "kind": "ministry"}, content_type=J
    )
    assert r.status_code == 201 and r.json()["kind"] == "ministry"
    body = {
        "name": "Amina Diallo",
        "role": "data_lead",
        "organisation": "mow",
        "email": "a.diallo@water.example",
        "username": "adiallo",
        "password": "a long first password",
    }
    r = du.post("/api/accounts/people", body, content_type=J)
    assert r.status_code == 201 and r.json()["username"] == "adiallo"
    person = Person.objects.get(pk=r.json()["id"])
    assert person.user.check_password("a long first password") and person.organisation.code == "mow"
    r = du.patch(
        f"/api/accounts/people/{person.pk}", {"role": "priority_manager", "reason": "promoted"}, content_type=J
    )
    assert r.status_code == 200 and Person.objects.get(pk=person.pk).role == "priority_manager"
    entry = AuditEntry.objects.filter(model="accounts.person", object_id=str(person.pk), action="change").get()
    assert entry.reason == "promoted" and entry.after["role"] == "priority_manager"
    r = du.patch("/api/accounts/organisations/mow", {"parent": "mow"}, content_type=J)
    assert r.status_code == 400 and "parent" in r.json()["errors"]
    listed = du.get("/api/accounts/people?organisation=mow").json()
    assert listed["count"] == 1 and listed["items"][0]["name"] == "Amina Diallo"
    assert (
        du.get("/api/accounts/organisations?kind=ministry").json()["count"]
        == Organisation.objects.filter(kind="ministry").count()
    )


def test_bad_people_are_refused_naming_the_field_and_nothing_is_stored(db):
    du = factories.sign_in("duhead")
    base = {"name": "X", "role": "observer", "organisation": "moh"}
    r = du.post("/api/accounts/people", {**base, "organisation": "nowhere"}, content_type=J)
    assert r.status_code == 400 and r.json()["detail"].startswith("organisation:")
    r = du.post(
        "/api/accounts/people",
        {**base, "email": "not an email", "username": "xx", "password": "x" * 12},
        content_type=J,
    )
    assert r.status_code == 400 and "email" in r.json()["errors"]
    assert not get_user_model().objects.filter(username="xx").exists()  # the sign-in went with the refusal
    r = du.post("/api/accounts/people", {**base, "username": "manager", "password": "x" * 12}, content_type=J)
    assert r.status_code == 400 and r.json()["detail"].startswith("username:")
    assert du.post("/api/accounts/people", {**base, "role": "king"}, content_type=J).status_code in (400, 422)


def test_only_the_delivery_unit_changes_people_and_only_insiders_read_them(db):
    lead = factories.sign_in("health-data")
    assert lead.get("/api/accounts/people").status_code == 403
    r = lead.post("/api/accounts/organisations", {"code": "z", "name": "Z", "kind": "agency"}, content_type=J)
    assert r.status_code == 403
    observer = factories.sign_in("observer")
    assert observer.get("/api/accounts/people").status_code == 200
    someone = Person.objects.first()
    assert observer.patch(f"/api/accounts/people/{someone.pk}", {"role": "observer"}, content_type=J).status_code == 403
