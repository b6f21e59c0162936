"""JSON API of the routines app, mounted at /api/routines/.

Reads are for the delivery unit and for ministries on their own priorities;
writes go through the same action functions as the pages.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from stocktake import errors
from stocktake.accounts.models import Person
from stocktake.architecture.fiscal import label as period_label
from stocktake.architecture.models import Outcome, Priority
from stocktake.delivery import status as S
from stocktake.schemas import Error

from . import access, actions, frozen, pack, proposals, reports
from .models import ActionItem, Assessment, AssessmentRound, Meeting

router = Router(tags=["routines"])


class RoundOut(Schema):
    id: int
    name: str
    date: date
    state: str


class AssessmentOut(Schema):
    round: str
    outcome: str
    priority: str
    challenge: str
    planning: int | None
    capacity: int | None
    stage: int | None
    evidence: int | None
    likelihood: int | None
    likelihood_rationale: str
    proposed_evidence: int | None
    proposal_reasons: str
    key_issues: str
    next_steps: str
    narrative: str
    version: int
    carried_from: str | None = Field(
        description="the round this assessment started from when its round was created (null: typed in this round)"
    )
    carried_over: list[Literal[actions.RATED]] = Field(  # type: ignore[valid-type]
        description="the judgements still as carried over from that round: a changed rating or rationale leaves it"
    )


class AssessmentIn(Schema):
    challenge: str | None = None
    challenge_rationale: str | None = None
    planning: int | None = None
    planning_rationale: str | None = None
    capacity: int | None = None
    capacity_rationale: str | None = None
    stage: int | None = None
    stage_rationale: str | None = None
    evidence: int | None = None
    evidence_rationale: str | None = None
    likelihood: int | None = None
    likelihood_rationale: str | None = None
    key_issues: str | None = None
    next_steps: str | None = None
    narrative: str | None = None
    reason: str = ""


class ProposalOut(Schema):
    outcome: str
    rating: int | None
    reasons: list[str]
    forecast_used: bool


class MeetingOut(Schema):
    id: int
    routine: str
    date: date
    state: str
    priorities: list[str]


class ActionOut(Schema):
    id: int
    priority: str
    description: str
    owner: str
    due: date
    state: str
    closing_note: str
    meeting: int | None


class ActionIn(Schema):
    priority: str
    description: str
    owner_id: int
    due: date
    meeting: int | None = None


class CloseIn(Schema):
    note: str


class AsOfQuery(Schema):
    as_of: str = Field(
        "",
        description="the moment the figures stand for: empty is as issued (live if never issued), 'now' the live "
        "view, a date (YYYY-MM-DD: the end of that day) or an ISO date and time",
        examples=["now", "2026-11-02", "2026-11-02T09:30:00+00:00"],
    )


class FigureOut(Schema):
    priority: str = Field(description="the priority's code")
    outcome: str = Field(description="the outcome's code")
    indicator: str = Field(description="the indicator's code")
    latest_period: str | None = Field(description="the latest official period complete enough to stand (its code)")
    latest_period_label: str | None = Field(
        description="that period in words, translated (2025/26 Q4; a calendar period its code)",
        examples=["2025/26 Q4"],
    )
    latest: float | None = Field(description="the indicator's official figure for that period at the root")
    planned: float | None = Field(description="what the trajectory planned for that period")
    status: Literal[S.ON_TRACK, S.SLIGHTLY_OFF, S.OFF_TRACK, S.NO_DATA] = Field(
        description="the delivery status of the latest figure"
    )
    provisional_period: str | None = Field(description="a newer period not yet official or complete (its code)")
    provisional_period_label: str | None = Field(
        description="that newer period in words, translated (2025/26 Q4; a calendar period its code)",
        examples=["2025/26 Q4"],
    )
    provisional: float | None = Field(description="that newer period's figure, provisional")
    chance: float | None = Field(description="the forecast's chance (0-1) of meeting the target, when there is one")


class FrozenAssessmentOut(Schema):
    outcome: str = Field(description="the outcome's code")
    round: str | None = Field(description="the round of the assessment shown (none: no assessment then)")
    likelihood: Literal[1, 2, 3, 4, None] = Field(description="likelihood of delivery, 1 (red) to 4 (green)")
    version: int | None = Field(description="the assessment's version as it stood at the moment")


class FrozenOut(Schema):
    issued_at: datetime | None = Field(description="when it was issued (none: not issued yet, a live draft)")
    as_of: datetime | None = Field(description="the moment these figures stand for (none: live, today's data)")
    frozen: bool = Field(description="true when the figures are those of a past moment, not today's")
    label: str = Field(description="what the figures are, in words: as issued, as of a moment, or live")
    figures: list[FigureOut] = Field(description="each indicator's latest figure, status and forecast")
    assessments: list[FrozenAssessmentOut] = Field(description="each outcome's assessment shown")


def _figures(blocks, assessment_of) -> tuple[list[FigureOut], list[FrozenAssessmentOut]]:
    """The pack's or report's figures and assessments, from its performance blocks (pack.build, delivery_report)."""
    figures, assessments = [], []
    for block in blocks:
        for o in block["outcomes"]:
            a = assessment_of(o)
            assessments.append(
                FrozenAssessmentOut(
                    outcome=o["outcome"].code,
                    round=a.round.name if a else None,
                    likelihood=a.likelihood if a else None,
                    version=a.version if a else None,
                )
            )
            for i in o["indicators"]:
                s = i["summary"]
                figures.append(
                    FigureOut(
                        priority=block["priority"].code,
                        outcome=o["outcome"].code,
                        indicator=i["indicator"].code,
                        latest_period=s.latest_period,
                        latest_period_label=period_label(s.latest_period) if s.latest_period else None,
                        latest=s.latest,
                        planned=s.planned,
                        status=s.status.code,
                        provisional_period=s.provisional_period,
                        provisional_period_label=period_label(s.provisional_period) if s.provisional_period else None,
                        provisional=s.provisional,
                        chance=i.get("probability"),
                    )
                )
    return figures, assessments


def _frozen_out(moment, issued, blocks, assessment_of) -> FrozenOut:
    figures, assessments = _figures(blocks, assessment_of)
    return FrozenOut(
        issued_at=issued,
        as_of=moment,
        frozen=moment is not None,
        label=frozen.label(moment, issued),
        figures=figures,
        assessments=assessments,
    )


def _err(exc: ValidationError) -> Error:
    return Error(detail=_("not saved: %(reasons)s") % {"reasons": errors.sentence(exc)}, errors=errors.reasons(exc))


def _forbidden(request, write=False):
    if not access.can_view(request.user):
        return Status(403, Error(detail=_("sign in as the delivery unit or a ministry to read routines")))
    if write and not access.can_manage(request.user):
        return Status(403, Error(detail=_("only the delivery unit changes routines")))
    return None


def _assessment(a: Assessment) -> AssessmentOut:
    return AssessmentOut(
        round=a.round.name,
        outcome=a.outcome.code,
        priority=a.outcome.priority.code,
        challenge=a.challenge,
        planning=a.planning,
        capacity=a.capacity,
        stage=a.stage,
        evidence=a.evidence,
        likelihood=a.likelihood,
        likelihood_rationale=a.likelihood_rationale,
        proposed_evidence=a.proposed_evidence,
        proposal_reasons=a.proposal_reasons,
        key_issues=a.key_issues,
        next_steps=a.next_steps,
        narrative=a.narrative,
        version=a.version,
        carried_from=a.carried_from.name if a.carried_from else None,
        carried_over=a.carried_over,
    )


def _action(a: ActionItem) -> ActionOut:
    return ActionOut(
        id=a.pk,
        priority=a.priority.code,
        description=a.description,
        owner=a.owner.name,
        due=a.due,
        state=a.state,
        closing_note=a.closing_note,
        meeting=a.meeting_id,
    )


@router.get("/rounds", response={200: list[RoundOut], 403: Error}, summary="Assessment rounds")
def list_rounds(request):
    if denied := _forbidden(request):
        return denied
    return Status(
        200, [RoundOut(id=r.pk, name=r.name, date=r.date, state=r.state) for r in AssessmentRound.objects.all()]
    )


@router.get(
    "/rounds/{round_id}/assessments",
    response={200: list[AssessmentOut], 403: Error, 404: Error},
    summary="The judgements of one round",
)
def list_assessments(request, round_id: int):
    if denied := _forbidden(request):
        return denied
    rnd = get_object_or_404(AssessmentRound, pk=round_id)
    qs = rnd.assessments.filter(outcome__priority__in=access.priorities(request.user)).select_related(
        "round", "outcome__priority", "carried_from"
    )
    return Status(200, [_assessment(a) for a in qs])


@router.put(
    "/rounds/{round_id}/assessments/{outcome_code}",
    response={200: AssessmentOut, 400: Error, 403: Error, 404: Error},
    summary="Record or revise the judgements for one outcome (the data's proposal is kept beside them)",
)
def put_assessment(request, round_id: int, outcome_code: str, payload: AssessmentIn):
    if denied := _forbidden(request, write=True):
        return denied
    rnd = get_object_or_404(AssessmentRound, pk=round_id)
    outcome = get_object_or_404(Outcome, code=outcome_code)
    fields = payload.dict(exclude_unset=True)
    reason = fields.pop("reason", "")
    try:
        a = actions.assess(
            rnd,
            outcome,
            user=request.user,
            interface="api",
            reason=reason,
            proposal=proposals.propose(outcome),
            **fields,
        )
    except ValidationError as exc:
        return Status(400, _err(exc))
    return Status(200, _assessment(a))


@router.get(
    "/outcomes/{outcome_code}/proposal",
    response={200: ProposalOut, 403: Error, 404: Error},
    summary="The data's proposed evidence-of-progress rating, with its reasons",
)
def get_proposal(request, outcome_code: str):
    if denied := _forbidden(request):
        return denied
    outcome = get_object_or_404(Outcome.objects.filter(priority__in=access.priorities(request.user)), code=outcome_code)
    p = proposals.propose(outcome)
    return Status(
        200,
        ProposalOut(
            outcome=outcome.code, rating=p.rating, reasons=p.reasons, forecast_used=proposals.forecast_available()
        ),
    )


@router.get("/meetings", response={200: list[MeetingOut], 403: Error}, summary="Scheduled and past meetings")
def list_meetings(request, start: date | None = None, end: date | None = None):
    if denied := _forbidden(request):
        return denied
    scope = set(access.priorities(request.user).values_list("pk", flat=True))
    qs = Meeting.objects.filter(priorities__in=scope).distinct().select_related("routine")
    if start:
        qs = qs.filter(date__gte=start)
    if end:
        qs = qs.filter(date__lte=end)
    return Status(
        200,
        [
            MeetingOut(
                id=m.pk,
                routine=m.routine.name,
                date=m.date,
                state=m.state,
                priorities=[p.code for p in m.priorities.all() if p.pk in scope],
            )
            for m in qs.prefetch_related("priorities")
        ],
    )


@router.get(
    "/meetings/{meeting_id}/pack",
    response={200: FrozenOut, 400: Error, 403: Error, 404: Error},
    summary="A meeting's pack figures, as issued or at another moment",
)
def get_pack(request, meeting_id: int, q: Query[AsOfQuery]):
    """The figures, statuses, forecasts and assessments of the meeting's pack as they stood when it was issued
    (or, if never issued, at the end of the day it was held); `as_of=now` is the live view."""
    if denied := _forbidden(request):
        return denied
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    if not access.can_see_meeting(request.user, meeting):
        return Status(404, Error(detail=_("no such meeting")))
    issued = frozen.pack_moment(meeting)
    moment = frozen.parse_as_of(q.as_of, issued)
    ctx = pack.build(meeting, scope=access.priorities(request.user), as_of=moment)
    return Status(200, _frozen_out(moment, issued, ctx["performance"], lambda o: o.get("assessment")))


@router.get(
    "/rounds/{round_id}/report",
    response={200: FrozenOut, 400: Error, 403: Error, 404: Error},
    summary="A round's delivery report figures, as issued or at another moment",
)
def get_report(request, round_id: int, q: Query[AsOfQuery]):
    """The figures and the round's assessments as they stood when the round was closed (live while it is open);
    `as_of=now` is the live view, an earlier moment an earlier issue of a reopened round."""
    if denied := _forbidden(request):
        return denied
    rnd = get_object_or_404(AssessmentRound, pk=round_id)
    issued = frozen.report_moment(rnd)
    moment = frozen.parse_as_of(q.as_of, issued)
    if moment in frozen.report_issues(rnd):
        issued = moment
    ctx = reports.delivery_report(rnd, access.priorities(request.user), as_of=moment)
    return Status(200, _frozen_out(moment, issued, ctx["pages"], lambda o: o.get("assessment")))


@router.get("/actions", response={200: list[ActionOut], 403: Error}, summary="The action tracker")
def list_actions(request, state: str | None = None):
    if denied := _forbidden(request):
        return denied
    qs = ActionItem.objects.filter(priority__in=access.priorities(request.user)).select_related("priority", "owner")
    if state:
        qs = qs.filter(state=state)
    return Status(200, [_action(a) for a in qs])


@router.post("/actions", response={201: ActionOut, 400: Error, 403: Error, 404: Error}, summary="Allocate an action")
def create_action(request, payload: ActionIn):
    if denied := _forbidden(request, write=True):
        return denied

    priority = Priority.objects.filter(code=payload.priority).first()
    meeting = get_object_or_404(Meeting, pk=payload.meeting) if payload.meeting else None
    owner = Person.objects.filter(pk=payload.owner_id).first()
    try:
        a = actions.create_action(
            priority=priority,
            description=payload.description,
            owner=owner,
            due=payload.due,
            meeting=meeting,
            user=request.user,
            interface="api",
        )
    except ValidationError as exc:
        return Status(400, _err(exc))
    return Status(201, _action(a))


@router.post(
    "/actions/{action_id}/close",
    response={200: ActionOut, 400: Error, 403: Error, 404: Error},
    summary="Close an action with a note; it stays on the record",
)
def close_action(request, action_id: int, payload: CloseIn):
    if denied := _forbidden(request):
        return denied
    action = get_object_or_404(ActionItem.objects.filter(priority__in=access.priorities(request.user)), pk=action_id)
    if not access.can_close_action(request.user, action):
        return Status(403, Error(detail=_("only the delivery unit or the action's owner closes it")))
    try:
        a = actions.close_action(action, note=payload.note, user=request.user, interface="api")
    except ValidationError as exc:
        return Status(400, _err(exc))
    return Status(200, _action(a))


# Routes on this router: setting routines up (rounds open/close/reopen, routines, meetings, minutes) and
# printed documents generated in the background (start, progress, download).

from . import documentapi, setupapi  # noqa: E402, F401
