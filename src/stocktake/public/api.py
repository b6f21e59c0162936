"""The read-only public API: the public site's commitments and published series, for anyone, no token.

The same functions as the pages (public.commitments, public.opendata) make every answer, so the API and
the pages give the same numbers (tests/public/test_api.py).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from stocktake.accounts import permissions
from stocktake.architecture import actions as architecture_actions
from stocktake.architecture import translations as TR
from stocktake.architecture.models import Indicator, Outcome, Pillar, Priority
from stocktake.schemas import Error

from . import actions, iati, opendata
from . import commitments as C

router = Router(tags=["public"])

PublicStatus = Literal["on_track", "slightly_off", "off_track", "met", "missed", "no_data", "context"]


class PublicIndicatorOut(Schema):
    code: str = Field(description="The indicator's code.", examples=["ae-4h"])
    name: str = Field(description="The indicator's name.", examples=["Patients seen within 4 hours in A&E"])
    unit_of_measure: str = Field(description="What the value counts or measures.", examples=["%"])
    latest_value: float | None = Field(
        description="The latest published figure for the country (null: none published yet).", examples=[86.6]
    )
    latest_period: str | None = Field(description="The period of the latest figure.", examples=["2026-03"])
    latest_period_end: date | None = Field(description="The last day of that period.", examples=["2026-03-31"])
    status: PublicStatus = Field(
        description="on_track, slightly_off or off_track against the planned path; met or missed once the "
        "deadline has passed; no_data before any figure is published; context for an indicator not judged "
        "against a target.",
        examples=["off_track"],
    )
    target_value: float | None = Field(
        description="The target (null when the delivery unit does not publish it).", examples=[95.0]
    )
    target_date: date | None = Field(description="The deadline of the target.", examples=["2027-12-31"])
    caveats: list[str] = Field(
        description="What to know about the figure: provisional, coverage, revisions.",
        examples=[["Revised from 86.1% on 3 March 2026."]],
    )


class PublicCommitmentOut(Schema):
    code: str = Field(description="The commitment's code (stable: its page is /public/commitments/<code>/).")
    name: str = Field(
        description="The commitment's name, in the language asked for (Accept-Language) if it was translated.",
        examples=["Shorter waits in A&E"],
    )
    pillar: str = Field(description="The pillar (theme) of the government's programme it belongs to.")
    summary: str = Field(description="The commitment in plain language, as the delivery unit wrote it.")
    status: PublicStatus = Field(description="The worst status of its indicators (missed before off track).")
    indicators: list[PublicIndicatorOut] = Field(description="Its indicators with their published figures.")


class PublicSeriesRowOut(Schema):
    indicator: str = Field(description=str(dict(opendata.COLUMNS)["indicator"]))
    indicator_name: str = Field(description=str(dict(opendata.COLUMNS)["indicator_name"]))
    unit_of_measure: str = Field(description=str(dict(opendata.COLUMNS)["unit_of_measure"]))
    org_unit: str = Field(description=str(dict(opendata.COLUMNS)["org_unit"]))
    org_unit_name: str = Field(description=str(dict(opendata.COLUMNS)["org_unit_name"]))
    org_unit_level: int = Field(description=str(dict(opendata.COLUMNS)["org_unit_level"]))
    period: str = Field(description=str(dict(opendata.COLUMNS)["period"]), examples=["2026-03"])
    period_start: date = Field(description=str(dict(opendata.COLUMNS)["period_start"]))
    period_end: date = Field(description=str(dict(opendata.COLUMNS)["period_end"]))
    value: float | None = Field(description=str(dict(opendata.COLUMNS)["value"]), examples=[86.6])
    units_reported: int = Field(description=str(dict(opendata.COLUMNS)["units_reported"]))
    units_expected: int = Field(description=str(dict(opendata.COLUMNS)["units_expected"]))


def indicator_out(f) -> dict:
    return {
        "code": f.indicator.code,
        "name": TR.text(f.indicator, "name"),
        "unit_of_measure": f.indicator.unit,
        "latest_value": f.latest,
        "latest_period": f.latest_period,
        "latest_period_end": f.latest_end,
        "status": f.status,
        "target_value": f.target.target_value if f.target else None,
        "target_date": f.target.target_date if f.target else None,
        "caveats": f.caveats,
    }


def commitment_out(c) -> dict:
    return {
        "code": c.priority.code,
        "name": TR.text(c.priority, "name"),
        "pillar": TR.text(c.priority.pillar, "name"),
        "summary": TR.text(c.choices, "summary"),
        "status": c.worst,
        "indicators": [indicator_out(f) for f in c.figures],
    }


@router.get(
    "/commitments",
    response=list[PublicCommitmentOut],
    auth=None,
    summary="The public commitments with their latest published figures (no token needed)",
)
def list_commitments(request):
    return [commitment_out(C.commitment(p, with_rows=False)) for p in C.public_priorities()]


@router.get(
    "/commitments/{code}",
    response=PublicCommitmentOut,
    auth=None,
    summary="One public commitment (404 if it is not on the public site)",
)
def get_commitment(request, code: str):
    return commitment_out(C.commitment(C.public_priority(code), with_rows=False))


@router.get(
    "/series/{indicator}",
    response=list[PublicSeriesRowOut],
    auth=None,
    summary="Every published figure of a public indicator, oldest first: the same rows as its CSV download",
)
def get_series(request, indicator: str):
    return opendata.series_rows(C.public_indicator(indicator))


@router.get(
    "/iati",
    response={200: None},
    auth=None,
    summary="The public account as IATI activity XML 2.03 (no token needed)",
    description="Each public commitment is an iati-activity, each outcome a result, each indicator an indicator "
    "with its baseline, its target (a period ending on the deadline, when the delivery unit publishes targets) "
    "and its published actuals only; names and descriptions carry every translation as narratives with "
    "xml:lang. The same file as /public/data/iati.xml, valid against the IATI 2.03 activity schema.",
    openapi_extra={
        "responses": {
            200: {
                "description": "IATI activity XML 2.03",
                "content": {
                    "application/xml": {
                        "schema": {"type": "string"},
                        "example": '<iati-activities version="2.03">...</iati-activities>',
                    }
                },
            }
        }
    },
)
def get_iati(request):
    return HttpResponse(iati.activities(), content_type="application/xml; charset=utf-8")


TRANSLATABLE = {"pillar": Pillar, "priority": Priority, "outcome": Outcome, "indicator": Indicator}
TranslatedKind = Literal["pillar", "priority", "outcome", "indicator", "commitment"]


class TranslationsIn(Schema):
    translations: dict[str, dict[str, str]] = Field(
        description="Per language (es, pt, fr: not the original's), the translated fields: name and description "
        "for a pillar, priority, outcome or indicator; summary for a commitment. A blank text falls back to the "
        "original; languages left out keep their translations.",
        examples=[{"es": {"name": "Esperas más cortas en urgencias"}, "fr": {"name": "Moins d'attente aux urgences"}}],
    )
    reason: str = Field("", description="why it changed, for the audit trail")

    model_config = {
        "json_schema_extra": {"examples": [{"translations": {"es": {"name": "Esperas más cortas en urgencias"}}}]}
    }


class TranslationsOut(Schema):
    kind: TranslatedKind = Field(description="what was translated")
    code: str = Field(description="its code", examples=["ae-waits"])
    translations: dict[str, dict[str, str]] = Field(
        description="every translation it now holds, per language", examples=[{"es": {"name": "Esperas más cortas"}}]
    )


@router.put(
    "/translations/{kind}/{code}",
    response={200: TranslationsOut, 400: Error, 403: Error, 404: Error},
    summary="Set the translations of a name, a description or a commitment's summary (the delivery unit only)",
)
def put_translations(request, kind: TranslatedKind, code: str, payload: TranslationsIn):
    if not permissions.can_manage(request.user):
        raise HttpError(403, _("only the delivery unit sets what the public site says"))
    try:
        if kind == "commitment":
            priority = get_object_or_404(Priority, code=code)
            row = actions.publish(
                priority, user=request.user, interface="api", reason=payload.reason, translations=payload.translations
            )
        else:
            obj = get_object_or_404(TRANSLATABLE[kind], code=code)
            row = architecture_actions.set_translations(
                obj, payload.translations, user=request.user, interface="api", reason=payload.reason
            )
    except ValidationError as exc:
        raise HttpError(400, "; ".join(exc.messages))
    except PermissionDenied as exc:
        raise HttpError(403, str(exc))
    return {"kind": kind, "code": code, "translations": row.translations}
