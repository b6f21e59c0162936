"""What the delivery plans lend to other apps' pages (registered in monitoring.hooks by PlansConfig.ready).

Routines' stocktake packs show each agenda priority's plan and its late and
coming milestones; its assessment proposals weigh late milestones. Routines
may not import plans (siblings, decision 3), so it reaches these through the hook.
"""

from __future__ import annotations

from datetime import timedelta

from . import pack
from .models import Milestone

pack_pages = pack.pages  # the pack's delivery-plan section


def milestones_around(priority_ids, on, today, weeks: int = 8) -> dict:
    """Milestones already late (as of the meeting, or today for a meeting still ahead), and those due
    from then until some weeks after the meeting."""
    qs = Milestone.objects.filter(strategy__priority_id__in=priority_ids).select_related("strategy__priority", "owner")
    asof = min(on, today)
    late = list(qs.filter(due_date__lt=asof).exclude(status=Milestone.Status.DONE))
    coming = list(
        qs.filter(due_date__gte=asof, due_date__lt=on + timedelta(weeks=weeks)).exclude(status=Milestone.Status.DONE)
    )
    for m in late + coming:  # the one status each shows in the pack (Milestone.standing), as of the meeting
        m.standing_text = m.standing_label(asof)
    return {"late": late, "coming": coming, "weeks": weeks}


def milestone_counts(outcome, today) -> tuple[int, int] | None:
    """(late, due so far) over the milestones of the strategies serving the outcome, or None if none are due."""
    due = Milestone.objects.filter(strategy__outcomes=outcome, due_date__lt=today).distinct()
    n = due.count()
    return (due.exclude(status=Milestone.Status.DONE).count(), n) if n else None
