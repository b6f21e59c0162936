"""`{{ m|standing:today }}` and `{{ m|standing_code:today }}`: a milestone's one status in any template.

Pages, the plan PDF and the stocktake pack all show Milestone.standing(), as of the day the page is about
(a pack: its meeting), so that no page says "late" beside "on track".
"""

from django import template

register = template.Library()


@register.filter
def standing(milestone, today=None) -> str:
    return milestone.standing_label(today)


@register.filter
def standing_code(milestone, today=None) -> str:
    return milestone.standing(today)
