"""Pages of the routines app: calendar and health, assessment rounds, stocktake packs, actions, reports."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stocktake import errors
from stocktake.accounts.models import Person
from stocktake.architecture.models import Outcome
from stocktake.delivery import assessment as A
from stocktake.delivery import calendar as C
from stocktake.params import id_list, id_param

from . import access, actions, documents, proposals, reports
from . import render as R
from .document_views import generate_context as _generate
from .health import routine_health
from .models import CHALLENGE_NAMES, RATING_NAMES, STAGE_NAMES, ActionItem, AssessmentRound, Document, Meeting, Routine


def _viewer(request):
    if not request.user.is_authenticated:
        raise _LoginNeeded()
    if not access.can_view(request.user):
        raise PermissionDenied(_("routines are the delivery unit's internal record"))


def _manager(request):
    _viewer(request)
    if not access.can_manage(request.user):
        raise PermissionDenied(_("only the delivery unit changes routines"))


class _LoginNeeded(Exception):
    pass


def page(view):
    """Anonymous visitors are sent to sign in; everyone else is checked by the view."""

    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _LoginNeeded:
            if request.method != "GET":
                raise PermissionDenied(_("sign in first"))
            return redirect_to_login(request.get_full_path())

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _date(value, field):
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError({field: _("%(value)r is not a date (YYYY-MM-DD)") % {"value": value}}) from None


def _meeting(request, pk) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("routine__chair"), pk=pk)
    if not access.can_see_meeting(request.user, meeting):
        raise Http404(_("no such meeting"))
    return meeting


# --- index: calendar, health, outstanding actions -----------------------------------------------


@page
def index(request):
    _viewer(request)
    today = timezone.localdate()
    scope = access.priorities(request.user)
    ids = list(scope.values_list("pk", flat=True))
    upcoming = (
        Meeting.objects.filter(priorities__in=ids, date__gte=today, date__lt=C._add_months(today, 12))
        .exclude(state=Meeting.State.CANCELLED)
        .distinct()
        .select_related("routine")
        .prefetch_related("priorities__lead_organisation")
    )
    months: dict[str, list] = {}
    for m in upcoming:
        months.setdefault(m.date.strftime("%B %Y"), []).append(m)
    recent = list(
        Meeting.objects.filter(priorities__in=ids, date__lt=today)
        .distinct()
        .select_related("routine")
        .prefetch_related("priorities")
        .order_by("-date")[:10]
    )
    shown = set(ids)
    for m in list(upcoming) + list(recent):
        m.shown = [p for p in m.priorities.all() if p.pk in shown]
    for month in months.values():
        for m in month:
            m.shown = [p for p in m.priorities.all() if p.pk in shown]
    routines = list(Routine.objects.filter(priorities__in=ids).distinct().prefetch_related("priorities"))
    for r in routines:
        r.shown = [p for p in r.priorities.all() if p.pk in shown]
    health = routine_health(today, None if access.perm.can_read_unpublished(request.user) else ids)
    outstanding = ActionItem.objects.filter(priority_id__in=ids, state=ActionItem.State.OPEN).select_related(
        "owner", "priority", "meeting"
    )
    return render(
        request,
        "routines/index.html",
        {
            "months": months,
            "recent": recent,
            "health": health,
            "outstanding": outstanding,
            "today": today,
            "rounds": AssessmentRound.objects.all(),
            "routines": routines,
            "can_manage": access.can_manage(request.user),
            "priorities": scope,
            "kinds": Routine.Kind.choices,
            "frequencies": C.FREQUENCIES.items(),
            "people": Person.objects.all(),
        },
    )


@page
def calendar_ics(request, pk=None):
    _viewer(request)
    ids = set(access.priorities(request.user).values_list("pk", flat=True))
    meetings = Meeting.objects.exclude(state=Meeting.State.CANCELLED).filter(priorities__in=ids).distinct()
    name = _("Stocktake routines")
    if pk is not None:
        routine = get_object_or_404(Routine, pk=pk)
        meetings = meetings.filter(routine=routine)
        name = routine.name
    host = request.get_host()
    events = []
    for m in meetings.select_related("routine__chair").prefetch_related("priorities"):
        prios = ", ".join(p.name for p in m.priorities.all() if p.pk in ids)
        events.append(
            C.Event(
                uid=f"meeting-{m.pk}@{host}",
                day=m.date,
                summary=f"{m.routine.name}: {prios}",
                description=_("Chair: %(chair)s. Pack: %(url)s")
                % {
                    "chair": m.routine.chair,
                    "url": request.build_absolute_uri(reverse("routines:meeting", args=[m.pk])),
                },
            )
        )
    response = HttpResponse(C.to_ics(events, name), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="routines.ics"'
    return response


@page
@require_POST
def schedule(request, pk):
    _manager(request)
    routine = get_object_or_404(Routine, pk=pk)
    actions.schedule_routine(routine, user=request.user, interface="web")
    return redirect("routines:index")


@page
@require_POST
def routine_new(request):
    _manager(request)
    post = request.POST
    try:
        chair = Person.objects.filter(pk=id_param(request, "chair", source="POST")).first()
        routine = actions.create_routine(
            name=post.get("name", "").strip(),
            kind=post.get("kind", ""),
            chair=chair,
            frequency=post.get("frequency", ""),
            starts_on=_date(post.get("starts_on"), "starts_on"),
            priorities=access.priorities(request.user).filter(pk__in=id_list(request, "priorities", source="POST")),
            participants=Person.objects.filter(pk__in=id_list(request, "participants", source="POST")),
            one_priority_per_meeting=post.get("one_priority_per_meeting") == "on",
            user=request.user,
        )
        actions.schedule_routine(routine, user=request.user)
    except ValidationError as exc:
        return render(
            request, "routines/error.html", {"errors": errors.lines(exc), "back": reverse("routines:index")}, status=400
        )
    return redirect(reverse("routines:index") + "#calendar")


@page
@require_POST
def meeting_new(request):
    _manager(request)
    try:
        routine = Routine.objects.filter(pk=id_param(request, "routine", source="POST")).first()
        if routine is None:
            raise ValidationError({"routine": _("choose a routine")})
        prios = list(access.priorities(request.user).filter(pk__in=id_list(request, "priorities", source="POST")))
        meeting = actions.create_meeting(
            routine=routine, date=_date(request.POST.get("date"), "date"), priorities=prios, user=request.user
        )
    except ValidationError as exc:
        return render(
            request, "routines/error.html", {"errors": errors.lines(exc), "back": reverse("routines:index")}, status=400
        )
    return redirect("routines:meeting", meeting.pk)


# --- assessment rounds --------------------------------------------------------------------------


@page
@require_POST
def round_new(request):
    _manager(request)
    try:
        rnd = actions.create_round(
            name=request.POST.get("name", ""), date=_date(request.POST.get("date"), "date"), user=request.user
        )
    except ValidationError as exc:
        return render(
            request, "routines/error.html", {"errors": errors.lines(exc), "back": reverse("routines:index")}, status=400
        )
    return redirect("routines:round", rnd.pk)


def _form_values(assessment, proposal) -> dict[str, str]:
    """What each field of an outcome's assessment form shows: the stored judgement, or the data's proposal."""
    values = {name: "" if assessment is None else str(getattr(assessment, name) or "") for name in ASSESS_FIELDS}
    if assessment is None and proposal.rating:
        values["evidence"], values["evidence_rationale"] = str(proposal.rating), proposal.text
    return values


ASSESS_FIELDS = actions.RATED + actions.TEXTS


def _round_context(request, rnd, errors=None, posted=None):
    """The round page; `errors` {outcome id: {field: [messages]}} and `posted` {outcome id: POST} after a refusal,
    so the refused form shows what the user typed and each error beside its field."""
    ids = access.priorities(request.user)
    outcomes = (
        Outcome.objects.filter(priority__in=ids)
        .select_related("priority__pillar", "leader")
        .prefetch_related("indicators")
        .order_by("priority__pillar__rank", "priority__rank", "rank")
    )
    current = {a.outcome_id: a for a in rnd.assessments.all()}
    earlier = AssessmentRound.objects.filter(date__lt=rnd.date).order_by("-date").first()
    previous = {a.outcome_id: a for a in earlier.assessments.all()} if earlier else {}
    rows = []
    form_errors = []
    for o in outcomes:
        a = current.get(o.pk)
        proposal = proposals.propose(o)
        field_errors = (errors or {}).get(o.pk, {})
        values = _form_values(a, proposal)
        if o.pk in (posted or {}):
            values.update({k: posted[o.pk].get(k, "") for k in ASSESS_FIELDS if k in posted[o.pk]})
        fields = {name: {"value": values[name], "errors": field_errors.get(name, [])} for name in ASSESS_FIELDS}
        for name, messages in field_errors.items():
            anchor = f"{name.replace('_', '-')}-{o.pk}" if name in fields else f"outcome-{o.pk}"
            form_errors += [{"anchor": anchor, "text": f"{o.name}: {m}"} for m in messages]
        rows.append(
            {
                "outcome": o,
                "assessment": a,
                "previous": previous.get(o.pk),
                "carried": a.carried_over if a else [],
                "proposal": proposal,
                "f": fields,
                "errors": [m for name, ms in field_errors.items() if name not in fields for m in ms],
                "reason": (posted or {}).get(o.pk, {}).get("reason", ""),
            }
        )
    return {
        "round": rnd,
        "rows": rows,
        "form_errors": form_errors,
        "earlier": earlier,
        "can_manage": access.can_manage(request.user),
        "stages": list(STAGE_NAMES.items()),
        "challenge": list(CHALLENGE_NAMES.items()),
        "rag_choices": list(RATING_NAMES.items()),
        "judgements": [(key, _(label)) for key, label in A.JUDGEMENTS],  # msgids in round.html
        "events": rnd.events.select_related("by"),
        "forecast": proposals.forecast_available(),
    }


@page
def round_page(request, pk):
    _viewer(request)
    rnd = get_object_or_404(AssessmentRound, pk=pk)
    return render(request, "routines/round.html", _round_context(request, rnd))


@page
@require_POST
def assess(request, pk, outcome_id):
    _manager(request)
    rnd = get_object_or_404(AssessmentRound, pk=pk)
    outcome = get_object_or_404(Outcome.objects.filter(priority__in=access.priorities(request.user)), pk=outcome_id)
    fields = {k: request.POST.get(k, "") for k in actions.RATED + actions.TEXTS if k in request.POST}
    try:
        actions.assess(
            rnd,
            outcome,
            user=request.user,
            proposal=proposals.propose(outcome),
            reason=request.POST.get("reason", ""),
            **fields,
        )
    except ValidationError as exc:
        ctx = _round_context(request, rnd, {outcome.pk: errors.reasons(exc)}, posted={outcome.pk: request.POST})
        return render(request, "routines/round.html", ctx, status=400)
    return redirect(reverse("routines:round", args=[rnd.pk]) + f"#outcome-{outcome.pk}")


@page
@require_POST
def round_state(request, pk, to):
    _manager(request)
    rnd = get_object_or_404(AssessmentRound, pk=pk)
    try:
        if to == "close":
            actions.close_round(rnd, user=request.user, reason=request.POST.get("reason", ""))
        else:
            actions.reopen_round(rnd, user=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        ctx = _round_context(request, rnd)
        ctx["round_errors"] = errors.lines(exc)
        return render(request, "routines/round.html", ctx, status=400)
    return redirect("routines:round", rnd.pk)


@page
def compare(request):
    _viewer(request)
    rounds = AssessmentRound.objects.order_by("date", "id")
    chosen = id_list(request, "round")
    if chosen:
        rounds = rounds.filter(pk__in=chosen)
    return render(
        request,
        "routines/compare.html",
        {
            "table": reports.comparison(rounds, access.priorities(request.user)),
            "all_rounds": AssessmentRound.objects.order_by("date"),
        },
    )


# --- reports ------------------------------------------------------------------------------------


def _report(request, pk, short, for_print=False):
    """The report of a round as issued (its last closing; live while open), or the monthly note (live unless
    `as_of` asks for a moment: then from the latest round that existed then). `?as_of=now` is the live view."""
    _viewer(request)
    rnd = get_object_or_404(AssessmentRound, pk=pk) if pk else None
    ctx = documents.report_context(rnd, request.user, short=short, for_print=for_print, as_of=request.GET.get("as_of"))
    if ctx is None:
        raise Http404(_("no assessment round yet"))
    return ctx


@page
def report(request, pk, fmt="html"):
    if fmt == "pdf":  # the synchronous download (scripts, tests); the page offers the background job
        _viewer(request)
        rnd = get_object_or_404(AssessmentRound, pk=pk)
        body, _pages, _title, name = documents.build_pdf(
            Document.Kind.REPORT,
            user=request.user,
            rnd=rnd,
            paper=R.paper(request),
            request=request,
            as_of=request.GET.get("as_of"),
        )
        return _download(body, "application/pdf", name)
    ctx = _report(request, pk, short=False)
    name = f"delivery-report-{ctx['round'].name.lower().replace(' ', '-')}"
    if fmt == "xlsx":
        return _download(
            R.delivery_report_xlsx(ctx),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"{name}.xlsx",
        )
    return render(
        request, "routines/report.html", {**ctx, **_generate(request, Document.Kind.REPORT, rnd=ctx["round"])}
    )


@page
def note(request, fmt="html"):
    if fmt == "pdf":
        _viewer(request)
        body, _pages, _title, name = documents.build_pdf(
            Document.Kind.NOTE,
            user=request.user,
            paper=R.paper(request),
            request=request,
            as_of=request.GET.get("as_of"),
        )
        return _download(body, "application/pdf", name)
    ctx = _report(request, None, short=True)
    return render(request, "routines/report.html", {**ctx, **_generate(request, Document.Kind.NOTE)})


def _download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# --- meetings: the pack, minutes, decisions and actions ------------------------------------------


ACTION_FIELDS = ("priority", "description", "owner", "due")


def _pack_context(request, meeting, errors=None):
    ctx = documents.pack_context(meeting, request.user, as_of=request.GET.get("as_of"))
    ctx.update(
        {
            "can_manage": access.can_manage(request.user),
            "errors": errors or [],
            "people": Person.objects.all(),
            "default_due": actions.default_due(),
            **_generate(request, Document.Kind.PACK, meeting=meeting),
        }
    )
    return ctx


@page
def meeting_page(request, pk):
    _viewer(request)
    meeting = _meeting(request, pk)
    return render(request, "routines/meeting.html", _pack_context(request, meeting))


@page
def meeting_pdf(request, pk):
    """The synchronous download (scripts, tests); the page offers the background job."""
    _viewer(request)
    meeting = _meeting(request, pk)
    body, _pages, _title, name = documents.build_pdf(
        Document.Kind.PACK,
        user=request.user,
        meeting=meeting,
        paper=R.paper(request),
        request=request,
        as_of=request.GET.get("as_of"),
    )
    return _download(body, "application/pdf", name)


@page
@require_POST
def meeting_write(request, pk, what):
    _manager(request)
    meeting = _meeting(request, pk)
    try:
        if what == "minutes":
            actions.record_minutes(meeting, minutes=request.POST.get("minutes", ""), user=request.user)
        elif what == "decision":
            actions.add_decision(meeting, text=request.POST.get("text", ""), user=request.user)
        elif what == "action":
            priority = meeting.priorities.filter(pk=id_param(request, "priority", source="POST")).first()
            owner = Person.objects.filter(pk=id_param(request, "owner", source="POST")).first()
            actions.create_action(
                meeting=meeting,
                priority=priority,
                owner=owner,
                description=request.POST.get("description", ""),
                due=_date(request.POST.get("due"), "due"),
                user=request.user,
            )
        elif what == "cancel":
            actions.cancel_meeting(meeting, reason=request.POST.get("reason", ""), user=request.user)
        elif what == "issue":
            actions.issue_pack(meeting, user=request.user)
        else:
            raise Http404()
    except ValidationError as exc:
        ctx = _pack_context(request, meeting)
        ctx.update(_refused_form(what, errors.reasons(exc), request.POST))
        return render(request, "routines/meeting.html", ctx, status=400)
    return redirect(reverse("routines:meeting", args=[meeting.pk]) + "#minutes")


MEETING_FORMS = {"minutes": ("minutes",), "decision": ("text",), "action": ACTION_FIELDS, "cancel": ("reason",)}


def _refused_form(what, reasons: dict, posted) -> dict:
    """A refused meeting form shown again: what was typed in every field, each error beside its field and all
    of them in the summary at the top, linked to their fields (docs/design.md, "Errors")."""
    names = MEETING_FORMS.get(what, ())
    fields = {n: {"value": posted.get(n, ""), "errors": reasons.get(n, [])} for n in names}
    summary = [
        {"anchor": f"{what}-{name}" if name in fields else f"{what}-form", "text": message}
        for name, messages in reasons.items()
        for message in messages
    ]
    return {"form_errors": summary, f"{what}_form": fields}


@page
def tracker(request):
    _viewer(request)
    ids = access.priorities(request.user)
    state = request.GET.get("state", "open")
    qs = ActionItem.objects.filter(priority__in=ids).select_related("owner", "priority", "meeting__routine")
    if state in ("open", "closed"):
        qs = qs.filter(state=state)
    return render(
        request,
        "routines/actions.html",
        {
            "actions": qs,
            "today": timezone.localdate(),
            "state": state,
            "user_person": access.perm.person(request.user),
            "can_manage": access.can_manage(request.user),
        },
    )


@page
@require_POST
def action_close(request, pk):
    _viewer(request)
    action = get_object_or_404(ActionItem.objects.filter(priority__in=access.priorities(request.user)), pk=pk)
    if not access.can_close_action(request.user, action):
        raise PermissionDenied(_("only the delivery unit or the action's owner closes it"))
    error = None
    try:
        action = actions.close_action(action, note=request.POST.get("note", ""), user=request.user)
    except ValidationError as exc:
        error = "; ".join(errors.lines(exc))
    if request.htmx:
        return render(
            request,
            "routines/_action_row.html",
            {"a": action, "today": timezone.localdate(), "error": error, "can_close": True},
            status=400 if error else 200,
        )
    if error:
        return render(
            request, "routines/error.html", {"errors": [error], "back": reverse("routines:actions")}, status=400
        )
    nxt = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return redirect(nxt if nxt and safe else reverse("routines:actions"))
