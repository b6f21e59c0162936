"""JSON API of the collection app, mounted at /api/collection/.

Callers use a token or the signed-in session (the API's global auth); reads of
published data are also open to the public. Writes use the same actions
and import pipeline as the pages; a user who may not do something gets 403
and nothing changes.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import Field

from stocktake.accounts import permissions
from stocktake.accounts.apiauth import api_auth
from stocktake.architecture import access as architecture_access
from stocktake.architecture import fiscal
from stocktake.architecture.models import Indicator, OrgUnit
from stocktake.delivery import coverage as C
from stocktake.delivery import periods as P
from stocktake.monitoring import access as monitoring_access
from stocktake.monitoring import marks
from stocktake.monitoring import rollups as monitoring_rollups
from stocktake.monitoring.api import FREQUENCY_HELP, Frequency
from stocktake.monitoring.models import DataValue
from stocktake.schemas import Error

from . import actions, freshness, importer
from . import verification as V
from .models import ColumnMapping, ImportBatch

router = Router(tags=["collection"])


def _anyone(request):
    """The public may read what is published: an unauthenticated caller reads as anonymous."""
    return True


# Token or session first (so a signed-in caller is known), else the public.
PUBLIC = [*api_auth(), _anyone]


class RowErrorOut(Schema):
    row: int | None
    column: str
    message: str


class WarningOut(Schema):
    row: int | None = None
    rule: str
    indicator: str | None = None
    message: str


class BatchOut(Schema):
    id: int
    file_name: str
    format: str
    dry_run: bool
    strict: bool
    status: str
    message: str
    rows_read: int = Field(description="rows of the file read (blank rows not counted)")
    records: int = Field(description="records made from those rows: a mapped row may give several values, or none")
    rows_skipped: int = Field(description="file rows a mapping's rule left out (a total row, no value)")
    skipped: dict[str, int] = Field(description="skipped rows by rule, e.g. {'Org Code is TOTAL': 1}")
    rows_accepted: int
    rows_rejected: int
    error_count: int
    created: int
    changed: int
    unchanged: int
    units_created: int
    errors: list[RowErrorOut]
    warnings: list[WarningOut]
    seconds: float
    created_at: datetime


class RowIn(Schema):
    indicator: str
    org_unit: str
    period: str
    disaggregation: str = ""
    value: float | str | None = None
    numerator: float | str | None = None
    denominator: float | str | None = None
    comment: str = ""


class RowsIn(Schema):
    rows: list[RowIn]
    dry_run: bool = False
    strict: bool = False


class Dhis2DataValue(Schema):
    dataElement: str
    period: str | None = None
    orgUnit: str | None = None
    categoryOptionCombo: str | None = None
    attributeOptionCombo: str | None = None
    value: str | float | None = None
    comment: str | None = None


class Dhis2DataValueSet(Schema):
    dataSet: str | None = None
    completeDate: str | None = None
    period: str | None = None
    orgUnit: str | None = None
    attributeOptionCombo: str | None = None
    dataValues: list[Dhis2DataValue]


Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class SeenIn(Schema):
    id: Id
    version: Annotated[int, Field(ge=1, le=2**31 - 1)] = Field(description="the value's version you reviewed")


class DecisionIn(Schema):
    values: list[SeenIn] = Field(
        min_length=1, max_length=10_000, description="each value decided, with the version you saw (GET /values/{id})"
    )
    reason: str = ""


class MovedOut(Schema):
    id: int
    indicator: str
    org_unit: str
    period: str
    disaggregation: str
    seen_version: int
    version: int


class MovedError(Schema):
    detail: str
    moved: list[MovedOut]


class DecisionOut(Schema):
    decided: int
    state: str


class VersionOut(Schema):
    version: int
    value: float | None
    numerator: float | None
    denominator: float | None
    state: str
    comment: str
    source: str
    at: datetime
    by: str | None


class ReviewOut(Schema):
    version: int
    state: str
    previous_state: str
    reason: str
    at: datetime
    by: str | None


class ValueOut(Schema):
    id: int
    indicator: str
    org_unit: str
    period: str
    disaggregation: str
    value: float | None
    numerator: float | None
    denominator: float | None
    computed: float | None
    state: str
    official: bool
    version: int
    versions: list[VersionOut]
    reviews: list[ReviewOut]


class FreshnessOut(Schema):
    indicator: str
    last_period: str | None
    days_since: int | None
    due_period: str
    due_date: date
    reported_share: float
    late: bool
    days_late: int
    missing_units: list[str]
    root: str | None


class RollupPoint(Schema):
    period: str
    label: str = Field(
        description="the period in words, translated (2025/26 Q4, Financial year 2025/26; a calendar period its code)",
        examples=["2025/26 Q4"],
    )
    start: date
    end: date
    value: float | None
    partial: bool
    partial_reason: str


class RollupQuery(Schema):
    frequency: Frequency | None = Field(
        None,
        description=FREQUENCY_HELP.replace("listed in `frequencies`", "listed in the series API's `frequencies`"),
        examples=["FQ"],
    )
    kind: str | None = Field(
        None,
        description="the same as `frequency` (its older name, kept for scripts that use it); `frequency` wins",
        examples=["Q"],
    )


def _batch_out(b: ImportBatch) -> dict:
    out = {f: getattr(b, f) for f in BatchOut.model_fields if f not in ("id", "errors", "warnings")}
    out.update(id=b.pk, errors=b.errors, warnings=b.warnings)
    return out


def _who(u):
    return (u.get_full_name() or u.username) if u else None


@router.post(
    "/imports",
    response={200: BatchOut, 400: Error, 403: Error},
    summary="Import a file (CSV, xlsx, DHIS2 JSON/CSV) through the import pipeline",
)
def import_file(
    request,
    file: File[UploadedFile],
    dry_run: Form[bool] = False,
    strict: Form[bool] = False,
    format: Form[str] = "",
    mapping: Form[str] = "",
):
    m = None
    if mapping:
        m = ColumnMapping.objects.filter(name=mapping).first()
        if m is None:
            raise HttpError(400, _("no column mapping named '%(mapping)s'") % {"mapping": mapping})
    if format and format not in importer.FORMATS:
        raise HttpError(
            400,
            _("unknown format '%(format)s'; use one of %(formats)s")
            % {"format": format, "formats": ", ".join(importer.FORMATS)},
        )
    if not (permissions.can_manage(request.user) or permissions.role(request.user) == "data_lead"):
        return Status(403, {"detail": _("only data leads and the delivery unit import data")})
    b = importer.run_import(
        file,
        file_name=file.name or "upload",
        fmt=format or None,
        mapping=m,
        user=request.user,
        interface="api",
        dry_run=dry_run,
        strict=strict,
    )
    return Status(200, _batch_out(b))


@router.post(
    "/values",
    response={200: BatchOut, 400: Error, 403: Error},
    summary="Submit values as JSON rows in the long format (same checks as a file)",
)
def submit_values(request, payload: RowsIn):
    if not (permissions.can_manage(request.user) or permissions.role(request.user) == "data_lead"):
        return Status(403, {"detail": _("only data leads and the delivery unit submit data")})
    body = json.dumps({"rows": [r.model_dump() for r in payload.rows]}).encode()
    b = importer.run_import(
        body,
        file_name="api rows",
        fmt="json-rows",
        user=request.user,
        interface="api",
        dry_run=payload.dry_run,
        strict=payload.strict,
    )
    return Status(200, _batch_out(b))


@router.post(
    "/dataValueSets",
    response={200: BatchOut, 400: Error, 403: Error},
    summary="Receive a DHIS2 data value set (JSON), mapped through the DHIS2 id table",
)
def dhis2_data_value_set(request, payload: Dhis2DataValueSet, dryRun: bool = False):
    if not (permissions.can_manage(request.user) or permissions.role(request.user) == "data_lead"):
        return Status(403, {"detail": _("only data leads and the delivery unit submit data")})
    body = json.dumps(payload.model_dump(exclude_none=True)).encode()
    b = importer.run_import(
        body, file_name="DHIS2 dataValueSets", fmt="dhis2-json", user=request.user, interface="api", dry_run=dryRun
    )
    return Status(200, _batch_out(b))


@router.get("/imports/{batch_id}", response={200: BatchOut, 404: Error}, summary="An import's report")
def get_batch(request, batch_id: int):
    if not 0 < batch_id < 2**31:
        raise HttpError(404, _("not found"))
    if not request.user.is_authenticated:
        raise HttpError(404, _("not found"))
    qs = (
        ImportBatch.objects.all()
        if permissions.can_read_all(request.user)
        else ImportBatch.objects.filter(user=request.user)
    )
    return _batch_out(get_object_or_404(qs, pk=batch_id))


def _value_or_404(request, value_id: int) -> DataValue:
    if not 0 < value_id < 2**31:
        raise HttpError(404, _("not found"))
    dv = get_object_or_404(
        DataValue.objects.select_related("indicator__outcome__priority", "org_unit", "period"), pk=value_id
    )
    priority = dv.indicator.outcome.priority
    insider = permissions.can_read_unpublished(request.user, priority)  # not an observer (decision 0005)
    if not permissions.can_read_priority(request.user, priority) or (not insider and dv.state != V.S.PUBLISHED):
        raise HttpError(404, _("not found"))
    return dv


@router.get(
    "/values/{value_id}",
    response={200: ValueOut, 404: Error},
    auth=PUBLIC,
    summary="A value with every version and verification decision",
)
def value_history(request, value_id: int):
    dv = _value_or_404(request, value_id)
    return {
        "id": dv.pk,
        "indicator": dv.indicator.code,
        "org_unit": dv.org_unit.code,
        "period": dv.period.code,
        "disaggregation": dv.disaggregation,
        "value": dv.value,
        "numerator": dv.numerator,
        "denominator": dv.denominator,
        "computed": dv.computed,
        "state": dv.state,
        "official": V.is_official(dv),
        "version": dv.version,
        "versions": [
            {
                "version": v.version,
                "value": v.value,
                "numerator": v.numerator,
                "denominator": v.denominator,
                "state": v.state,
                "comment": v.comment,
                "source": v.source,
                "at": v.at,
                "by": _who(v.by),
            }
            for v in dv.versions.select_related("by").order_by("version")
        ],
        "reviews": [
            {
                "version": r.version,
                "state": r.state,
                "previous_state": r.previous_state,
                "reason": r.reason,
                "at": r.at,
                "by": _who(r.by),
            }
            for r in dv.reviews.select_related("by")
        ],
    }


def _decide(request, payload: DecisionIn, fn, state, **kw):
    """Decide on the versions the caller saw; 409 names every value whose version moved since."""
    if not permissions.can_validate(request.user):
        return Status(403, {"detail": _("only the delivery unit's validators decide on values")})
    seen = {v.id: v.version for v in payload.values}
    if len(seen) != len(payload.values):
        raise HttpError(400, _("a value is listed twice"))
    try:
        n = fn(seen, user=request.user, interface="api", **kw)
    except actions.ValuesMissing as exc:
        raise HttpError(404, str(exc)) from exc
    except actions.VersionMoved as exc:
        return Status(
            409,
            {
                "detail": str(exc),
                "moved": [
                    {
                        "id": dv.pk,
                        "indicator": dv.indicator.code,
                        "org_unit": dv.org_unit.code,
                        "period": dv.period.code,
                        "disaggregation": dv.disaggregation,
                        "seen_version": seen_version,
                        "version": dv.version,
                    }
                    for dv, seen_version in exc.moved
                ],
            },
        )
    except actions.OwnValues as exc:  # separation of duties: 403 naming the caller's own values
        return Status(403, {"detail": str(exc)})
    except actions.ReviewError as exc:
        raise HttpError(400, str(exc)) from exc
    return Status(200, {"decided": n, "state": state})


DECISION_RESPONSES = {200: DecisionOut, 400: Error, 403: Error, 404: Error, 409: MovedError}


@router.post(
    "/decisions/validate", response=DECISION_RESPONSES, summary="Validate submitted values at the versions you saw"
)
def validate_values(request, payload: DecisionIn):
    return _decide(request, payload, actions.validate, V.S.VALIDATED)


@router.post(
    "/decisions/return",
    response=DECISION_RESPONSES,
    summary="Return values (at the versions you saw) to the data lead with a reason",
)
def return_values(request, payload: DecisionIn):
    return _decide(request, payload, actions.return_values, V.S.RETURNED, reason=payload.reason)


@router.post(
    "/decisions/publish", response=DECISION_RESPONSES, summary="Publish validated values at the versions you saw"
)
def publish_values(request, payload: DecisionIn):
    return _decide(request, payload, actions.publish, V.S.PUBLISHED)


@router.get(
    "/freshness", response=list[FreshnessOut], auth=PUBLIC, summary="How fresh each visible indicator's data is"
)
def freshness_list(request):
    indicators = Indicator.objects.filter(outcome__priority__in=architecture_access.visible_priorities(request.user))
    return [
        {
            "indicator": f.indicator.code,
            "last_period": f.last_period,
            "days_since": f.days_since,
            "due_period": f.due_period.code,
            "due_date": f.due_date,
            "reported_share": f.reported_share,
            "late": f.late,
            "days_late": f.days_late,
            "missing_units": f.missing_units,
            "root": f.root,
        }
        for f in freshness.of(indicators, timezone.localdate())
    ]


@router.get(
    "/rollups/{indicator}/{unit}",
    response={200: list[RollupPoint], 400: Error, 404: Error},
    auth=PUBLIC,
    summary="An indicator's rolled-up series at an org unit, at its own frequency or a coarser one (quarter, year, "
    "fiscal quarter, financial year)",
)
def rollup_series(request, indicator: str, unit: str, q: Query[RollupQuery]):
    ind = Indicator.objects.filter(code=indicator).select_related("outcome__priority").first()
    if ind is None or not permissions.can_read_priority(request.user, ind.outcome.priority):
        raise HttpError(404, _("no such indicator"))
    ou = get_object_or_404(OrgUnit, code=unit)
    if q.kind is not None and q.kind not in P.ORDER:
        raise HttpError(
            400,
            _("kind: unknown period kind '%(kind)s'; use one of %(choices)s")
            % {"kind": q.kind, "choices": ", ".join(P.ORDER)},
        )
    kind = q.frequency or q.kind
    kinds = [ind.frequency, *P.rolls_into(ind.frequency)]
    if kind is not None and kind not in kinds:
        name = "frequency" if q.frequency else "kind"
        raise HttpError(
            400,
            _("%(name)s: %(code)s is reported %(frequency)s and cannot be shown at '%(kind)s'; use one of %(kinds)s")
            % {
                "name": name,
                "code": ind.code,
                "frequency": _(P.FREQUENCY_NAMES[ind.frequency]),
                "kind": kind,
                "kinds": ", ".join(kinds),
            },
        )
    try:
        points = monitoring_rollups.series_parts(
            ind, ou, kind, part=monitoring_access.value_basis(request.user, ind).shown
        )
    except P.PeriodError as exc:
        raise HttpError(400, str(exc)) from exc
    today = timezone.localdate()
    out = []
    for p, v, parts, expected in points:
        part = C.partial(p.start, p.end, today, parts, expected)
        out.append(
            {
                "period": p.code,
                "label": fiscal.label(p.code),
                "start": p.start,
                "end": p.end,
                "value": v,
                "partial": part is not None,
                "partial_reason": marks.partial_text(part),
            }
        )
    return out


# Routes on this router kept in their own modules: verification at scale (values by filter, count, decide
# what was counted), and the column mappings and DHIS2 id tables.
from . import mappingsapi, verifyapi  # noqa: E402, F401
