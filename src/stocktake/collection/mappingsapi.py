"""API routes for how foreign files map onto Stocktake, on the collection router: column mappings (by name)
and the DHIS2 id tables. Every write goes through collection/actions.py and is audited; the delivery unit
(and, for column mappings, data leads) write, as on the mappings page."""

from __future__ import annotations

from typing import Any, Literal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Schema
from ninja.errors import HttpError
from pydantic import Field

from stocktake.accounts import permissions
from stocktake.schemas import Error, PageQuery, page_of, paged

from . import actions
from .api import router
from .models import ColumnMapping, Dhis2Mapping

Dhis2Kind = Literal[tuple(Dhis2Mapping.Kind.values)]  # type: ignore[valid-type]
Dhis2Field = Literal[tuple(Dhis2Mapping.Field.values)]  # type: ignore[valid-type]


def _read(request):
    if not (permissions.can_read_all(request.user) or permissions.role(request.user) == "data_lead"):
        raise HttpError(403, _("mappings are read by the delivery unit and data leads"))


class ColumnMappingIn(Schema):
    config: dict[str, Any] = Field(
        description="org_unit (a column, or {code} for a file of one unit), period, indicators, skip (case and spaces "
        "ignored), optional, disaggregation, unnamed_columns, encoding, delimiter, create_org_units ... "
        "(docs/collection.md); checked when saved, a mistake refused naming its field"
    )
    description: str = Field("", description="which source's files it is for, in words")

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "config": {
                        "org_unit": "Org Code",
                        "org_unit_prefix": "NHS-",
                        "group": "Parent Org",
                        "period": {"column": "Period", "format": "MSitAE-%B-%Y", "kind": "M"},
                        "skip": [{"column": "Org Code", "in": ["TOTAL"]}],
                        "optional": ["A&E attendances Booked Appointments Type 1"],
                        "unnamed_columns": "ignore",
                        "indicators": [
                            {
                                "indicator": "ae-attendances",
                                "value": "A&E attendances Type 1 + A&E attendances Booked Appointments Type 1",
                            }
                        ],
                        "create_org_units": {
                            "parent": "NHS-ENG",
                            "create": [{"code": "NHS-ENG", "name": "NHS England", "under": "NAT"}],
                        },
                    },
                    "description": "NHS England monthly A&E provider files",
                }
            ]
        }
    }


class ColumnMappingOut(Schema):
    name: str = Field(description="the mapping's name, as imports name it")
    description: str = Field(description="which source's files it is for")
    config: dict[str, Any] = Field(description="the mapping itself")
    updated_at: str = Field(description="when it was last saved (ISO 8601)")


def _column(m: ColumnMapping) -> dict:
    return {"name": m.name, "description": m.description, "config": m.config, "updated_at": m.updated_at.isoformat()}


@router.get("/mappings", response={200: page_of(ColumnMappingOut), 403: Error}, summary="Saved column mappings")
def list_column_mappings(request, q: Query[PageQuery]):
    _read(request)
    return paged(ColumnMapping.objects.order_by("name"), q, _column)


@router.get("/mappings/{name}", response={200: ColumnMappingOut, 403: Error, 404: Error}, summary="One column mapping")
def get_column_mapping(request, name: str):
    _read(request)
    return _column(get_object_or_404(ColumnMapping, name=name))


@router.put(
    "/mappings/{name}",
    response={200: ColumnMappingOut, 400: Error, 403: Error},
    summary="Save a column mapping under a name (created, or replaced)",
)
def save_column_mapping(request, name: str, payload: ColumnMappingIn):
    m = actions.save_column_mapping(
        name=name, config=payload.config, description=payload.description, user=request.user, interface="api"
    )
    return _column(m)


class Dhis2MappingIn(Schema):
    kind: Dhis2Kind = Field(description="what the DHIS2 id names: a data element, an org unit or a category combo")
    dhis2_id: str = Field(min_length=1, max_length=60, description="the DHIS2 id (11 characters, e.g. 'DiszpKrYNg8')")
    code: str = Field("", max_length=100, description="the Stocktake code it stands for ('' for the default combo)")
    field: Dhis2Field = Field("value", description="for data elements: the part of the indicator it carries")
    name: str = Field("", max_length=200, description="DHIS2's name for it, for people")

    model_config = {
        "json_schema_extra": {
            "examples": [{"kind": "org_unit", "dhis2_id": "DiszpKrYNg8", "code": "north-d01", "name": "Ngelehun CHC"}]
        }
    }


class Dhis2MappingOut(Dhis2MappingIn):
    id: int = Field(description="the mapping's id")

    model_config = {"json_schema_extra": None}


def _dhis2(m: Dhis2Mapping) -> dict:
    return {"id": m.pk, "kind": m.kind, "dhis2_id": m.dhis2_id, "code": m.code, "field": m.field, "name": m.name}


class Dhis2Query(PageQuery):
    kind: Dhis2Kind | None = Field(None, description="only mappings of this kind")
    code: str = Field("", description="only mappings to this Stocktake code")


@router.get("/dhis2-mappings", response={200: page_of(Dhis2MappingOut), 403: Error}, summary="The DHIS2 id table")
def list_dhis2_mappings(request, q: Query[Dhis2Query]):
    _read(request)
    qs = Dhis2Mapping.objects.all()
    if q.kind:
        qs = qs.filter(kind=q.kind)
    if q.code:
        qs = qs.filter(code=q.code)
    return paged(qs.order_by("kind", "dhis2_id"), q, _dhis2)


@router.put(
    "/dhis2-mappings",
    response={200: Dhis2MappingOut, 400: Error, 403: Error},
    summary="Map one DHIS2 id to a Stocktake code (created, or changed if the id is mapped already)",
)
def save_dhis2_mapping(request, payload: Dhis2MappingIn):
    return _dhis2(actions.save_dhis2_mapping(**payload.model_dump(), user=request.user, interface="api"))
