"""Who may read and edit a priority's plan: the lookups plan pages and the plans API share.

A hidden priority is NotFound (a 404 page, or a 404 JSON answer): the public
must not learn that an unpublished priority exists. Editing is refused with
PermissionDenied (a 403 page, or a 403 JSON answer from stocktake.api).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from stocktake.accounts import permissions as perm
from stocktake.accounts.permissions import NotFound
from stocktake.architecture.models import Priority

EDIT_REFUSED = "only the priority's accountable leaders and the delivery unit edit its plan"


def readable_priority(user, code) -> Priority:
    """The priority with this code, if the user may read its plan."""
    priority = get_object_or_404(Priority.objects.select_related("lead_organisation", "pillar"), code=code)
    if not perm.can_read_priority(user, priority):
        raise NotFound("no such plan")
    return priority


def require_edit(user, priority: Priority) -> None:
    """Refuse unless the user may edit this priority's plan."""
    if not perm.can_edit_plan(user, priority):
        raise PermissionDenied(EDIT_REFUSED)
