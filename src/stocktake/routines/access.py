"""Who sees and changes routines, in terms of the shared permission layer.

Assessments, minutes and actions are the delivery unit's internal record:
the public never sees them. The delivery unit reads everything; a ministry
reads what concerns its own priorities; only managers write, except that the
owner of an action may close it.
"""

from __future__ import annotations

from stocktake.accounts import permissions as perm
from stocktake.architecture.models import Priority


def can_view(user) -> bool:
    return perm.can_read_unpublished(user) or perm.organisation_id(user) is not None


def priorities(user):
    """The priorities whose routines this user may read. Packs, notes and reports are built from checked,
    unpublished values: an observer reads them only when STOCKTAKE_OBSERVERS_READ_UNPUBLISHED is on
    (docs/decisions/0005-observers-read-published-values.md)."""
    qs = Priority.objects.all()
    if perm.can_read_unpublished(user):
        return qs
    org = perm.organisation_id(user)
    return qs.filter(lead_organisation_id=org) if org is not None else qs.none()


def can_manage(user) -> bool:
    return perm.can_manage(user)


def can_close_action(user, action) -> bool:
    if perm.can_manage(user):
        return True
    p = perm.person(user)
    return p is not None and action.owner_id == p.pk


def can_see_meeting(user, meeting) -> bool:
    ids = set(priorities(user).values_list("pk", flat=True))
    return any(p.pk in ids for p in meeting.priorities.all())
