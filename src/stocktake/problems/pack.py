"""Problems in the stocktake pack and the delivery report, handed to routines through monitoring.hooks.

Pack and report readers read the priority's routines (the delivery unit or
the lead ministry), so every active problem of the agenda's priorities is
shown, with its level, age, owner and the actions it put on the tracker;
problems resolved since are listed too in the report, so the story is whole.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from stocktake.accounts import audit

from . import board
from .models import Problem


def _problems(priorities, as_of=None):
    """The agenda's active problems; at a moment (a frozen pack), each as it stood then (its level and status
    from the audit trail), those opened later left out. Their actions are today's (see docs/routines.md)."""
    ids = [p.pk for p in priorities]
    today = timezone.localdate(as_of) if as_of else timezone.localdate()
    found = (
        Problem.objects.filter(priority_id__in=ids)
        if as_of
        else board.active(Problem.objects.filter(priority_id__in=ids))
    )
    found = found.select_related("priority", "owner", "indicator").prefetch_related(
        "org_units", "actions__action__owner", "reviews"
    )
    out = [p for p in audit.as_of(found, as_of) if p.is_active]
    for p in out:
        p.age_days = (today - p.opened_on).days
    return out


def pack_section(priorities, *, for_pdf: bool = False, as_of=None) -> dict | None:
    return {
        "key": "problems",
        "title": _("Problems and priority reviews"),
        "template": "problems/pack_section.html",
        "problems": _problems(priorities, as_of),
    }


def report_blocks(priorities, *, for_pdf: bool = False, as_of=None) -> dict[int, list[dict]]:
    out: dict[int, list] = {}
    for p in _problems(priorities, as_of):
        out.setdefault(p.priority_id, []).append(p)
    return {pid: [{"template": "problems/report_block.html", "problems": items}] for pid, items in out.items()}
