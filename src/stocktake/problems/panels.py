"""The problem board on the delivery unit's home (the portfolio page), and badges under each priority.

Monitoring owns the portfolio and must not import this app; it is handed
this module in ProblemsConfig.ready() (monitoring.hooks.register_panels).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import ngettext

from stocktake.accounts import permissions as perms

from . import board
from . import permissions as can
from .models import Problem


def portfolio_panel(request):
    """The board is the delivery unit's tool: shown to those who read every priority."""
    if not perms.can_read_all(request.user):
        return None
    qs = board.active(Problem.objects.select_related("priority", "owner", "indicator"))
    return {"template": "problems/panel.html", "columns": board.columns(qs), "total": qs.count()}


def priority_notes(request, priority_ids):
    qs = board.active(can.visible(request.user, Problem.objects.filter(priority_id__in=priority_ids)))
    counts: dict[int, list[int]] = {}
    for p in qs:
        counts.setdefault(p.priority_id, []).append(p.level)
    return {
        pid: [
            {
                "text": ngettext("%(n)s open problem (level %(l)s)", "%(n)s open problems (top level %(l)s)", len(ls))
                % {"n": len(ls), "l": max(ls)},
                "url": reverse("problems:index") + f"?priority={pid}",
                "css": f"problem-level problem-level-{max(ls)}",
            }
        ]
        for pid, ls in counts.items()
    }
