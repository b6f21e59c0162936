"""Routines' records as they stood at a moment, for packs and reports frozen when they were issued.

A meeting's pack is issued (routines.actions.issue_pack) or, if nobody issued it, frozen when the meeting
was recorded as held; a round's report is issued when the round is closed (its last closing). From then
on the pack and the report show what stood at that moment: the figures (monitoring.asof), the assessment
rounds created by then with each assessment's version saved by then (AssessmentVersion), and the actions
open or closed then. The live view ("now") is a separate, labelled choice: `?as_of=now`.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from stocktake.params import BadParameter

from .models import ActionItem, Assessment, AssessmentRound, AssessmentVersion, Meeting

NOW = "now"


def end_of_day(day) -> datetime:
    """The first moment after the day, in the server's time zone."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def pack_moment(meeting: Meeting) -> datetime | None:
    """When the meeting's pack was issued: its issue, else the moment the meeting was recorded as held
    (its minutes); None (live, a draft) before either."""
    if meeting.issued_at:
        return meeting.issued_at
    if meeting.state == Meeting.State.HELD and meeting.held_at:
        return meeting.held_at
    return None


def report_issues(rnd: AssessmentRound) -> list[datetime]:
    """Each time the round's report was issued: its closings, oldest first (a reopened round was issued before)."""
    return list(rnd.events.filter(state=AssessmentRound.State.CLOSED).order_by("at", "id").values_list("at", flat=True))


def report_moment(rnd: AssessmentRound) -> datetime | None:
    """When the round's report was issued: the round's last closing; None (live) while it is open."""
    issues = report_issues(rnd) if rnd.is_closed else []
    return issues[-1] if issues else None


def parse_as_of(value: str | None, issued: datetime | None) -> datetime | None:
    """The moment a reader asked for: nothing is the issued moment (None if not issued: live), "now" the live
    view, an ISO date the end of that day, an ISO date and time that moment. Refused with the parameter named."""
    value = (value or "").strip()
    if not value:
        return issued
    if value.lower() == NOW:
        return None
    try:
        day = parse_date(value)
        moment = None if day else parse_datetime(value)
    except ValueError:
        moment = day = None
    if moment is None and day is None:
        raise BadParameter(
            "as_of",
            _("%(value)r is not a moment: use 'now', a date (YYYY-MM-DD) or a date and time") % {"value": value},
        )
    if moment is None:
        return end_of_day(day)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def label(moment: datetime | None, issued: datetime | None) -> str:
    """What the reader is looking at, said on the page and in the PDF's title."""
    if moment is None:
        if issued is None:
            return _("live data, not yet issued")
        return _("today's data, not as issued")
    when = formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    if issued is not None and moment == issued:
        return _("data as issued on %(when)s") % {"when": when}
    return _("data as of %(when)s") % {"when": when}


def rounds_by(moment: datetime | None, queryset=None):
    """The rounds that existed at the moment (every round when live)."""
    qs = AssessmentRound.objects.all() if queryset is None else queryset
    return qs if moment is None else qs.filter(created_at__lte=moment)


def assessments_as_of(queryset, moment: datetime | None) -> list[Assessment]:
    """Each assessment of the queryset as its last version saved by the moment (unsaved copies); those with no
    version by then are left out. Live (moment None): the assessments themselves."""
    found = list(queryset.select_related("round"))
    if moment is None:
        return found
    by_pk = {a.pk: a for a in found}
    versions = (
        AssessmentVersion.objects.filter(assessment_id__in=list(by_pk), at__lte=moment)
        .order_by("assessment_id", "version")
        .values_list("assessment_id", "data")
    )
    last = dict(versions)  # ordered by version: the last by the moment wins
    out = []
    for pk, data in last.items():
        copy = Assessment()
        for f in Assessment._meta.concrete_fields:
            if f.attname in data:
                setattr(copy, f.attname, f.to_python(data[f.attname]))
        copy.round = by_pk[pk].round
        out.append(copy)
    return out


def actions_as_of(actions: list[ActionItem], moment: datetime | None) -> list[ActionItem]:
    """The actions that existed at the moment, each open unless it had been closed by then."""
    if moment is None:
        return actions
    out = []
    for a in actions:
        if a.created_at > moment:
            continue
        if a.state == ActionItem.State.CLOSED and (a.closed_at is None or a.closed_at > moment):
            a.state, a.closing_note, a.closed_at = ActionItem.State.OPEN, "", None
        out.append(a)
    return out


def open_actions(queryset, moment: datetime | None) -> list[ActionItem]:
    """Actions open at the moment: created by then and not closed by then."""
    if moment is None:
        return list(queryset.filter(state=ActionItem.State.OPEN))
    return [a for a in actions_as_of(list(queryset.filter(created_at__lte=moment)), moment) if a.state == "open"]
