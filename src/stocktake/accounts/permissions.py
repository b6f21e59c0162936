"""The one permission layer: pages, admin, API, importers and exports all ask here.

Roles come from the signed-in user's Person record (PRODUCT.md, "People and
permissions"). Superusers may do everything; anonymous visitors are the
public and see only what the delivery unit has published.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404

from .models import Person


class NotFound(Http404):
    """Absent, or hidden from this user (never confirm that an unpublished thing exists).

    A page shows Django's 404; the API answers 404 with this message (stocktake.api).
    """


R = Person.Role
READ_ALL = {R.HEAD_OF_GOVERNMENT, R.DELIVERY_UNIT_HEAD, R.PRIORITY_MANAGER, R.INFORMATION_VALIDATOR, R.OBSERVER}
MANAGE = {R.DELIVERY_UNIT_HEAD, R.PRIORITY_MANAGER}
VALIDATE = {R.DELIVERY_UNIT_HEAD, R.PRIORITY_MANAGER, R.INFORMATION_VALIDATOR}


def person(user) -> Person | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.person
    except Person.DoesNotExist:
        return None


def role(user) -> str | None:
    p = person(user)
    return p.role if p else None


def is_superuser(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_superuser)


def can_read_all(user) -> bool:
    """Reads unpublished data of every ministry."""
    return is_superuser(user) or role(user) in READ_ALL


def can_manage(user) -> bool:
    """Manages the delivery architecture, plans and routines for every priority."""
    return is_superuser(user) or role(user) in MANAGE


def can_validate(user) -> bool:
    """Validates, returns and publishes data values."""
    return is_superuser(user) or role(user) in VALIDATE


def organisation_id(user) -> int | None:
    p = person(user)
    return p.organisation_id if p else None


def owns_priority(user, priority) -> bool:
    """The user's organisation leads the priority."""
    org = organisation_id(user)
    return org is not None and priority.lead_organisation_id == org


def can_read_priority(user, priority) -> bool:
    if can_read_all(user) or owns_priority(user, priority):
        return True
    return priority.published


def observers_read_unpublished() -> bool:
    """STOCKTAKE_OBSERVERS_READ_UNPUBLISHED: observers (auditors, donors, parliament staff) read unpublished
    values too; off by default (docs/decisions/0005-observers-read-published-values.md)."""
    return bool(getattr(settings, "STOCKTAKE_OBSERVERS_READ_UNPUBLISHED", False))


def can_read_unpublished(user, priority=None) -> bool:
    """Sees values before they are published, and a plan's internal material (risks, rubric reviewers'
    notes, delivery-chain weak links).

    Without a priority: of every priority. The head of government and the delivery unit do; an observer
    reads every priority but published values only, unless STOCKTAKE_OBSERVERS_READ_UNPUBLISHED says
    otherwise. With a priority: also its lead organisation. Everyone else (the public, other ministries)
    sees published values only.
    """
    if is_superuser(user):
        return True
    r = role(user)
    if r in READ_ALL and (r != R.OBSERVER or observers_read_unpublished()):
        return True
    return priority is not None and owns_priority(user, priority)


def can_submit(user, indicator, org_unit=None) -> bool:
    """A data lead submits values only for indicators their organisation owns."""
    if can_manage(user):
        return True
    if role(user) != R.DATA_LEAD:
        return False
    priority = indicator.outcome.priority
    return owns_priority(user, priority)


def can_edit_plan(user, priority) -> bool:
    """Accountable leaders edit their own priorities' plans; the delivery unit edits all."""
    if can_manage(user):
        return True
    return role(user) == R.ACCOUNTABLE_LEADER and owns_priority(user, priority)


DELIVERY_UNIT = {R.DELIVERY_UNIT_HEAD, R.PRIORITY_MANAGER, R.INFORMATION_VALIDATOR}


def can_read_audit(user) -> bool:
    """The audit trail shows unpublished values and who changed them: the delivery unit only."""
    return is_superuser(user) or role(user) in DELIVERY_UNIT


def can_use_api_tokens(user) -> bool:
    """Any signed-in, active person may hold tokens; a token never grants more than its owner has."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)
