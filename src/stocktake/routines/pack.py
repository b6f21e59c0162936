"""The stocktake pack for one meeting (seed 003's task-force agenda pack).

    1. agenda, listing who attends
    2. action tracker from the last meeting
    3. outstanding actions
    4. performance pack: dashboard of leading indicators, trajectories, units, latest assessment
    5. milestones late and coming, and each priority's delivery plan (strategy profiles, chains)
       and evaluations of impact (evaluations/pack.py)
    6. annex with the detailed tables

SECTIONS is the order and the template of each part, so a richer section
(a heat map, a forecast) is one more entry, not a rewrite.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy

from stocktake.monitoring import asof, hooks

from . import frozen
from .models import ActionItem, Assessment, Meeting
from .performance import priority_performance

SECTIONS = [
    ("agenda", gettext_lazy("Agenda"), "routines/pack/agenda.html"),
    ("tracker", gettext_lazy("Action tracker from the last meeting"), "routines/pack/tracker.html"),
    ("outstanding", gettext_lazy("Outstanding actions"), "routines/pack/outstanding.html"),
    ("performance", gettext_lazy("Performance pack"), "routines/pack/performance.html"),
    ("milestones", gettext_lazy("Milestones: late, and due before the next meeting"), "routines/pack/milestones.html"),
    ("plans", gettext_lazy("Delivery plans: strategy profiles and chains"), "routines/pack/plans.html"),
    ("evaluations", gettext_lazy("Evidence of impact: evaluations"), "routines/pack/evaluations.html"),
    ("annex", gettext_lazy("Annex: detailed tables"), "routines/pack/annex.html"),
]


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The last meeting of the same routine, before this one, on any of the same priorities."""
    ids = [p.pk for p in meeting.priorities.all()]
    return (
        Meeting.objects.filter(routine=meeting.routine, priorities__in=ids)
        .filter(Q(date__lt=meeting.date) | Q(date=meeting.date, pk__lt=meeting.pk))
        .exclude(state=Meeting.State.CANCELLED)
        .exclude(pk=meeting.pk)
        .order_by("-date", "-pk")
        .distinct()
        .first()
    )


def latest_assessments(outcome_ids, before=None, as_of=None) -> dict:
    """{outcome id: its assessment in the most recent round (optionally on or before a date)}; with `as_of`
    (a moment), among the rounds that existed then, each assessment as it was saved by then."""
    qs = Assessment.objects.filter(outcome_id__in=outcome_ids, round__in=frozen.rounds_by(as_of))
    if before is not None:
        qs = qs.filter(round__date__lte=before)
    out = {}
    for a in sorted(frozen.assessments_as_of(qs, as_of), key=lambda a: (a.round.date, a.round_id)):
        out[a.outcome_id] = a
    return out


def build(meeting: Meeting, today=None, chart_width=None, scope=None, as_of=None) -> dict:
    """The pack's context; `scope` (a priority queryset) limits it to what the reader may see.

    `as_of` (a moment; None is live) freezes the figures, assessments and actions as they stood then
    (monitoring.asof, routines.frozen): the pack as issued, reproducible after later corrections."""
    reader = asof.reader(as_of)
    today = today or reader.today
    agenda = meeting.priorities.all() if scope is None else meeting.priorities.filter(pk__in=scope)
    priorities = list(
        agenda.select_related("lead_organisation", "pillar").prefetch_related(
            "outcomes__indicators", "outcomes__leader"
        )
    )
    ids = [p.pk for p in priorities]
    prev = previous_meeting(meeting)
    tracker = (
        frozen.actions_as_of(list(prev.actions.filter(priority_id__in=ids).select_related("owner", "priority")), as_of)
        if prev
        else []
    )
    outstanding = frozen.open_actions(
        ActionItem.objects.filter(priority_id__in=ids).select_related("owner", "priority", "meeting"), as_of
    )
    allocated = list(meeting.actions.filter(priority_id__in=ids).select_related("owner", "priority"))
    outcome_ids = [o.pk for p in priorities for o in p.outcomes.all()]
    latest = latest_assessments(outcome_ids, as_of=as_of)
    performance = []
    for p in priorities:
        perf = priority_performance(p, chart_width=chart_width, reader=reader)
        for o in perf["outcomes"]:
            o["assessment"] = latest.get(o["outcome"].pk)
        performance.append(perf)
    milestones = _milestones(ids, meeting.date, today, as_of)
    attendees = [meeting.routine.chair] + [x for x in meeting.routine.participants.all() if x != meeting.routine.chair]
    leaders = [o.leader for p in priorities for o in p.outcomes.all() if o.leader and o.leader not in attendees]
    for_pdf = chart_width is not None
    extra = hooks.pack_sections(priorities, for_pdf=for_pdf, as_of=as_of)  # e.g. problems (the problems app)
    return {
        "meeting": meeting,
        "routine": meeting.routine,
        "priorities": priorities,
        "previous": prev,
        "attendees": attendees + leaders,
        "tracker": tracker,
        "outstanding": outstanding,
        "allocated": allocated,
        "performance": performance,
        "sections": SECTIONS[:-1] + [(x["key"], x["title"], x["template"]) for x in extra] + SECTIONS[-1:],
        "extra": {x["key"]: x for x in extra},
        "today": today,
        "as_of": as_of,
        "decisions": list(meeting.decisions.all()),
        "milestones": milestones,
        "plans": _plan_pages(priorities, for_pdf=chart_width is not None, as_of=as_of),
        "evaluations": _evaluation_entries(priorities, for_pdf=chart_width is not None),
    }


def _evaluation_entries(priorities, *, for_pdf: bool) -> list[dict]:
    """Evaluations of the agenda's priorities, from the evaluations app when it is installed."""
    facts = hooks.evaluation_facts()
    return facts.pack_entries(priorities, for_pdf=for_pdf) if facts else []


def _plan_pages(priorities, *, for_pdf: bool, as_of=None) -> list[dict]:
    """Each priority's plan (strategy profiles, chains), from the plans app when it is installed."""
    facts = hooks.plan_facts()
    return facts.pack_pages(priorities, for_pdf=for_pdf, as_of=as_of) if facts else []


def _milestones(priority_ids, on, today, as_of=None, weeks: int = 8) -> dict:
    """Milestones already late and those due soon, from the delivery plans when the plans app is installed
    (each as it stood at `as_of` for a frozen pack)."""
    facts = hooks.plan_facts()
    return facts.milestones_around(priority_ids, on, today, weeks, as_of=as_of) if facts else {"late": [], "coming": []}
