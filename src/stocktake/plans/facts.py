"""What the delivery plans lend to other apps' pages (registered in monitoring.hooks by PlansConfig.ready).

Routines' stocktake packs show each agenda priority's plan and its late and
coming milestones; its assessment proposals weigh late milestones. Routines
may not import plans (siblings, decision 3), so it reaches these through the hook.
"""

from __future__ import annotations

from datetime import timedelta

from stocktake.accounts import audit

from . import pack
from .models import Milestone

pack_pages = pack.pages  # the pack's delivery-plan section


def milestones_around(priority_ids, on, today, weeks: int = 8, as_of=None) -> dict:
    """Milestones already late (as of the meeting, or today for a meeting still ahead), and those due
    from then until some weeks after the meeting; at a moment (`as_of`, a frozen pack), each milestone as
    it stood then (its status and dates from the audit trail), those added later left out."""
    qs = Milestone.objects.filter(strategy__priority_id__in=priority_ids).select_related("strategy__priority", "owner")
    asof = min(on, today)
    horizon = on + timedelta(weeks=weeks)
    if as_of is None:
        late = list(qs.filter(due_date__lt=asof).exclude(status=Milestone.Status.DONE))
        coming = list(qs.filter(due_date__gte=asof, due_date__lt=horizon).exclude(status=Milestone.Status.DONE))
    else:
        then = [m for m in audit.as_of(qs, as_of) if m.status != Milestone.Status.DONE]
        late = sorted((m for m in then if m.due_date < asof), key=lambda m: (m.due_date, m.name))
        coming = sorted((m for m in then if asof <= m.due_date < horizon), key=lambda m: (m.due_date, m.name))
    for m in late + coming:  # the one status each shows in the pack (Milestone.standing), as of the meeting
        m.standing_text = m.standing_label(asof)
    return {"late": late, "coming": coming, "weeks": weeks}


def milestone_counts(outcome, today) -> tuple[int, int] | None:
    """(late, due so far) over the milestones of the strategies serving the outcome, or None if none are due."""
    due = Milestone.objects.filter(strategy__outcomes=outcome, due_date__lt=today).distinct()
    n = due.count()
    return (due.exclude(status=Milestone.Status.DONE).count(), n) if n else None
