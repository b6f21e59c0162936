"""`{{ priority|tr:"name" }}`: what a government wrote, in the reader's language if it was translated, else as
written (architecture.translations)."""

from __future__ import annotations

from django import template

from stocktake.architecture import translations as TR

register = template.Library()


@register.filter
def tr(obj, field: str) -> str:
    return TR.text(obj, field) if obj is not None else ""
