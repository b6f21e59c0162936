"""Routine health: routines lapse quietly, and that is how delivery units die.

A meeting still 'scheduled' after its date did not happen (or nobody wrote
it up); an open action past its due date was not followed up; a routine with
nothing scheduled ahead has run out of calendar.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from .models import ActionItem, Meeting, Routine


@dataclass
class Health:
    lapsed: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    unscheduled: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.lapsed or self.overdue or self.unscheduled)


def routine_health(today=None, priority_ids=None) -> Health:
    today = today or timezone.localdate()
    meetings = Meeting.objects.filter(state=Meeting.State.SCHEDULED, date__lt=today).select_related("routine")
    actions = ActionItem.objects.filter(state=ActionItem.State.OPEN, due__lt=today).select_related("owner", "priority")
    if priority_ids is not None:
        meetings = meetings.filter(priorities__in=priority_ids).distinct()
        actions = actions.filter(priority_id__in=priority_ids)
    unscheduled = [r for r in Routine.objects.all() if not r.meetings.filter(date__gte=today).exists()]
    return Health(
        lapsed=list(meetings.prefetch_related("priorities")),
        overdue=list(actions),
        unscheduled=unscheduled if priority_ids is None else [],
    )
