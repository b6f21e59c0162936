"""Each role is also a Django group, kept in step with the person's role.

Why both: permissions.py decides with object-level rules (whose ministry,
published or not) that groups cannot express, but groups make roles visible
and filterable in the back office and usable by Django's own machinery.
"""

from __future__ import annotations

from .models import Person

GROUP_PREFIX = "Role: "


def group_name(role: str) -> str:
    return GROUP_PREFIX + Person.Role(role).label


def ensure_groups(**kwargs) -> None:
    """post_migrate: one group per role."""
    from django.contrib.auth.models import Group

    for role in Person.Role.values:
        Group.objects.get_or_create(name=group_name(role))


def sync_person_group(sender, instance: Person, **kwargs) -> None:
    """post_save of Person: the linked user is in exactly the group of the person's role."""
    from django.contrib.auth.models import Group

    if kwargs.get("raw") or instance.user_id is None:
        return
    user = instance.user
    wanted, _ = Group.objects.get_or_create(name=group_name(instance.role))
    stale = user.groups.filter(name__startswith=GROUP_PREFIX).exclude(pk=wanted.pk)
    if stale.exists():
        user.groups.remove(*stale)
    user.groups.add(wanted)
