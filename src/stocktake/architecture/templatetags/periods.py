"""`{{ code|period_label }}`: a period as a person reads it ("2005/06 Q4", not 2005AprilQ4), on every page.

Installed as a template builtin (settings.TEMPLATES), so a template that prints a period needs no
`{% load %}`: pages, packs and reports change only the expression that prints it. Codes stay in
attributes (data-period, option values, links) where a program reads them.
"""

from __future__ import annotations

from django import template

from stocktake.delivery.periods import PeriodError

from ..fiscal import label

register = template.Library()


@register.filter
def period_label(period) -> str:
    """A period code, a delivery Period or a stored Period in words; '' for none; an unreadable code as it is."""
    if period is None or period == "":
        return ""
    try:
        return label(period)
    except PeriodError:
        return str(period)
