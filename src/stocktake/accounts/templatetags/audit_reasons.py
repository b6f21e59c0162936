"""`{{ entry.reason|audit_reason }}`: a stored audit reason in the reader's language (accounts/reasons.py)."""

from django import template

from stocktake.accounts import reasons

register = template.Library()


@register.filter
def audit_reason(stored):
    return reasons.shown(stored or "")
