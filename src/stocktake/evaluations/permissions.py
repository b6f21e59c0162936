"""Who may do what with evaluations, built only from the shared permission layer.

The delivery unit creates and edits them. Those who read a priority's
unpublished data (the delivery unit, the head of government, the lead
ministry; observers only with STOCKTAKE_OBSERVERS_READ_UNPUBLISHED, decision
0005) read its evaluations, estimated from official values. Everyone else, the public included, sees an evaluation only once it is published, and
then estimated from published values only.
"""

from __future__ import annotations

from stocktake.accounts import permissions as perms
from stocktake.architecture import access as architecture_access


def can_manage(user) -> bool:
    return perms.can_manage(user)


def reads_official(user, evaluation) -> bool:
    """Reads this evaluation whether or not it is published, estimated from validated and published values."""
    return perms.can_read_unpublished(user, evaluation.indicator.outcome.priority)


def can_read(user, evaluation) -> bool:
    if reads_official(user, evaluation):
        return True
    return evaluation.published and perms.can_read_priority(user, evaluation.indicator.outcome.priority)


def published_only(user, evaluation) -> bool:
    """Whether this reader's estimates must come from published values only."""
    return not reads_official(user, evaluation)


def visible(user, queryset):
    """The evaluations this user may read, as a queryset filter."""
    from django.db.models import Q

    qs = queryset.filter(indicator__outcome__priority__in=architecture_access.visible_priorities(user))
    if perms.can_read_all(user):
        return qs
    org = perms.organisation_id(user)
    if org is not None:
        return qs.filter(Q(published=True) | Q(indicator__outcome__priority__lead_organisation_id=org))
    return qs.filter(published=True)
