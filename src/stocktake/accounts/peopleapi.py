"""API routes for organisations and people (with their roles and sign-ins), on the accounts router.

The delivery unit creates and changes them here instead of in the back office; every write goes through
accounts/actions.py and is audited. People's names, roles and emails are read by those who read
everything (the delivery unit, the head of government, observers), as on the pages.
"""

from __future__ import annotations

from typing import Literal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from stocktake.schemas import Error, PageQuery, page_of, paged

from . import actions, permissions
from .api import router
from .models import Organisation, Person

OrgKind = Literal[tuple(Organisation.Kind.values)]  # type: ignore[valid-type]
Role = Literal[tuple(Person.Role.values)]  # type: ignore[valid-type]


def _manage(request):
    if not permissions.can_manage(request.user):
        raise HttpError(403, _("only the delivery unit manages organisations and people"))


def _read(request):
    if not permissions.can_read_all(request.user):
        raise HttpError(403, _("organisations and people are read by the delivery unit and those who read everything"))


def _org_or_400(code: str | None, field: str) -> Organisation | None:
    if not code:
        return None
    org = Organisation.objects.filter(code=code).first()
    if org is None:
        raise HttpError(
            400, _("%(field)s: there is no organisation with code '%(code)s'") % {"field": field, "code": code}
        )
    return org


class OrganisationIn(Schema):
    code: str = Field(description="a short code, letters, digits and dashes", examples=["moh"])
    name: str = Field(description="the organisation's name")
    kind: OrgKind = Field(description="centre of government, ministry, agency, subnational government or provider")
    parent: str | None = Field(None, description="the code of the organisation it sits under, or null")

    model_config = {
        "json_schema_extra": {"examples": [{"code": "moh", "name": "Ministry of Health", "kind": "ministry"}]}
    }


class OrganisationPatch(Schema):
    name: str = Field(None, description="the organisation's name")
    kind: OrgKind = Field(None, description="what kind of organisation it is")
    parent: str | None = Field(None, description="the code of the organisation it sits under, or null for none")
    reason: str = Field("", description="why it changed, for the audit trail")

    model_config = {"json_schema_extra": {"examples": [{"name": "Ministry of Health and Care", "reason": "renamed"}]}}


class OrganisationOut(Schema):
    id: int = Field(description="the organisation's id")
    code: str = Field(description="the organisation's code")
    name: str = Field(description="the organisation's name")
    kind: OrgKind = Field(description="what kind of organisation it is")
    parent: str | None = Field(description="the code of the organisation it sits under, or null")
    people: int = Field(description="how many people it has in Stocktake")


def _org(o: Organisation) -> dict:
    return {
        "id": o.pk,
        "code": o.code,
        "name": o.name,
        "kind": o.kind,
        "parent": o.parent.code if o.parent_id else None,
        "people": o.people.count(),
    }


class OrganisationQuery(PageQuery):
    kind: OrgKind | None = Field(None, description="only organisations of this kind")
    parent: str = Field("", description="only those directly under this organisation (its code)")


@router.get("/organisations", response={200: page_of(OrganisationOut), 403: Error}, summary="Organisations, by name")
def list_organisations(request, q: Query[OrganisationQuery]):
    _read(request)
    qs = Organisation.objects.select_related("parent")
    if q.kind:
        qs = qs.filter(kind=q.kind)
    if q.parent:
        qs = qs.filter(parent__code=q.parent)
    return paged(qs.order_by("name", "code"), q, _org)


@router.get(
    "/organisations/{code}", response={200: OrganisationOut, 403: Error, 404: Error}, summary="One organisation"
)
def get_organisation(request, code: str):
    _read(request)
    return _org(get_object_or_404(Organisation, code=code))


@router.post(
    "/organisations", response={201: OrganisationOut, 400: Error, 403: Error}, summary="Create an organisation"
)
def create_organisation(request, payload: OrganisationIn):
    _manage(request)
    org = actions.create_organisation(
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        parent=_org_or_400(payload.parent, "parent"),
        user=request.user,
        interface="api",
    )
    return Status(201, _org(org))


@router.patch(
    "/organisations/{code}",
    response={200: OrganisationOut, 400: Error, 403: Error, 404: Error},
    summary="Change an organisation (name, kind, parent)",
)
def change_organisation(request, code: str, payload: OrganisationPatch):
    _manage(request)
    org = get_object_or_404(Organisation, code=code)
    changes = payload.model_dump(exclude_unset=True, exclude={"reason"})
    if "parent" in changes:
        changes["parent"] = _org_or_400(changes["parent"], "parent")
    org = actions.change_organisation(org, user=request.user, interface="api", reason=payload.reason, **changes)
    return _org(org)


class PersonIn(Schema):
    name: str = Field(description="the person's name")
    role: Role = Field(description="their role, which decides what they may do")
    organisation: str = Field(description="the code of their organisation")
    title: str = Field("", description="their job title")
    email: str = Field("", description="their email address (reminders and alerts go there)")
    language: str = Field("", description="the language of their emails (es, pt, fr, en); empty for the site's")
    username: str = Field("", description="a user name to give them a sign-in; empty for none")
    password: str = Field("", description="the sign-in's first password (with username); they should change it")

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "name": "Amina Diallo",
                    "role": "data_lead",
                    "organisation": "moh",
                    "email": "a.diallo@health.example",
                    "username": "adiallo",
                    "password": "a long first password",
                }
            ]
        }
    }


class PersonPatch(Schema):
    name: str = Field(None, description="the person's name")
    role: Role = Field(None, description="their role")
    organisation: str = Field(None, description="the code of their organisation")
    title: str = Field(None, description="their job title")
    email: str = Field(None, description="their email address")
    language: str = Field(None, description="the language of their emails (es, pt, fr, en); empty for the site's")
    reason: str = Field("", description="why it changed, for the audit trail")

    model_config = {"json_schema_extra": {"examples": [{"role": "priority_manager", "reason": "promoted"}]}}


class PersonOut(Schema):
    id: int = Field(description="the person's id (owner_id, leader_id ... elsewhere in the API)")
    name: str = Field(description="the person's name")
    role: Role = Field(description="their role")
    organisation: str = Field(description="their organisation's code")
    title: str = Field(description="their job title")
    email: str = Field(description="their email address")
    language: str = Field(description="the language of their emails; empty for the site's")
    username: str | None = Field(description="their sign-in's user name, or null without one")


def _person(p: Person) -> dict:
    return {
        "id": p.pk,
        "name": p.name,
        "role": p.role,
        "organisation": p.organisation.code,
        "title": p.title,
        "email": p.email,
        "language": p.language,
        "username": p.user.username if p.user_id else None,
    }


class PersonQuery(PageQuery):
    role: Role | None = Field(None, description="only people in this role")
    organisation: str = Field("", description="only people of this organisation (its code)")
    q: str = Field("", max_length=100, description="only people whose name or email contains this")


@router.get("/people", response={200: page_of(PersonOut), 403: Error}, summary="People and their roles, filtered")
def list_people(request, q: Query[PersonQuery]):
    from django.db.models import Q

    _read(request)
    qs = Person.objects.select_related("organisation", "user")
    if q.role:
        qs = qs.filter(role=q.role)
    if q.organisation:
        qs = qs.filter(organisation__code=q.organisation)
    if q.q:
        qs = qs.filter(Q(name__icontains=q.q) | Q(email__icontains=q.q))
    return paged(qs.order_by("name", "pk"), q, _person)


def _person_or_404(person_id: int) -> Person:
    if not 0 < person_id < 2**31:
        raise HttpError(404, _("not found"))
    return get_object_or_404(Person.objects.select_related("organisation", "user"), pk=person_id)


@router.get("/people/{person_id}", response={200: PersonOut, 403: Error, 404: Error}, summary="One person")
def get_person(request, person_id: int):
    _read(request)
    return _person(_person_or_404(person_id))


@router.post(
    "/people",
    response={201: PersonOut, 400: Error, 403: Error},
    summary="Add a person in a role, with a sign-in if a user name is given",
)
def create_person(request, payload: PersonIn):
    _manage(request)
    org = _org_or_400(payload.organisation, "organisation")
    if payload.username and get_user_model().objects.filter(username=payload.username).exists():
        raise HttpError(400, _("username: '%(name)s' is taken") % {"name": payload.username})
    if payload.username and len(payload.password) < 12:
        raise HttpError(400, _("password: a sign-in needs a first password of at least 12 characters"))
    with transaction.atomic():
        account = None
        if payload.username:
            account = actions.create_account(
                username=payload.username,
                password=payload.password,
                email=payload.email,
                user=request.user,
                interface="api",
            )
        person = actions.create_person(
            name=payload.name,
            role=payload.role,
            organisation=org,
            title=payload.title,
            email=payload.email,
            language=payload.language,
            account=account,
            user=request.user,
            interface="api",
        )
    return Status(201, _person(person))


@router.patch(
    "/people/{person_id}",
    response={200: PersonOut, 400: Error, 403: Error, 404: Error},
    summary="Change a person's role, organisation, name, title or email",
)
def change_person(request, person_id: int, payload: PersonPatch):
    _manage(request)
    person = _person_or_404(person_id)
    changes = payload.model_dump(exclude_unset=True, exclude={"reason"})
    if "organisation" in changes:
        changes["organisation"] = _org_or_400(changes["organisation"], "organisation")
    person = actions.change_person(person, user=request.user, interface="api", reason=payload.reason, **changes)
    return _person(Person.objects.select_related("organisation", "user").get(pk=person.pk))
