"""Verification workflow through actions, pages and the API; value history; permissions."""

import json

import pytest
from django.core.exceptions import PermissionDenied

from stocktake.accounts.models import AuditEntry
from stocktake.collection import actions, verification
from stocktake.collection.models import Review
from stocktake.monitoring.models import DataValue


@pytest.fixture
def submitted(db):
    return list(
        DataValue.objects.filter(indicator__code="homicides", period__code="2026-10", state="submitted")
        .select_related("indicator", "org_unit", "period")
        .order_by("org_unit__code")[:3]
    )


def test_validate_then_publish_counts_as_official_and_is_audited(submitted, users):
    assert not any(verification.is_official(v) for v in submitted)
    assert actions.validate(actions.as_seen(submitted), user=users["validator"]) == 3
    assert verification.official(DataValue.objects.filter(pk__in=[v.pk for v in submitted])).count() == 3
    assert AuditEntry.objects.filter(object_repr="3 values validated").exists()
    fresh = list(
        DataValue.objects.filter(pk__in=[v.pk for v in submitted]).select_related("indicator", "org_unit", "period")
    )
    assert actions.publish(actions.as_seen(fresh), user=users["validator"]) == 3
    assert set(Review.objects.filter(data_value__in=submitted).values_list("state", flat=True)) == {
        "validated",
        "published",
    }


def test_return_needs_a_reason_and_only_validators_decide(submitted, users):
    with pytest.raises(actions.ReviewError):
        actions.return_values(actions.as_seen(submitted[:1]), user=users["validator"], reason="  ")
    with pytest.raises(PermissionDenied):
        actions.validate(actions.as_seen(submitted), user=users["interior-data"])
    with pytest.raises(PermissionDenied):
        actions.validate(actions.as_seen(submitted), user=users["observer"])
    assert DataValue.objects.filter(pk=submitted[0].pk, state="submitted").exists()


def test_published_values_cannot_be_published_twice_and_a_returned_value_must_be_resubmitted(db, users, run):
    published = list(DataValue.objects.filter(state="published").select_related("indicator", "org_unit", "period")[:1])
    with pytest.raises(actions.ReviewError, match="only validated values can be published"):
        actions.publish(actions.as_seen(published), user=users["validator"])
    returned = DataValue.objects.filter(state="returned").select_related("indicator", "org_unit", "period").first()
    with pytest.raises(actions.ReviewError):
        actions.validate(actions.as_seen([returned]), user=users["validator"])
    # the data lead resubmits a corrected figure: a new version, submitted again
    line = (
        f"indicator,org_unit,period,numerator,denominator\nae-4h,{returned.org_unit.code},{returned.period.code},"
        f"{returned.numerator - 50},{returned.denominator}\n"
    )
    run(line.encode(), user="health-data")
    returned.refresh_from_db()
    assert returned.state == "submitted" and returned.version == 2
    assert actions.validate(actions.as_seen([returned]), user=users["validator"]) == 1


def test_queue_page_and_group_decisions(client, users, submitted):
    client.force_login(users["validator"])
    html = client.get("/collection/queue/").content.decode()
    assert 'data-group="homicides/2026-10/submitted"' in html and "Returned to data leads" in html
    assert "Attendances within 4 hours exceed" in html  # the demo's returned values, with their reason
    group = DataValue.objects.filter(indicator__code="homicides", period__code="2026-10", state="submitted")
    seen = " ".join(f"{v.pk}:{v.version}" for v in group)
    assert f'name="seen" value="{seen}"' in html  # the button decides what the page showed
    r = client.post(
        "/collection/decide/",
        {"indicator": "homicides", "period": "2026-10", "state": "submitted", "seen": seen, "decision": "validate"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200 and "validated" in r.content.decode()
    assert not DataValue.objects.filter(indicator__code="homicides", period__code="2026-10", state="submitted").exists()
    r = client.post(
        "/collection/decide/",
        {"value": submitted[0].pk, "seen": f"{submitted[0].pk}:1", "decision": "return", "reason": ""},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 400 and "needs a reason" in r.content.decode()
    assert client.get("/collection/queue/homicides/2026-10/").status_code == 200


def test_queue_and_decisions_are_refused_to_others(client, users, submitted):
    client.force_login(users["interior-data"])
    assert client.get("/collection/queue/").status_code == 403
    r = client.post(
        "/collection/decide/", {"value": submitted[0].pk, "seen": f"{submitted[0].pk}:1", "decision": "validate"}
    )
    assert r.status_code == 403
    assert DataValue.objects.get(pk=submitted[0].pk).state == "submitted"


def test_value_history_page_and_api_show_every_version_and_decision(client, users, run):
    dv = DataValue.objects.filter(state="returned").select_related("org_unit", "period").first()
    client.force_login(users["duhead"])
    html = client.get(f"/collection/values/{dv.pk}/").content.decode()
    assert "unverified" in html and 'data-version="1"' in html and "Attendances within 4 hours exceed" in html
    data = client.get(f"/api/collection/values/{dv.pk}").json()
    assert data["state"] == "returned" and not data["official"]
    assert data["versions"][0]["source"] == "demo" and data["reviews"][0]["reason"].startswith("Attendances")


def test_the_public_sees_only_published_values_of_published_priorities(client, db):
    submitted = DataValue.objects.filter(state="submitted", indicator__outcome__priority__published=True).first()
    published = DataValue.objects.filter(state="published", indicator__outcome__priority__published=True).first()
    hidden = DataValue.objects.filter(state="published", indicator__outcome__priority__published=False).first()
    assert client.get(f"/collection/values/{submitted.pk}/").status_code == 404
    assert client.get(f"/api/collection/values/{submitted.pk}").status_code == 404
    assert client.get(f"/collection/values/{published.pk}/").status_code == 200
    assert client.get(f"/api/collection/values/{hidden.pk}").status_code == 404


def _seen(values):
    return [{"id": v.pk, "version": v.version} for v in values]


def test_api_decisions_check_permissions_and_change_nothing_when_refused(client, users, submitted):
    ids = [v.pk for v in submitted]
    client.force_login(users["health-data"])
    r = client.post(
        "/api/collection/decisions/validate", json.dumps({"values": _seen(submitted)}), content_type="application/json"
    )
    assert r.status_code == 403
    assert DataValue.objects.filter(pk__in=ids, state="submitted").count() == 3
    client.force_login(users["validator"])
    r = client.post(
        "/api/collection/decisions/return",
        json.dumps({"values": _seen(submitted[:1]), "reason": "check the district total"}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json() == {"decided": 1, "state": "returned"}
    r = client.post(
        "/api/collection/decisions/publish",
        json.dumps({"values": _seen(submitted[1:])}),
        content_type="application/json",
    )
    assert r.status_code == 400 and "only validated values can be published" in r.json()["detail"]
    r = client.post("/api/collection/decisions/validate", json.dumps({"ids": ids}), content_type="application/json")
    assert r.status_code == 422  # ids alone no longer decide: the version seen is required
