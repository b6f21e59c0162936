"""JSON API of the evaluations app, mounted at /api/evaluations/.

The delivery unit creates and edits; readers with rights read every
evaluation of their priorities, estimated from official values; the public
reads published evaluations only, estimated from published values only.
The numbers come from the same functions as the page (summary.summarise).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from stocktake.architecture.models import Indicator, OrgUnit
from stocktake.schemas import Error

from . import actions, estimates, summary
from . import permissions as can
from .models import Evaluation

router = Router(tags=["evaluations"])


class TreatedIn(Schema):
    unit: str = Field(..., description="Org unit code.")
    start: str = Field(..., description="First treated period, a code of the indicator's frequency, e.g. '2025-01'.")


class EvaluationIn(Schema):
    indicator: str
    name: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    denominator_note: str = ""
    treated: list[TreatedIn]
    comparison: list[str] = Field([], description="Org unit codes; or leave empty and set propose.")
    propose: bool = Field(False, description="Propose the untreated units closest over the pre window.")
    propose_limit: int = Field(actions.PROPOSE_LIMIT, ge=2, le=200)
    pre_start: str
    pre_end: str
    post_start: str
    post_end: str
    published: bool = False


class UnitOut(Schema):
    unit: str
    name: str
    start: str | None = None
    distance: float | None = None


class EstimateOut(Schema):
    method: str
    label: str
    effect: float
    se: float
    low: float
    high: float
    p_value: float
    percent: float | None
    percent_low: float | None
    percent_high: float | None
    se_kind: str
    n_units: int


class EventPointOut(Schema):
    e: int
    effect: float
    low: float
    high: float
    n_groups: int
    n_treated: int


class NoteOut(Schema):
    code: str
    text: str


class ResultOut(Schema):
    estimates: list[EstimateOut]
    cs_minus_twfe: float
    pretrend: str
    pretrend_p: float | None
    placebo: str
    placebo_min_p: float | None
    placebo_start: str | None
    permutation_p: float
    permutations: int
    direction: str
    verdict: list[str]
    notes: list[NoteOut]
    event_study: list[EventPointOut]


class EvaluationOut(Schema):
    id: int
    name: str
    indicator: str
    description: str
    denominator_note: str
    pre_start: str
    pre_end: str
    post_start: str
    post_end: str
    selection: str
    published: bool
    created_at: datetime
    updated_at: datetime
    treated: list[UnitOut]
    comparison: list[UnitOut]
    published_values_only: bool = Field(False, description="The estimates use published values only (the public).")
    result: ResultOut | None = None
    problem: str | None = Field(None, description="Why the data no longer support the design, if they do not.")


def _err(exc: ValidationError) -> Error:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return Error(detail="; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()), errors=errors)


def _out(request, ev: Evaluation, *, with_result: bool) -> EvaluationOut:
    only_published = can.published_only(request.user, ev)
    out = EvaluationOut(
        id=ev.pk,
        name=ev.name,
        indicator=ev.indicator.code,
        description=ev.description,
        denominator_note=ev.denominator_note,
        pre_start=ev.pre_start,
        pre_end=ev.pre_end,
        post_start=ev.post_start,
        post_end=ev.post_end,
        selection=ev.selection,
        published=ev.published,
        created_at=ev.created_at,
        updated_at=ev.updated_at,
        published_values_only=only_published,
        treated=[
            UnitOut(unit=t.org_unit.code, name=t.org_unit.name, start=t.start)
            for t in ev.treated.select_related("org_unit")
        ],
        comparison=[
            UnitOut(unit=c.org_unit.code, name=c.org_unit.name, distance=c.distance)
            for c in ev.comparison.select_related("org_unit")
        ],
    )
    if with_result:
        try:
            result = estimates.assess(estimates.Spec.of(ev), published_only=only_published)
        except ValidationError as exc:
            out.problem = _err(exc).detail
        else:
            s = summary.summarise(result)
            out.result = ResultOut(**{k: s[k] for k in ResultOut.model_fields})
    return out


def _visible(request, pk: int) -> Evaluation:
    ev = get_object_or_404(Evaluation.objects.select_related("indicator__outcome__priority"), pk=pk)
    if not can.can_read(request.user, ev):
        raise Http404
    return ev


def _units(codes, field: str) -> list[OrgUnit]:
    found = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationError({field: _("Not org unit codes: %(codes)s.") % {"codes": ", ".join(missing)}})
    return [found[c] for c in dict.fromkeys(codes)]


def _no_manage() -> Error:
    return Error(detail=_("Only the delivery unit creates and edits evaluations."))


@router.get("/", response=list[EvaluationOut], summary="Evaluations this caller may read (without estimates)")
def list_evaluations(request, indicator: str | None = None):
    qs = can.visible(request.user, Evaluation.objects.select_related("indicator__outcome__priority"))
    if indicator:
        qs = qs.filter(indicator__code=indicator)
    return [_out(request, ev, with_result=False) for ev in qs]


@router.post("/", response={201: EvaluationOut, 400: Error, 403: Error}, summary="Create an evaluation")
def create_evaluation(request, payload: EvaluationIn):
    if not can.can_manage(request.user):
        return Status(403, _no_manage())
    try:
        indicator = Indicator.objects.filter(code=payload.indicator).first()
        if indicator is None:
            raise ValidationError({"indicator": _("%(code)s is not an indicator code.") % {"code": payload.indicator}})
        treated_units = _units([t.unit for t in payload.treated], "treated")
        by_code = {u.code: u for u in treated_units}
        if len(by_code) != len(payload.treated):
            raise ValidationError({"treated": _("A treated unit is listed twice.")})
        ev, _result = actions.create_evaluation(
            user=request.user,
            interface="api",
            indicator=indicator,
            name=payload.name,
            description=payload.description,
            denominator_note=payload.denominator_note,
            treated=[(by_code[t.unit], t.start) for t in payload.treated],
            comparison=_units(payload.comparison, "comparison"),
            propose=payload.propose,
            propose_limit=payload.propose_limit,
            pre_start=payload.pre_start,
            pre_end=payload.pre_end,
            post_start=payload.post_start,
            post_end=payload.post_end,
            published=payload.published,
        )
    except ValidationError as exc:
        return Status(400, _err(exc))
    return Status(201, _out(request, ev, with_result=True))


class PublishIn(Schema):
    published: bool


@router.post(
    "/{evaluation_id}/published",
    response={200: EvaluationOut, 403: Error, 404: Error},
    summary="Publish an evaluation, or withdraw it from the public",
)
def set_published(request, evaluation_id: int, payload: PublishIn):
    if not can.can_manage(request.user):
        return Status(403, _no_manage())
    ev = actions.set_published(
        get_object_or_404(Evaluation, pk=evaluation_id), payload.published, user=request.user, interface="api"
    )
    return _out(request, ev, with_result=False)


@router.get(
    "/{evaluation_id}",
    response={200: EvaluationOut, 404: Error},
    summary="One evaluation with its estimates and verdict",
)
def get_evaluation(request, evaluation_id: int):
    return _out(request, _visible(request, evaluation_id), with_result=True)


@router.get(
    "/{evaluation_id}/panel.csv",
    summary="The panel the estimates use, as CSV",
    response={200: None, 404: Error, 409: Error},
)
def panel_csv(request, evaluation_id: int):
    ev = _visible(request, evaluation_id)
    try:
        result = estimates.assess(estimates.Spec.of(ev), published_only=can.published_only(request.user, ev))
    except ValidationError as exc:
        return Status(409, _err(exc))
    buffer = io.StringIO()
    csv.writer(buffer).writerows(summary.panel_csv_rows(result))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="evaluation-{ev.pk}-panel.csv"'
    return response
