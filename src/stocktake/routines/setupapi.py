"""API routes for setting routines up, on the routines router: assessment rounds (open, close, reopen with
a reason), routines, their meetings and the minutes that mark a meeting held.

The delivery unit writes; every write goes through routines/actions.py and is audited. Reads follow the
existing routes (the delivery unit reads everything, a ministry what concerns its own priorities).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from stocktake.accounts.models import Person
from stocktake.architecture.models import Priority
from stocktake.delivery import calendar as C
from stocktake.schemas import Error

from . import access, actions
from .api import RoundOut, router
from .models import AssessmentRound, Meeting, Routine

RoutineKind = Literal[tuple(Routine.Kind.values)]  # type: ignore[valid-type]
RoutineFrequency = Literal[tuple(C.FREQUENCIES)]  # type: ignore[valid-type]
MeetingState = Literal[tuple(Meeting.State.values)]  # type: ignore[valid-type]


def _manage(request):
    if not access.can_manage(request.user):
        raise HttpError(403, _("only the delivery unit sets up rounds, routines and meetings"))


def _round_or_404(round_id: int) -> AssessmentRound:
    if not 0 < round_id < 2**31:
        raise HttpError(404, _("not found"))
    return get_object_or_404(AssessmentRound, pk=round_id)


def _round(r: AssessmentRound) -> dict:
    return {"id": r.pk, "name": r.name, "date": r.date, "state": r.state}


def _priorities(codes: list[str], field: str = "priorities") -> list[Priority]:
    found = {p.code: p for p in Priority.objects.filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise HttpError(
            400, _("%(field)s: no priority with code %(codes)s") % {"field": field, "codes": ", ".join(missing[:10])}
        )
    return [found[c] for c in codes]


def _people(ids: list[int], field: str) -> list[Person]:
    found = Person.objects.in_bulk([i for i in ids if 0 < i < 2**31])
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise HttpError(
            400, _("%(field)s: no person with id %(ids)s") % {"field": field, "ids": ", ".join(missing[:10])}
        )
    return [found[i] for i in ids]


class RoundIn(Schema):
    name: str = Field(description="the round's name, e.g. 'December 2026' (unique)")
    date: dt.date = Field(description="the round's date (YYYY-MM-DD)")

    model_config = {"json_schema_extra": {"examples": [{"name": "December 2026", "date": "2026-12-01"}]}}


class RoundReasonIn(Schema):
    reason: str = Field("", description="why: required to reopen a closed round, optional to close one")

    model_config = {"json_schema_extra": {"examples": [{"reason": "a correction to the A&E data changes two ratings"}]}}


@router.post("/rounds", response={201: RoundOut, 400: Error, 403: Error}, summary="Open an assessment round")
def open_round(request, payload: RoundIn):
    _manage(request)
    rnd = actions.create_round(name=payload.name, date=payload.date, user=request.user, interface="api")
    return Status(201, _round(rnd))


@router.post(
    "/rounds/{round_id}/close",
    response={200: RoundOut, 400: Error, 403: Error, 404: Error},
    summary="Close an assessment round: its judgements are then reported",
)
def close_round(request, round_id: int, payload: RoundReasonIn):
    _manage(request)
    rnd = actions.close_round(_round_or_404(round_id), reason=payload.reason, user=request.user, interface="api")
    return _round(rnd)


@router.post(
    "/rounds/{round_id}/reopen",
    response={200: RoundOut, 400: Error, 403: Error, 404: Error},
    summary="Reopen a closed round, with the reason (audited)",
)
def reopen_round(request, round_id: int, payload: RoundReasonIn):
    _manage(request)
    rnd = actions.reopen_round(_round_or_404(round_id), reason=payload.reason, user=request.user, interface="api")
    return _round(rnd)


class RoutineIn(Schema):
    name: str = Field(description="the routine's name (unique)")
    kind: RoutineKind = Field(description="stocktake, monthly note, delivery report or task force")
    chair_id: int = Field(ge=1, le=2**31 - 1, description="the chair's Person id")
    frequency: RoutineFrequency = Field(description="how often it meets")
    starts_on: dt.date = Field(description="the first day it can meet (YYYY-MM-DD)")
    priorities: list[str] = Field(min_length=1, description="the codes of the priorities it covers")
    participant_ids: list[int] = Field([], description="the Person ids of those who attend")
    description: str = Field("", description="what the routine is for")
    one_priority_per_meeting: bool = Field(True, description="true: each priority its own slot, staggered by minister")
    schedule_months: int = Field(0, ge=0, le=36, description="also schedule this many months of meetings (0: none)")

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "name": "Health stocktake",
                    "kind": "stocktake",
                    "chair_id": 1,
                    "frequency": "six_weekly",
                    "starts_on": "2027-01-04",
                    "priorities": ["ae-waits"],
                    "schedule_months": 12,
                }
            ]
        }
    }


class RoutineOut(Schema):
    id: int = Field(description="the routine's id")
    name: str = Field(description="the routine's name")
    kind: RoutineKind = Field(description="what kind of routine")
    chair: str = Field(description="the chair's name")
    frequency: RoutineFrequency = Field(description="how often it meets")
    starts_on: dt.date = Field(description="the first day it can meet")
    priorities: list[str] = Field(description="the codes of the priorities it covers")
    meetings: int = Field(description="how many meetings it has (any state)")


def _routine(r: Routine) -> dict:
    return {
        "id": r.pk,
        "name": r.name,
        "kind": r.kind,
        "chair": r.chair.name,
        "frequency": r.frequency,
        "starts_on": r.starts_on,
        "priorities": [p.code for p in r.priorities.order_by("code")],
        "meetings": r.meetings.count(),
    }


@router.get(
    "/routines", response={200: list[RoutineOut], 403: Error}, summary="Routines covering priorities you may read"
)
def list_routines(request):
    if not access.can_view(request.user):
        raise HttpError(403, _("routines are the delivery unit's and ministries' internal record"))
    scope = access.priorities(request.user)
    qs = Routine.objects.filter(priorities__in=scope).distinct().select_related("chair").order_by("name")
    return [_routine(r) for r in qs]


@router.post(
    "/routines",
    response={201: RoutineOut, 400: Error, 403: Error},
    summary="Create a routine, and optionally schedule its meetings",
)
def create_routine(request, payload: RoutineIn):
    from django.db import transaction

    _manage(request)
    chair = _people([payload.chair_id], "chair_id")[0]
    with transaction.atomic():
        routine = actions.create_routine(
            name=payload.name,
            kind=payload.kind,
            chair=chair,
            frequency=payload.frequency,
            starts_on=payload.starts_on,
            priorities=_priorities(payload.priorities),
            participants=_people(payload.participant_ids, "participant_ids"),
            description=payload.description,
            one_priority_per_meeting=payload.one_priority_per_meeting,
            user=request.user,
            interface="api",
        )
        if payload.schedule_months:
            actions.schedule_routine(
                routine, start=payload.starts_on, months=payload.schedule_months, user=request.user, interface="api"
            )
    return Status(201, _routine(routine))


class RoutinePatch(Schema):
    name: str = Field(None, description="the routine's name (unique)")
    kind: RoutineKind = Field(None, description="stocktake, monthly note, delivery report or task force")
    chair_id: int = Field(None, ge=1, le=2**31 - 1, description="the new chair's Person id")
    frequency: RoutineFrequency = Field(None, description="how often it meets")
    starts_on: dt.date = Field(None, description="the first day it can meet (YYYY-MM-DD)")
    priorities: list[str] = Field(None, min_length=1, description="the codes of the priorities it covers (all)")
    participant_ids: list[int] = Field(None, description="the Person ids of those who attend (all)")
    description: str = Field(None, description="what the routine is for")
    one_priority_per_meeting: bool = Field(None, description="true: each priority its own slot")
    reason: str = Field("", description="why it changed, for the audit trail")

    model_config = {"json_schema_extra": {"examples": [{"frequency": "monthly", "reason": "agreed with the chair"}]}}


@router.patch(
    "/routines/{routine_id}",
    response={200: RoutineOut, 400: Error, 403: Error, 404: Error},
    summary="Change a routine (its meetings already scheduled stay as they are)",
)
def change_routine(request, routine_id: int, payload: RoutinePatch):
    _manage(request)
    if not 0 < routine_id < 2**31:
        raise HttpError(404, _("not found"))
    routine = get_object_or_404(Routine, pk=routine_id)
    changes = payload.model_dump(exclude_unset=True, exclude={"reason"})
    if "chair_id" in changes:
        changes["chair"] = _people([changes.pop("chair_id")], "chair_id")[0]
    if changes.get("priorities") is not None:
        changes["priorities"] = _priorities(changes["priorities"])
    if "participant_ids" in changes:
        changes["participants"] = _people(changes.pop("participant_ids") or [], "participant_ids")
    routine = actions.change_routine(routine, user=request.user, interface="api", reason=payload.reason, **changes)
    return _routine(Routine.objects.select_related("chair").get(pk=routine.pk))


class MeetingIn(Schema):
    date: dt.date = Field(description="the meeting's date (YYYY-MM-DD)")
    priorities: list[str] = Field(min_length=1, description="the codes of the priorities it covers")

    model_config = {"json_schema_extra": {"examples": [{"date": "2027-02-15", "priorities": ["ae-waits"]}]}}


class MinutesIn(Schema):
    minutes: str = Field(min_length=1, description="the minutes: writing them marks the meeting held")

    model_config = {"json_schema_extra": {"examples": [{"minutes": "Agreed: winter beds by 15 December."}]}}


class CancelIn(Schema):
    reason: str = Field(description="why the meeting is cancelled")

    model_config = {"json_schema_extra": {"examples": [{"reason": "the minister is abroad"}]}}


class MeetingDetailOut(Schema):
    id: int = Field(description="the meeting's id")
    routine: str = Field(description="the routine's name")
    date: dt.date = Field(description="the meeting's date")
    state: MeetingState = Field(description="scheduled, held or cancelled")
    priorities: list[str] = Field(description="the codes of the priorities it covers")
    minutes: str = Field(description="the minutes ('' until it is held)")


def _meeting(m: Meeting) -> dict:
    return {
        "id": m.pk,
        "routine": m.routine.name,
        "date": m.date,
        "state": m.state,
        "priorities": [p.code for p in m.priorities.order_by("code")],
        "minutes": m.minutes,
    }


def _meeting_or_404(request, meeting_id: int) -> Meeting:
    if not 0 < meeting_id < 2**31:
        raise HttpError(404, _("not found"))
    scope = access.priorities(request.user)
    qs = Meeting.objects.filter(priorities__in=scope).distinct().select_related("routine")
    return get_object_or_404(qs, pk=meeting_id)


@router.post(
    "/routines/{routine_id}/meetings",
    response={201: MeetingDetailOut, 400: Error, 403: Error, 404: Error},
    summary="Add a meeting to a routine",
)
def create_meeting(request, routine_id: int, payload: MeetingIn):
    _manage(request)
    if not 0 < routine_id < 2**31:
        raise HttpError(404, _("not found"))
    routine = get_object_or_404(Routine, pk=routine_id)
    m = actions.create_meeting(
        routine=routine,
        date=payload.date,
        priorities=_priorities(payload.priorities),
        user=request.user,
        interface="api",
    )
    return Status(201, _meeting(m))


@router.get(
    "/meetings/{meeting_id}",
    response={200: MeetingDetailOut, 403: Error, 404: Error},
    summary="One meeting, with minutes",
)
def get_meeting(request, meeting_id: int):
    if not access.can_view(request.user):
        raise HttpError(403, _("meetings are the delivery unit's and ministries' internal record"))
    return _meeting(_meeting_or_404(request, meeting_id))


@router.put(
    "/meetings/{meeting_id}/minutes",
    response={200: MeetingDetailOut, 400: Error, 403: Error, 404: Error},
    summary="Record a meeting's minutes (it is then held)",
)
def record_minutes(request, meeting_id: int, payload: MinutesIn):
    _manage(request)
    m = actions.record_minutes(
        _meeting_or_404(request, meeting_id), minutes=payload.minutes, user=request.user, interface="api"
    )
    return _meeting(m)


@router.post(
    "/meetings/{meeting_id}/cancel",
    response={200: MeetingDetailOut, 400: Error, 403: Error, 404: Error},
    summary="Cancel a meeting, with the reason",
)
def cancel_meeting(request, meeting_id: int, payload: CancelIn):
    _manage(request)
    m = actions.cancel_meeting(
        _meeting_or_404(request, meeting_id), reason=payload.reason, user=request.user, interface="api"
    )
    return _meeting(m)
