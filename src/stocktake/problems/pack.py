"""Problems in the stocktake pack and the delivery report, handed to routines through monitoring.hooks.

Pack and report readers read the priority's routines (the delivery unit or
the lead ministry), so every active problem of the agenda's priorities is
shown, with its level, age, owner and the actions it put on the tracker;
problems resolved since are listed too in the report, so the story is whole.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from . import board
from .models import Problem


def _problems(priorities):
    ids = [p.pk for p in priorities]
    today = timezone.localdate()
    out = list(
        board.active(Problem.objects.filter(priority_id__in=ids))
        .select_related("priority", "owner", "indicator")
        .prefetch_related("org_units", "actions__action__owner", "reviews")
    )
    for p in out:
        p.age_days = (today - p.opened_on).days
    return out


def pack_section(priorities, *, for_pdf: bool = False) -> dict | None:
    return {
        "key": "problems",
        "title": _("Problems and priority reviews"),
        "template": "problems/pack_section.html",
        "problems": _problems(priorities),
    }


def report_blocks(priorities, *, for_pdf: bool = False) -> dict[int, list[dict]]:
    out: dict[int, list] = {}
    for p in _problems(priorities):
        out.setdefault(p.priority_id, []).append(p)
    return {pid: [{"template": "problems/report_block.html", "problems": items}] for pid, items in out.items()}
