"""What of the delivery architecture a user may read, for pages, the API, exports and panels alike.

It lives here, not in accounts.permissions, because it queries priorities:
accounts sits below architecture and must not import it (decision 3).
The yes/no rules (who reads everything, which organisation) stay in accounts.
"""

from __future__ import annotations

from django.db.models import Q

from stocktake.accounts import permissions

from .models import Priority


def visible_priorities(user, queryset=None):
    """The priorities this user may read, as a queryset filter."""
    qs = queryset if queryset is not None else Priority.objects.all()
    if permissions.can_read_all(user):
        return qs
    org = permissions.organisation_id(user)
    if org is not None:
        return qs.filter(Q(published=True) | Q(lead_organisation_id=org))
    return qs.filter(published=True)
