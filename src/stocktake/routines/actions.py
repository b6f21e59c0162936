"""The one write path for routines.

Pages, the API, the CLI and the demo all call these functions, so every
change is validated the same way and audited in the same transaction.
Each refuses bad input with a ValidationError naming the field and reason.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from stocktake.accounts import audit
from stocktake.delivery import assessment as A
from stocktake.delivery import calendar as C
from stocktake.runners import runner_alive, runner_id

from .models import ActionItem, Assessment, AssessmentRound, AssessmentVersion, Decision, Meeting, RoundEvent, Routine

# An audit reason with a value in it, stored in English and shown in the reader's language (accounts/reasons.py).
CARRIED_OVER = audit.template(gettext_noop("carried over from %(round)s"))

RATED = ("challenge", "planning", "capacity", "stage", "evidence", "likelihood")
# The judgements as a refusal names them, in the reader's language.
RATING_NAMES = {
    "challenge": gettext_lazy("degree of challenge"),
    "planning": gettext_lazy("quality of planning"),
    "capacity": gettext_lazy("capacity to drive progress"),
    "stage": gettext_lazy("stage of delivery"),
    "evidence": gettext_lazy("evidence of progress"),
    "likelihood": gettext_lazy("likelihood of delivery"),
}
TEXTS = tuple(f"{j}_rationale" for j in RATED) + ("key_issues", "next_steps", "narrative")


def _user(user):
    return user if getattr(user, "is_authenticated", False) else None


# --- assessment rounds --------------------------------------------------------------------------


@transaction.atomic
def create_round(*, name: str, date: date, user=None, interface="web") -> AssessmentRound:
    """A new round, starting from the last round's judgements and rationales (carry_over), so twelve outcomes'
    judgements are revised rather than typed again."""
    if not (name or "").strip():
        raise ValidationError({"name": _("a round needs a name, e.g. 'December 2026'")})
    if AssessmentRound.objects.filter(name=name.strip()).exists():
        raise ValidationError({"name": _("a round called %(name)r already exists") % {"name": name.strip()}})
    rnd = AssessmentRound(name=name.strip(), date=date)
    audit.save_audited(rnd, user=user, interface=interface)
    carry_over(rnd, user=user, interface=interface)
    return rnd


def carry_over(rnd: AssessmentRound, *, user=None, interface="web") -> list[Assessment]:
    """Copy the judgements and rationales of the round before `rnd` (the latest dated before it) into `rnd`,
    each marked as carried over; key issues, next steps, narrative and the data's proposal are this round's own.
    Each copy is version 1 of its assessment, audited, with the round it came from as its reason."""
    earlier = AssessmentRound.objects.filter(date__lt=rnd.date).exclude(pk=rnd.pk).order_by("-date", "-id").first()
    if earlier is None:
        return []
    reason = audit.reason(CARRIED_OVER, round=earlier.name)
    made = []
    for old in earlier.assessments.exclude(outcome__in=rnd.assessments.values("outcome")).order_by("pk"):
        obj = Assessment(round=rnd, outcome_id=old.outcome_id, carried_from=earlier, updated_by=_user(user))
        for name in RATED:
            setattr(obj, name, getattr(old, name))
            setattr(obj, f"{name}_rationale", getattr(old, f"{name}_rationale"))
        obj.carried_over = [name for name in RATED if getattr(old, name) not in (None, "")]
        obj.save()
        after = audit.snapshot(obj)
        AssessmentVersion.objects.create(assessment=obj, version=1, data=after, reason=reason, by=_user(user))
        audit.record(user=user, interface=interface, action="create", obj=obj, after=after, reason=reason)
        made.append(obj)
    return made


@transaction.atomic
def close_round(rnd: AssessmentRound, *, user=None, interface="web", reason: str = "") -> AssessmentRound:
    rnd = AssessmentRound.objects.select_for_update().get(pk=rnd.pk)
    if rnd.is_closed:
        raise ValidationError({"state": _("round %(name)s is already closed") % {"name": rnd.name}})
    rnd.state = AssessmentRound.State.CLOSED
    audit.save_audited(rnd, user=user, interface=interface, reason=reason or gettext_noop("Round closed"))
    RoundEvent.objects.create(round=rnd, state=rnd.state, reason=reason or gettext_noop("Round closed"), by=_user(user))
    return rnd


@transaction.atomic
def reopen_round(rnd: AssessmentRound, *, reason: str, user=None, interface="web") -> AssessmentRound:
    """Reopening changes judgements already reported, so it needs a reason and is audited."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("reopening a closed round needs a reason")})
    rnd = AssessmentRound.objects.select_for_update().get(pk=rnd.pk)
    if not rnd.is_closed:
        raise ValidationError({"state": _("round %(name)s is not closed") % {"name": rnd.name}})
    rnd.state = AssessmentRound.State.OPEN
    audit.save_audited(rnd, user=user, interface=interface, reason=reason.strip())
    RoundEvent.objects.create(round=rnd, state=rnd.state, reason=reason.strip(), by=_user(user))
    return rnd


def _not_a_rating(name: str, value) -> str:
    """Why `value` is not a rating of judgement `name` (the engine's check says the same in English)."""
    if name == "challenge":
        return _("degree of challenge must be one of H, M, L, not %(value)s") % {"value": repr(value)}
    return _("%(name)s must be a whole number from 1 to 4, not %(value)s") % {
        "name": RATING_NAMES[name],
        "value": repr(value),
    }


def _clean_ratings(fields: dict) -> dict:
    errors = {}
    out = {}
    for name in RATED:
        if name not in fields:
            continue
        value = fields[name]
        if value in (None, ""):
            out[name] = "" if name == "challenge" else None
            continue
        if name != "challenge":
            try:
                value = int(value)
            except (TypeError, ValueError):
                errors[name] = _not_a_rating(name, value)
                continue
        else:
            value = str(value).strip().upper()
        try:
            A.check(name if name != "likelihood" else "evidence", value)
        except A.RatingError:
            errors[name] = _not_a_rating(name, value)
            continue
        out[name] = value
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def assess(
    rnd: AssessmentRound, outcome, *, user=None, interface="web", reason: str = "", proposal=None, **fields
) -> Assessment:
    """Record (or revise) the judgements for one outcome in a round.

    `proposal` is the data's evidence-of-progress proposal (delivery.assessment.Proposal)
    at the time of judging; it is kept beside the decision so both can be read later.
    """
    unknown = set(fields) - set(RATED) - set(TEXTS)
    if unknown:
        raise ValidationError(_("unknown assessment field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    rnd = AssessmentRound.objects.select_for_update().get(pk=rnd.pk)
    if rnd.is_closed:
        raise ValidationError(
            {"round": _("round %(name)s is closed; reopen it with a reason to change it") % {"name": rnd.name}}
        )
    ratings = _clean_ratings(fields)
    current = Assessment.objects.select_for_update().filter(round=rnd, outcome=outcome).first()
    is_new = current is None
    obj = current or Assessment(round=rnd, outcome=outcome)
    before = None if is_new else audit.snapshot(obj)
    for name, value in ratings.items():
        setattr(obj, name, value)
    for name in TEXTS:
        if name in fields:
            setattr(obj, name, (fields[name] or "").strip())
    if proposal is not None:
        obj.proposed_evidence = proposal.rating
        obj.proposal_reasons = proposal.text
    if obj.carried_over and before is not None:  # a judgement changed here is this round's, not carried over
        obj.carried_over = [
            name
            for name in obj.carried_over
            if before.get(name) == getattr(obj, name)
            and before.get(f"{name}_rationale") == getattr(obj, f"{name}_rationale")
        ]
    missing = {}  # every missing rationale at once, in the form's order, so the user fixes them in one go
    for name in ("challenge", "planning", "capacity", "stage", "evidence"):
        if getattr(obj, name) not in (None, "") and not getattr(obj, f"{name}_rationale"):
            label = _(dict(A.JUDGEMENTS)[name]).lower()  # msgids in round.html
            missing[f"{name}_rationale"] = _("a rating for %(label)s needs a rationale") % {"label": label}
    if obj.likelihood and not obj.likelihood_rationale:
        missing["likelihood_rationale"] = _("a likelihood of delivery needs a rationale")
    if missing:
        raise ValidationError(missing)
    if not is_new:
        if audit.snapshot(obj) == before:
            return obj
        obj.version += 1
    obj.updated_by = _user(user)
    obj.full_clean()
    obj.save()
    AssessmentVersion.objects.create(
        assessment=obj, version=obj.version, data=audit.snapshot(obj), reason=reason, by=_user(user)
    )
    audit.record(
        user=user,
        interface=interface,
        action="create" if is_new else "change",
        obj=obj,
        before=before,
        after=audit.snapshot(obj),
        reason=reason,
    )
    return obj


# --- routines and meetings ----------------------------------------------------------------------


@transaction.atomic
def create_routine(
    *,
    name,
    kind,
    chair,
    frequency,
    starts_on,
    priorities,
    participants=(),
    description="",
    one_priority_per_meeting=True,
    user=None,
    interface="web",
) -> Routine:
    priorities = list(priorities)
    if not priorities:
        raise ValidationError({"priorities": _("a routine must cover at least one priority")})
    if chair is None:
        raise ValidationError({"chair": _("a routine needs a chair")})
    routine = Routine(
        name=name,
        kind=kind,
        chair=chair,
        frequency=frequency,
        starts_on=starts_on,
        description=description,
        one_priority_per_meeting=one_priority_per_meeting,
    )
    routine.full_clean()
    routine.save()
    routine.priorities.set(priorities)
    routine.participants.set(list(participants))
    after = audit.snapshot(routine) | {
        "priorities": [p.pk for p in priorities],
        "participants": [p.pk for p in participants],
    }
    audit.record(user=user, interface=interface, action="create", obj=routine, after=after)
    return routine


ROUTINE_FIELDS = {"name", "kind", "chair", "frequency", "starts_on", "description", "one_priority_per_meeting"}


@transaction.atomic
def change_routine(
    routine: Routine, *, priorities=None, participants=None, user=None, interface="web", reason: str = "", **fields
) -> Routine:
    """Change a routine's fields, priorities or participants; meetings already scheduled stay as they are."""
    unknown = sorted(set(fields) - ROUTINE_FIELDS)
    if unknown:
        raise ValidationError({unknown[0]: _("cannot be changed on a routine")})
    current = Routine.objects.select_for_update().get(pk=routine.pk)
    if "chair" in fields and fields["chair"] is None:
        raise ValidationError({"chair": _("a routine needs a chair")})
    if priorities is not None and not list(priorities):
        raise ValidationError({"priorities": _("a routine must cover at least one priority")})

    def whole(r):
        return audit.snapshot(r) | {
            "priorities": sorted(r.priorities.values_list("pk", flat=True)),
            "participants": sorted(r.participants.values_list("pk", flat=True)),
        }

    before = whole(current)
    for name, value in fields.items():
        setattr(current, name, value)
    current.full_clean()
    current.save()
    if priorities is not None:
        current.priorities.set(list(priorities))
    if participants is not None:
        current.participants.set(list(participants))
    after = whole(current)
    if after != before:
        audit.record(
            user=user, interface=interface, action="change", obj=current, before=before, after=after, reason=reason
        )
    return current


@transaction.atomic
def create_meeting(*, routine: Routine, date: date, priorities, user=None, interface="web") -> Meeting:
    priorities = list(priorities)
    if not priorities:
        raise ValidationError({"priorities": _("a meeting must cover at least one priority")})
    if date is None:
        raise ValidationError({"date": _("a meeting needs a date")})
    meeting = Meeting(routine=routine, date=date)
    meeting.full_clean()
    meeting.save()
    meeting.priorities.set(priorities)
    audit.record(
        user=user,
        interface=interface,
        action="create",
        obj=meeting,
        after=audit.snapshot(meeting) | {"priorities": [p.pk for p in priorities]},
    )
    return meeting


@transaction.atomic
def schedule_routine(
    routine: Routine, *, start: date | None = None, months: int = 12, user=None, interface="web"
) -> list[Meeting]:
    """Create the meetings of the next `months`, staggered by minister; dates already scheduled are kept."""
    start = start or max(routine.starts_on, timezone.localdate())
    until = C._add_months(start, months)
    priorities = list(routine.priorities.select_related("lead_organisation").order_by("pillar__rank", "rank"))
    existing = {
        (m.date, tuple(sorted(p.pk for p in m.priorities.all())))
        for m in routine.meetings.filter(date__gte=start).prefetch_related("priorities")
    }
    by_code = {p.code: p for p in priorities}
    created = []
    if routine.one_priority_per_meeting:
        slots = C.stagger(start, routine.frequency, until, [(p.code, str(p.lead_organisation_id)) for p in priorities])
        plan = [(s.day, [by_code[s.key]]) for s in slots]
    else:
        plan = [(d, priorities) for d in C.occurrences(start, routine.frequency, until)]
    for day, prios in plan:
        if (day, tuple(sorted(p.pk for p in prios))) in existing:
            continue
        created.append(create_meeting(routine=routine, date=day, priorities=prios, user=user, interface=interface))
    return created


@transaction.atomic
def record_minutes(meeting: Meeting, *, minutes: str, user=None, interface="web") -> Meeting:
    """Writing the minutes marks the meeting as held: a routine that has minutes happened."""
    if not (minutes or "").strip():
        raise ValidationError({"minutes": _("minutes cannot be empty")})
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.state == Meeting.State.CANCELLED:
        raise ValidationError({"state": _("a cancelled meeting has no minutes")})
    meeting.minutes = minutes.strip()
    if meeting.state != Meeting.State.HELD:
        meeting.state = Meeting.State.HELD
        meeting.held_at = timezone.now()
    return audit.save_audited(meeting, user=user, interface=interface)


@transaction.atomic
def issue_pack(meeting: Meeting, *, user=None, interface="web") -> Meeting:
    """Issue the meeting's pack: from now on it shows the data as it stands at this moment (routines.frozen).

    Issuing again before the meeting is held re-issues it with the data of the new moment; a held or
    cancelled meeting's pack stays as it was issued."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.state != Meeting.State.SCHEDULED:
        raise ValidationError(
            {
                "state": _("only a scheduled meeting's pack is issued; this meeting is %(state)s")
                % {"state": meeting.get_state_display()}
            }
        )
    meeting.issued_at = timezone.now()
    return audit.save_audited(meeting, user=user, interface=interface, reason=gettext_noop("Pack issued"))


@transaction.atomic
def cancel_meeting(meeting: Meeting, *, reason: str, user=None, interface="web") -> Meeting:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("cancelling a meeting needs a reason")})
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.state == Meeting.State.HELD:
        raise ValidationError({"state": _("a meeting that was held cannot be cancelled")})
    meeting.state = Meeting.State.CANCELLED
    return audit.save_audited(meeting, user=user, interface=interface, reason=reason.strip())


@transaction.atomic
def add_decision(meeting: Meeting, *, text: str, user=None, interface="web") -> Decision:
    if not (text or "").strip():
        raise ValidationError({"text": _("a decision cannot be empty")})
    return audit.save_audited(Decision(meeting=meeting, text=text.strip()), user=user, interface=interface)


@transaction.atomic
def create_action(
    *,
    priority,
    description: str,
    owner,
    due: date | None,
    meeting: Meeting | None = None,
    user=None,
    interface="web",
    today: date | None = None,
) -> ActionItem:
    today = today or timezone.localdate()
    errors = {}
    if not (description or "").strip():
        errors["description"] = _("an action needs a description")
    if owner is None:
        errors["owner"] = _("an action needs an owner")
    if due is None:
        errors["due"] = _("an action needs a due date")
    elif due < today:
        errors["due"] = _("the due date %(due)s is already in the past") % {"due": f"{due:%d %b %Y}"}
    if priority is None:
        errors["priority"] = _("an action belongs to a priority")
    elif meeting is not None and not meeting.priorities.filter(pk=priority.pk).exists():
        errors["priority"] = _("%(priority)s is not on this meeting's agenda") % {"priority": priority}
    if errors:
        raise ValidationError(errors)
    action = ActionItem(priority=priority, description=description.strip(), owner=owner, due=due, meeting=meeting)
    return audit.save_audited(action, user=user, interface=interface)


@transaction.atomic
def close_action(action: ActionItem, *, note: str, user=None, interface="web") -> ActionItem:
    """The action stays on the record with what was done; only its state changes."""
    if not (note or "").strip():
        raise ValidationError({"note": _("closing an action needs a note saying what was done")})
    action = ActionItem.objects.select_for_update().get(pk=action.pk)
    if action.state == ActionItem.State.CLOSED:
        raise ValidationError({"state": _("this action is already closed")})
    action.state = ActionItem.State.CLOSED
    action.closing_note = note.strip()
    action.closed_at = timezone.now()
    return audit.save_audited(action, user=user, interface=interface, reason=note.strip())


@transaction.atomic
def mark_reminded(actions, *, interface="cli") -> int:
    now = timezone.now()
    n = 0
    for a in actions:
        a.reminded_at = now
        audit.save_audited(a, user=None, interface=interface, reason=gettext_noop("Overdue reminder sent"))
        n += 1
    return n


def default_due(today: date | None = None, weeks: int = 4) -> date:
    return (today or timezone.localdate()) + timedelta(weeks=weeks)


# --- printed documents generated in the background (routines.tasks) ------------------------------


def request_document(*, kind: str, user, paper: str, meeting=None, round=None, as_of: str = "", interface="web"):
    """Queue a pack, report or note for the worker; the document row and its task are stored together.
    `as_of` is the moment the page was showing (routines.frozen.parse_as_of), so the PDF shows the same."""
    from stocktake.params import BadParameter

    from . import frozen, tasks
    from .models import Document

    if kind == Document.Kind.PACK and meeting is None:
        raise ValidationError({"meeting": _("a meeting pack needs its meeting")})
    if kind == Document.Kind.REPORT and round is None:
        raise ValidationError({"round": _("a delivery report needs its assessment round")})
    if kind not in Document.Kind.values:
        raise ValidationError({"kind": _("%(kind)r is not one of pack, report, note") % {"kind": kind}})
    if paper not in Document.Paper.values:
        raise ValidationError({"paper": _("%(paper)r is not one of a4, letter") % {"paper": paper}})
    as_of = (as_of or "").strip()
    try:
        frozen.parse_as_of(as_of, None)
    except BadParameter as exc:
        raise ValidationError({"as_of": exc.reason}) from None
    if len(as_of) > Document._meta.get_field("as_of").max_length:
        raise ValidationError({"as_of": _("too long: use 'now', a date (YYYY-MM-DD) or a date and time")})
    with transaction.atomic():
        doc = Document.objects.create(
            kind=kind,
            meeting=meeting,
            round=round,
            paper=paper,
            as_of=as_of,
            requested_by=user,
            status=Document.Status.QUEUED,
            language=translation.get_language() or "",
        )
        result = tasks.generate_document.enqueue(doc.pk)
        doc.task_id = str(result.id)
        doc.save(update_fields=["task_id"])
        audit.record(
            user=user,
            interface=interface,
            action="create",
            obj=doc,
            after={
                "kind": kind,
                "paper": paper,
                "meeting": meeting and meeting.pk,
                "round": round and round.pk,
                "as_of": as_of,
            },
        )
    return doc


def start_document(doc) -> bool:
    """Claim a queued document for this process; False when another worker has it or it was removed."""
    from .models import Document

    now = timezone.now()
    claimed = Document.objects.filter(pk=doc.pk, status=Document.Status.QUEUED).update(
        status=Document.Status.RUNNING, runner=runner_id(), started_at=now, heartbeat_at=now, stage="data"
    )
    return bool(claimed)


def document_progress(doc, *, step: int, steps: int, stage: str) -> None:
    """How far the generation is (and a heartbeat): a plain update, committed at once (no open transaction)."""
    from .models import Document

    Document.objects.filter(pk=doc.pk, status=Document.Status.RUNNING).update(
        step=step, steps=steps, stage=stage[:20], heartbeat_at=timezone.now()
    )


def finish_document(doc, *, content: bytes, pages: int, title: str, filename: str) -> None:
    from .models import Document

    Document.objects.filter(pk=doc.pk).update(
        status=Document.Status.DONE,
        content=content,
        pages=pages,
        size=len(content),
        title=title[:300],
        filename=filename[:200],
        stage="done",
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )


def fail_document(doc, message: str) -> None:
    from .models import Document

    Document.objects.filter(pk=doc.pk).exclude(status=Document.Status.DONE).update(
        status=Document.Status.FAILED, message=message[:2000], finished_at=timezone.now()
    )


def fail_abandoned_documents(now=None) -> int:
    """Running documents whose worker died (this host: its process is gone; elsewhere: no heartbeat for
    STOCKTAKE_JOB_STALE_SECONDS) are marked failed, so no page polls a dead job for ever."""
    from django.conf import settings

    from .models import Document

    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.STOCKTAKE_JOB_STALE_SECONDS)
    failed = 0
    for doc in Document.objects.filter(status=Document.Status.RUNNING).exclude(runner="").defer("content"):
        alive = runner_alive(doc.runner)
        if alive is False or (alive is None and (doc.heartbeat_at or doc.created_at) < stale):
            fail_document(
                doc,
                _("the worker generating this document (%(runner)s) stopped before it finished; generate it again")
                % {"runner": doc.runner},
            )
            failed += 1
    return failed
