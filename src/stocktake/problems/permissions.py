"""Who may do what with problems, reviews and stakeholder maps, built only from the shared permission layer.

The accountable leader (for their own ministry's priorities) and the delivery
unit edit. Those who read a priority's unpublished data (the delivery unit,
the head of government, observers, the lead ministry) read its problems and
reviews. The public sees a problem or a review only once it is published (and
its priority too); stakeholder maps are never public: they judge people.
"""

from __future__ import annotations

from django.db.models import Q

from stocktake.accounts import permissions as perms


def can_edit(user, priority) -> bool:
    return perms.can_edit_plan(user, priority)


def can_edit_any(user) -> bool:
    return perms.can_manage(user) or perms.role(user) == perms.R.ACCOUNTABLE_LEADER


def reads_internal(user, priority) -> bool:
    return perms.can_read_all(user) or perms.owns_priority(user, priority)


def can_read(user, obj) -> bool:
    """A problem or a review: internal readers always, the public once it and its priority are published."""
    if reads_internal(user, obj.priority):
        return True
    return bool(obj.published and obj.priority.published)


def visible(user, queryset, prefix: str = ""):
    """Problems or reviews (prefix '') this user may read, as a queryset filter."""
    if perms.can_read_all(user):
        return queryset
    published = Q(**{f"{prefix}published": True, f"{prefix}priority__published": True})
    org = perms.organisation_id(user)
    if org is not None:
        return queryset.filter(published | Q(**{f"{prefix}priority__lead_organisation_id": org}))
    return queryset.filter(published)


def visible_stakeholders(user, queryset):
    if perms.can_read_all(user):
        return queryset
    org = perms.organisation_id(user)
    return queryset.filter(priority__lead_organisation_id=org) if org is not None else queryset.none()
