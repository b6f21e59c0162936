"""Verification at scale: values listed by state and filter, decided by filter after a confirmed count,
and the separation of duties (who submitted a value does not validate or publish it)."""

from __future__ import annotations

import pytest

from stocktake.accounts.models import AuditEntry
from stocktake.architecture.models import OrgUnit
from stocktake.collection import actions, selection
from stocktake.monitoring.models import DataValue
from tests import factories

HOMICIDES_OCT = dict(indicator__code="homicides", period__code="2026-10")


def _count(api, **body):
    r = api.post("/api/collection/decisions/count", body, content_type="application/json")
    assert r.status_code == 200, r.content
    return r.json()


def _resubmit(run, dv, user, delta=1):
    """A new version of one value, written by `user` through the import pipeline."""
    line = (
        f"indicator,org_unit,period,value\n{dv.indicator.code},{dv.org_unit.code},{dv.period.code},{dv.value + delta}\n"
    )
    batch = run(line.encode(), user=user)
    assert batch.changed == 1, (batch.message, batch.errors)
    dv.refresh_from_db()
    return dv


# -- listing ------------------------------------------------------------------------------------------------


def test_values_awaiting_verification_are_listed_by_filter_a_page_at_a_time(db):
    api = factories.sign_in("validator")
    expected = DataValue.objects.filter(state="submitted", **HOMICIDES_OCT).order_by("pk")
    r = api.get("/api/collection/values?state=submitted&indicator=homicides&period=2026-10&limit=20")
    assert r.status_code == 200
    page = r.json()
    assert page["count"] == expected.count() == 45
    assert [v["id"] for v in page["items"]] == [v.pk for v in expected[:20]]
    assert page["next_offset"] == 20 and {v["state"] for v in page["items"]} == {"submitted"}
    last = api.get("/api/collection/values?state=submitted&indicator=homicides&period=2026-10&limit=20&offset=40")
    assert last.json()["next_offset"] is None and len(last.json()["items"]) == 5


def test_values_filter_by_org_unit_subtree_and_organisation(db):
    api = factories.sign_in("validator")
    region = OrgUnit.objects.get(pk=DataValue.objects.filter(**HOMICIDES_OCT).first().org_unit.parent_id)
    under = DataValue.objects.filter(state="submitted", org_unit__path__startswith=region.path, **HOMICIDES_OCT)
    page = api.get(f"/api/collection/values?state=submitted&indicator=homicides&period=2026-10&org_unit={region.code}")
    assert 0 < page.json()["count"] == under.count() < 45
    moi = api.get("/api/collection/values?state=submitted&organisation=moi&period=2026-10").json()
    assert (
        moi["count"]
        == DataValue.objects.filter(
            state="submitted", period__code="2026-10", indicator__outcome__priority__lead_organisation__code="moi"
        ).count()
    )
    assert {v["indicator"] for v in moi["items"]} == {"homicides"}


def test_a_bad_filter_is_a_400_naming_the_field_and_the_public_sees_only_published(db):
    api = factories.sign_in("validator")
    r = api.get("/api/collection/values?indicator=no-such-thing")
    assert r.status_code == 400 and "indicator" in r.json()["detail"]
    assert api.get("/api/collection/values?state=nonsense").status_code in (400, 422)
    public = factories.sign_in(None).get("/api/collection/values?limit=1000")
    assert public.status_code in (200, 401)
    if public.status_code == 200:
        assert {v["state"] for v in public.json()["items"]} <= {"published"}


# -- deciding by filter ---------------------------------------------------------------------------------------


def test_count_changes_nothing_and_the_apply_decides_exactly_what_was_counted_in_one_audit_entry(db):
    api = factories.sign_in("validator")
    before = set(DataValue.objects.filter(state="submitted", **HOMICIDES_OCT).values_list("pk", flat=True))
    counted = _count(api, decision="validate", indicator="homicides", period="2026-10")
    assert counted["count"] == len(before) == 45 and counted["message"] == "45 values will be validated"
    assert counted["groups"] == [
        {
            "indicator": "homicides",
            "indicator_name": counted["groups"][0]["indicator_name"],
            "period": "2026-10",
            "state": "submitted",
            "count": 45,
        }
    ]
    assert DataValue.objects.filter(pk__in=before, state="submitted").count() == 45  # a count changes nothing
    r = api.post(
        "/api/collection/decisions/matching",
        {"token": counted["token"], "count": 45},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json() == {"decided": 45, "state": "validated"}
    assert DataValue.objects.filter(pk__in=before, state="validated").count() == 45
    entry = AuditEntry.objects.filter(object_repr="45 values validated").get()
    assert entry.interface == "api" and entry.after["filter"] == {"indicator": "homicides", "period": "2026-10"}
    assert sorted(entry.after["ids"]) == sorted(before)


def test_a_value_arriving_after_the_count_means_nothing_is_decided(db, run, users):
    api = factories.sign_in("validator")
    counted = _count(api, decision="validate", indicator="homicides", period="2026-10")
    # a validated value is corrected after the count: a new submitted version joins the filter
    late = DataValue.objects.filter(state="validated", indicator__code="homicides", period__code="2026-09").first()
    line = f"indicator,org_unit,period,value\nhomicides,{late.org_unit.code},2026-10,7\n"
    existing = DataValue.objects.filter(org_unit=late.org_unit, **HOMICIDES_OCT).first()
    if existing is not None:  # the unit has October already: its new version moves it instead
        _resubmit(run, existing, "interior-data")
    else:
        assert run(line.encode(), user="interior-data").created == 1
    r = api.post(
        "/api/collection/decisions/matching",
        {"token": counted["token"], "count": counted["count"]},
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["counted"] == 45
    assert "Count again" in r.json()["detail"]
    assert not DataValue.objects.filter(state="validated", **HOMICIDES_OCT).exists()


def test_the_apply_must_carry_the_count_and_a_token_of_this_user(db):
    api = factories.sign_in("validator")
    counted = _count(api, decision="validate", indicator="homicides", period="2026-10")
    wrong = api.post(
        "/api/collection/decisions/matching", {"token": counted["token"], "count": 44}, content_type="application/json"
    )
    assert wrong.status_code == 400 and "count" in wrong.json()["detail"]
    other = factories.sign_in("duhead").post(
        "/api/collection/decisions/matching", {"token": counted["token"], "count": 45}, content_type="application/json"
    )
    assert other.status_code == 400 and "someone else" in other.json()["detail"]
    forged = api.post(
        "/api/collection/decisions/matching", {"token": "abc", "count": 45}, content_type="application/json"
    )
    assert forged.status_code == 400
    assert not DataValue.objects.filter(state="validated", **HOMICIDES_OCT).exists()


def test_only_validators_count_or_decide_by_filter(db):
    lead = factories.sign_in("interior-data")
    r = lead.post("/api/collection/decisions/count", {"decision": "validate"}, content_type="application/json")
    assert r.status_code == 403
    assert lead.get("/collection/queue/matching/?decision=validate").status_code == 403


def test_publish_and_return_by_filter(db):
    api = factories.sign_in("validator")
    validated = DataValue.objects.filter(state="validated", indicator__code="homicides", period__code="2026-09")
    n = validated.count()
    counted = _count(api, decision="publish", indicator="homicides", period="2026-09")
    assert counted["count"] == n
    r = api.post(
        "/api/collection/decisions/matching", {"token": counted["token"], "count": n}, content_type="application/json"
    )
    assert r.json() == {"decided": n, "state": "published"}
    counted = _count(api, decision="return", indicator="rail-ppm", period="2026-10")
    no_reason = api.post(
        "/api/collection/decisions/matching", {"token": counted["token"], "count": 6}, content_type="application/json"
    )
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["detail"]
    r = api.post(
        "/api/collection/decisions/matching",
        {"token": counted["token"], "count": 6, "reason": "PPM looks a month behind"},
        content_type="application/json",
    )
    assert r.json() == {"decided": 6, "state": "returned"}


def test_the_queue_page_counts_then_confirms(db, run):
    page = factories.sign_in("validator")
    html = page.get("/collection/queue/").content.decode()
    assert 'action="/collection/queue/matching/"' in html and 'value="homicides"' in html
    r = page.get("/collection/queue/matching/?decision=validate&indicator=homicides&period=2026-10")
    text = r.content.decode()
    assert r.status_code == 200 and "45 values will be validated" in text
    assert DataValue.objects.filter(state="submitted", **HOMICIDES_OCT).count() == 45
    token = r.context["token"]
    done = page.post("/collection/queue/matching/", {"token": token}, follow=True)
    assert done.status_code == 200 and "45 values decided." in done.content.decode()
    assert DataValue.objects.filter(state="validated", **HOMICIDES_OCT).count() == 45
    # a second count, then a value moves before the confirm: nothing is decided, the page says so
    r = page.get("/collection/queue/matching/?decision=publish&indicator=homicides&period=2026-10")
    assert "45 values will be published" in r.content.decode()
    moved = DataValue.objects.filter(state="validated", **HOMICIDES_OCT).first()
    _resubmit(run, moved, "interior-data")
    refused = page.post("/collection/queue/matching/", {"token": r.context["token"]})
    assert refused.status_code == 409 and "Count again" in refused.content.decode()
    assert not DataValue.objects.filter(state="published", **HOMICIDES_OCT).exists()


def test_a_bad_filter_on_the_page_is_a_400_naming_the_field(db):
    r = factories.sign_in("validator").get("/collection/queue/matching/?decision=validate&org_unit=nowhere")
    assert r.status_code == 400 and "org_unit" in r.content.decode()


# -- separation of duties -------------------------------------------------------------------------------------


@pytest.fixture
def own_value(run):
    """A value whose current version the delivery unit head (a validator) submitted."""
    dv = DataValue.objects.filter(state="submitted", **HOMICIDES_OCT).select_related("indicator", "org_unit", "period")
    return _resubmit(run, dv.order_by("pk").first(), "duhead")


def test_whoever_submitted_a_value_cannot_validate_it_and_the_refusal_names_it(own_value, users):
    with pytest.raises(actions.OwnValues) as refused:
        actions.validate(actions.as_seen([own_value]), user=users["duhead"])
    assert f"homicides {own_value.org_unit.code} 2026-10" in str(refused.value)
    assert DataValue.objects.get(pk=own_value.pk).state == "submitted"
    api = factories.sign_in("duhead")
    r = api.post(
        "/api/collection/decisions/validate",
        {"values": [{"id": own_value.pk, "version": own_value.version}]},
        content_type="application/json",
    )
    assert r.status_code == 403 and own_value.org_unit.code in r.json()["detail"]
    page = api.post("/collection/decide/", {"seen": f"{own_value.pk}:{own_value.version}", "decision": "validate"})
    assert page.status_code == 403
    assert "may not validate" in page.content.decode()
    # another validator may, and then the submitter may not publish it either
    assert actions.validate(actions.as_seen([own_value]), user=users["validator"]) == 1
    own_value.refresh_from_db()
    with pytest.raises(actions.OwnValues, match="may not publish"):
        actions.publish(actions.as_seen([own_value]), user=users["duhead"])
    assert actions.publish(actions.as_seen([own_value]), user=users["manager"]) == 1


def test_a_bulk_decision_including_own_values_is_refused_whole_naming_them(own_value):
    api = factories.sign_in("duhead")
    counted = _count(api, decision="validate", indicator="homicides", period="2026-10")
    assert counted["own"] == 1
    r = api.post(
        "/api/collection/decisions/matching",
        {"token": counted["token"], "count": counted["count"]},
        content_type="application/json",
    )
    assert r.status_code == 403 and [v["id"] for v in r.json()["values"]] == [own_value.pk]
    assert not DataValue.objects.filter(state="validated", **HOMICIDES_OCT).exists()


def test_returning_ones_own_value_is_allowed(own_value, users):
    assert actions.return_values(actions.as_seen([own_value]), user=users["duhead"], reason="typo, sorry") == 1


def test_the_setting_relaxes_the_rule_and_the_audit_records_each_relaxed_decision(own_value, users, settings):
    settings.STOCKTAKE_ALLOW_SELF_VERIFY = True
    others = list(
        DataValue.objects.filter(state="submitted", **HOMICIDES_OCT)
        .exclude(pk=own_value.pk)
        .select_related("indicator", "org_unit", "period")[:2]
    )
    assert actions.validate(actions.as_seen([own_value, *others]), user=users["duhead"]) == 3
    entry = AuditEntry.objects.filter(object_repr="3 values validated").get()
    assert entry.after["self_verified"] == [own_value.pk] and entry.after["self_verified_count"] == 1
    plain = actions.validate(
        actions.as_seen(
            DataValue.objects.filter(state="submitted", **HOMICIDES_OCT).select_related(
                "indicator", "org_unit", "period"
            )[:1]
        ),
        user=users["validator"],
    )
    assert plain == 1
    assert "self_verified" not in AuditEntry.objects.filter(model="monitoring.datavalue").first().after


def test_the_token_seals_the_filter_decision_and_user(db, users):
    f = selection.ValueFilter(indicator="homicides", period="2026-10")
    seen = selection.seen_now(selection.for_decision(f, "validate"))
    token = selection.seal(f, "validate", seen, users["validator"])
    assert selection.unseal(token, users["validator"]) == (f, "validate", 45, selection.digest(seen))
    with pytest.raises(selection.FilterError, match="someone else"):
        selection.unseal(token, users["manager"])
