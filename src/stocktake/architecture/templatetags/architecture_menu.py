"""Template filters for the menu: which set-up pages the signed-in user may open."""

from django import template

from stocktake.accounts import permissions

register = template.Library()


@register.filter
def can_set_up(user) -> bool:
    """The delivery unit (permissions.can_manage) opens the set-up pages; the menu shows them to no one else."""
    return permissions.can_manage(user)
