"""The actions the setup file needed: moving, closing and deleting org units, changing people and organisations."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db.models.deletion import ProtectedError

from stocktake.accounts import actions as accounts_actions
from stocktake.accounts.models import AuditEntry, Organisation, Person
from stocktake.accounts.roles import group_name
from stocktake.architecture import actions
from stocktake.architecture.models import OrgUnit

pytestmark = pytest.mark.django_db


def test_a_move_under_its_own_subtree_is_refused():
    region = OrgUnit.objects.get(code="R01")
    district = region.children.first()
    with pytest.raises(ValidationError, match="loop"):
        actions.change_org_unit(region, parent=district)
    region.refresh_from_db()
    assert region.parent.code == "NAT"


def test_a_moved_unit_takes_its_subtree_along():
    district, other = OrgUnit.objects.get(code="R01-D01"), OrgUnit.objects.get(code="R02-D01")
    facility = district.children.first()
    actions.change_org_unit(district, parent=other)  # a district under a district: one level deeper
    district.refresh_from_db()
    facility.refresh_from_db()
    assert district.depth == 4 and facility.depth == 5 and facility.path == f"{district.path}{facility.pk}/"


def test_closing_a_unit_keeps_it_and_is_audited_once():
    unit = OrgUnit.objects.get(code="R01-D01-H1")
    before = AuditEntry.objects.count()
    actions.close_org_unit(unit, on=datetime.date(2026, 11, 30))
    actions.close_org_unit(unit, on=datetime.date(2026, 12, 1))  # already closed: nothing more
    unit.refresh_from_db()
    assert unit.closed_on == datetime.date(2026, 11, 30) and AuditEntry.objects.count() == before + 1
    actions.reopen_org_unit(unit)
    unit.refresh_from_db()
    assert unit.closed_on is None


def test_a_unit_holding_data_cannot_be_deleted():
    with pytest.raises(ProtectedError):
        actions.delete_org_unit(OrgUnit.objects.get(code="R01-D01-H1"))


def test_many_units_at_once_get_their_paths_and_an_audit_entry_each():
    nation = OrgUnit.objects.get(code="NAT")
    before = AuditEntry.objects.filter(model="architecture.orgunit").count()
    made = actions.create_org_units(
        [
            {"code": "X-R", "name": "X region", "parent": nation},
            {"code": "X-D", "name": "X district", "parent": "X-R"},
            {"code": "X-F", "name": "X facility", "parent": "X-D"},
        ]
    )
    f = OrgUnit.objects.get(code="X-F")
    assert [u.code for u in f.ancestors()] == ["NAT", "X-R", "X-D"] and f.depth == 4
    assert {u.path for u in made} == set(OrgUnit.objects.filter(code__startswith="X-").values_list("path", flat=True))
    assert AuditEntry.objects.filter(model="architecture.orgunit").count() == before + 3


def test_changing_a_persons_role_moves_their_role_group():
    person = Person.objects.get(user__username="observer")
    accounts_actions.change_person(person, role="priority_manager")
    groups = list(person.user.groups.values_list("name", flat=True))
    assert groups == [group_name("priority_manager")]
    entry = AuditEntry.objects.filter(model="accounts.person", object_id=str(person.pk)).first()
    assert entry.before["role"] == "observer" and entry.after["role"] == "priority_manager"


def test_an_organisation_cannot_sit_under_itself():
    centre = Organisation.objects.get(code="delivery-unit")
    child = Organisation.objects.get(code="moh")
    accounts_actions.change_organisation(child, parent=centre)
    with pytest.raises(ValidationError):
        accounts_actions.change_organisation(centre, parent=child)


def test_many_people_at_once_get_sign_ins_role_groups_and_an_audit_entry_each():
    from django.contrib.auth import get_user_model

    moh = Organisation.objects.get(code="moh")
    existing = get_user_model().objects.create_user(username="x-has-one", password=None)
    before = AuditEntry.objects.count()
    made, refused = accounts_actions.create_people(
        [
            {"name": "Ada New", "role": "data_lead", "organisation": moh, "username": "x-ada", "email": "a@x.org"},
            {"name": "Ben Nosignin", "role": "observer", "organisation": moh},
            {"name": "Cy Linked", "role": "priority_manager", "organisation": moh, "account": existing},
            {"name": "Dee Bad", "role": "no-such-role", "organisation": moh, "username": "x-dee"},
        ],
        interface="cli",
        reason="roster",
    )
    assert [p.name for p in made] == ["Ada New", "Ben Nosignin", "Cy Linked"]
    assert [i for i, _exc in refused] == [3] and "role" in refused[0][1].message_dict
    ada = Person.objects.get(name="Ada New")
    assert ada.user.username == "x-ada" and not ada.user.has_usable_password()
    assert list(ada.user.groups.values_list("name", flat=True)) == [group_name("data_lead")]
    assert list(existing.groups.values_list("name", flat=True)) == [group_name("priority_manager")]
    assert Person.objects.get(name="Ben Nosignin").user is None
    assert not get_user_model().objects.filter(username="x-dee").exists()
    # a sign-in and three people, each audited
    assert AuditEntry.objects.count() == before + 4
    assert AuditEntry.objects.filter(model="accounts.person", object_id=str(ada.pk), reason="roster").exists()
