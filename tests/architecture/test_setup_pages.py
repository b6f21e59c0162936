"""The set-up pages: the delivery unit builds pillars, priorities, outcomes, indicators and org units in the app,
through the actions (audited), with its input kept and every error beside its field; other roles are refused."""

import re

import pytest

from stocktake.accounts.models import AuditEntry, Organisation, Person
from stocktake.architecture.models import Indicator, OrgUnit, Outcome, Pillar, Priority
from tests.factories import sign_in

pytestmark = pytest.mark.django_db


def audit_of(obj):
    return AuditEntry.objects.filter(model=obj._meta.label_lower, object_id=str(obj.pk)).order_by("pk")


def indicator_form(parent, **changes):
    data = {
        "outcome": parent.pk,
        "code": "new-ind",
        "name": "Share of clinics with a nurse",
        "description": "",
        "unit": "%",
        "direction": "up",
        "frequency": "M",
        "level": "outcome",
        "kind": "performance",
        "data_source": "Clinic census",
        "aggregation": "sum",
        "ratio_scale": "1",
        "numerator_label": "",
        "denominator_label": "",
        "report_depth": "3",
        "min_value": "",
        "max_value": "",
        "decimals": "1",
        "on_track_band": "0.1",
        "off_track_band": "0.3",
        "meaningful": "true",
        "moveable": "unknown",
        "measurable": "true",
        "three_m_rationale": "",
        "rank": "0",
        "reason": "",
    }
    data.update(changes)
    return data


def test_the_delivery_unit_builds_a_pillar_priority_outcome_and_indicator_through_the_pages():
    c = sign_in("duhead")
    assert (
        c.post("/structure/pillars/new/", {"code": "green", "name": "A greener state", "rank": "3"}).status_code == 302
    )
    pillar = Pillar.objects.get(code="green")
    entry = audit_of(pillar).get()
    assert entry.action == "create" and entry.interface == "web" and entry.user.username == "duhead"

    moh = Organisation.objects.get(code="moh")
    r = c.post(
        "/structure/priorities/new/",
        {"pillar": pillar.pk, "code": "clean-air", "name": "Clean air", "lead_organisation": moh.pk, "rank": "0"},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    priority = Priority.objects.get(code="clean-air")
    assert priority.pillar == pillar and audit_of(priority).get().action == "create"

    leader = Person.objects.filter(role=Person.Role.ACCOUNTABLE_LEADER).first()
    r = c.post(
        "/structure/outcomes/new/",
        {
            "priority": priority.pk,
            "code": "fewer-bad-days",
            "name": "Fewer bad-air days",
            "leader": leader.pk,
            "rank": "0",
        },
    )
    assert r.status_code == 302
    outcome = Outcome.objects.get(code="fewer-bad-days")
    assert outcome.leader == leader

    assert c.post("/structure/indicators/new/", indicator_form(outcome)).status_code == 302
    ind = Indicator.objects.get(code="new-ind")
    assert ind.outcome == outcome and ind.unit == "%" and ind.meaningful is True and ind.moveable is None
    assert audit_of(ind).get().interface == "web"

    # an edit changes only what was changed, with the reason in the audit trail
    r = c.post(
        f"/structure/priorities/{priority.code}/edit/",
        {
            "pillar": pillar.pk,
            "code": "clean-air",
            "name": "Clean air for every town",
            "lead_organisation": moh.pk,
            "rank": "0",
            "reason": "Cabinet widened the aim",
        },
    )
    assert r.status_code == 302
    change = audit_of(priority).last()
    assert change.action == "change" and change.reason == "Cabinet widened the aim"
    assert change.before["name"] == "Clean air" and change.after["name"] == "Clean air for every town"
    assert "Clean air for every town" in c.get("/structure/priorities/?q=clean").content.decode()


def test_a_refused_indicator_keeps_the_input_names_each_error_by_its_field_and_focuses_the_first():
    c = sign_in("manager")
    outcome = Outcome.objects.first()
    data = indicator_form(
        outcome, code="ratio-ind", name="Kept name", aggregation="ratio", min_value="10", max_value="5"
    )
    r = c.post("/structure/indicators/new/", data)
    html = r.content.decode()
    assert r.status_code == 400 and not Indicator.objects.filter(code="ratio-ind").exists()
    assert 'value="Kept name"' in html and 'value="Clinic census"' in html  # what was typed is still there
    # beside the fields, and summarised at the top with links to them
    assert 'id="numerator_label-error"' in html and 'id="denominator_label-error"' in html
    assert "A ratio indicator needs its numerator and denominator defined" in html
    summary = html[html.index('id="error-summary"') : html.index('id="field-outcome"')]
    assert 'href="#id_numerator_label"' in summary and 'href="#id_denominator_label"' in summary
    assert "maximum must not be below minimum" in html
    # the first field in error (in the form's order) has the focus; no other does
    focused = re.findall(r"<(?:input|select|textarea)[^>]*\bautofocus\b[^>]*>", html)
    assert len(focused) == 1 and 'name="numerator_label"' in focused[0] and 'aria-invalid="true"' in focused[0]


def test_a_duplicate_code_is_refused_beside_the_code():
    c = sign_in("manager")
    taken = Pillar.objects.first().code
    r = c.post("/structure/pillars/new/", {"code": taken, "name": "Twin", "rank": "0"})
    assert r.status_code == 400 and 'id="code-error"' in r.content.decode()
    assert Pillar.objects.filter(code=taken).count() == 1


def test_org_units_are_placed_by_their_parent_code_and_moves_carry_the_subtree():
    c = sign_in("duhead")
    region = OrgUnit.objects.get(code="R01")
    r = c.post("/structure/org-units/new/", {"code": "R01-NEW", "name": "New district", "parent": "R01"})
    assert r.status_code == 302
    unit = OrgUnit.objects.get(code="R01-NEW")
    assert unit.parent == region and unit.depth == region.depth + 1 and unit.path.startswith(region.path)
    assert audit_of(unit).get().action == "create"
    # the suggestion's "code — name" form is understood too
    r = c.post(
        "/structure/org-units/new/", {"code": "R01-NEW-1", "name": "A clinic", "parent": "R01-NEW — New district"}
    )
    assert r.status_code == 302 and OrgUnit.objects.get(code="R01-NEW-1").depth == unit.depth + 1

    # an unknown parent code is named, and the input kept
    r = c.post("/structure/org-units/new/", {"code": "X1", "name": "Kept unit", "parent": "NOPE-99"})
    html = r.content.decode()
    assert r.status_code == 400 and "No org unit has the code “NOPE-99”" in html and 'value="Kept unit"' in html
    assert not OrgUnit.objects.filter(code="X1").exists()

    # a loop (a unit under its own child) is refused and changes nothing
    r = c.post(f"/structure/org-units/{unit.code}/edit/", {"code": unit.code, "name": unit.name, "parent": "R01-NEW-1"})
    assert r.status_code == 400 and 'id="parent-error"' in r.content.decode()
    assert OrgUnit.objects.get(pk=unit.pk).parent == region

    # a move under another region carries the child along: paths and depths follow
    other = OrgUnit.objects.get(code="R02")
    r = c.post(
        f"/structure/org-units/{unit.code}/edit/",
        {"code": unit.code, "name": unit.name, "parent": "R02", "reason": "Boundary change"},
    )
    assert r.status_code == 302
    unit.refresh_from_db()
    child = OrgUnit.objects.get(code="R01-NEW-1")
    assert unit.parent == other and unit.path.startswith(other.path) and child.path.startswith(unit.path)
    assert child.depth == unit.depth + 1 and child in other.descendants()
    move = audit_of(unit).last()
    assert move.reason == "Boundary change" and move.before["parent_id"] == region.pk


def test_the_parent_is_chosen_by_code_and_suggested_by_code_or_name():
    c = sign_in("manager")
    html = c.get(f"/structure/org-units/{OrgUnit.objects.get(code='R01').code}/edit/").content.decode()
    parent = re.search(r'<input[^>]*name="parent"[^>]*>', html).group(0)
    assert 'value="NAT"' in parent or f'value="{OrgUnit.objects.get(code="R01").parent.code}"' in parent
    assert 'list="id_parent-options"' in parent and "data-unit-lookup" in parent
    found = c.get("/structure/org-units/lookup/", {"q": "northern"}).json()["units"]
    assert {"code": "R01", "name": "Northern Region", "level": "Region"} in found
    assert c.get("/structure/org-units/lookup/", {"q": ""}).json() == {"units": []}


@pytest.mark.parametrize("who", ["observer", "validator", "pm", "health-data", "leader"])
def test_other_roles_are_refused_with_a_403_and_change_nothing(who):
    c = sign_in(who)
    for url in ["/structure/", "/structure/pillars/", "/structure/pillars/new/", "/structure/org-units/lookup/"]:
        assert c.get(url).status_code == 403, url
    assert c.post("/structure/pillars/new/", {"code": "sneaky", "name": "Sneaky"}).status_code == 403
    pillar = Pillar.objects.first()
    assert c.post(f"/structure/pillars/{pillar.code}/edit/", {"code": pillar.code, "name": "X"}).status_code == 403
    assert not Pillar.objects.filter(code="sneaky").exists() and Pillar.objects.get(pk=pillar.pk).name != "X"
    assert 'id="menu-setup"' not in c.get("/").content.decode()


def test_the_public_is_sent_to_sign_in_and_the_delivery_unit_sees_the_menu_link():
    r = sign_in(None).get("/structure/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    for who in ("duhead", "manager"):
        assert 'id="menu-setup"' in sign_in(who).get("/").content.decode()


def test_bad_addresses_and_bad_input_are_answered_never_a_500():
    c = sign_in("duhead")
    assert c.get("/structure/nonsense/").status_code == 404
    assert c.get("/structure/pillars/no-such-pillar/edit/").status_code == 404
    outcome = Outcome.objects.first()
    for changes in (
        {"ratio_scale": "1e999"},
        {"report_depth": "99999999999999999999"},
        {"outcome": "99999999999999999999"},
        {"direction": "sideways"},
        {"decimals": "-1"},
        {"code": "has spaces"},
    ):
        r = c.post("/structure/indicators/new/", indicator_form(outcome, **changes))
        assert r.status_code == 400, changes
    assert not Indicator.objects.filter(code="new-ind").exists()
