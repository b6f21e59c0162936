"""Who may read and edit a priority's plan: the lookups plan pages and the plans API share.

A hidden priority is NotFound (a 404 page, or a 404 JSON answer): the public
must not learn that an unpublished priority exists. Editing is refused with
PermissionDenied (a 403 page, or a 403 JSON answer from stocktake.api).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stocktake.accounts import permissions as perm
from stocktake.accounts.permissions import NotFound
from stocktake.architecture.models import Priority

from .models import PlanPublication

EDIT_REFUSED = gettext_lazy("only the priority's accountable leaders and the delivery unit edit its plan")


def readable_priority(user, code) -> Priority:
    """The priority with this code, if the user may read its plan."""
    priority = get_object_or_404(Priority.objects.select_related("lead_organisation", "pillar"), code=code)
    if not perm.can_read_priority(user, priority):
        raise NotFound(_("no such plan"))
    return priority


def can_read_internal(user, priority: Priority) -> bool:
    """Reads the plan's internal material (risks, rubric ratings and reviewers' notes, delivery chains and their
    weak links): those who may read the priority's unpublished material, and everyone who may read the
    priority once the delivery unit has published that material (plans.actions.publish_plan_material)."""
    return perm.can_read_unpublished(user, priority) or material_published(priority)


def material_published(priority: Priority) -> bool:
    """The delivery unit has published the priority's risks, rubric and chains to every reader."""
    return PlanPublication.objects.filter(priority=priority, published=True).exists()


def require_edit(user, priority: Priority) -> None:
    """Refuse unless the user may edit this priority's plan."""
    if not perm.can_edit_plan(user, priority):
        raise PermissionDenied(EDIT_REFUSED)
