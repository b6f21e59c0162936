"""Words for the codes collection's pages show: a value's state ("submitted") in the reader's language.

The queue and the review history hold states as codes (grouped rows and reviews carry no choices), so the
templates turn them into words here, lower case as the pages have always written them.
"""

from __future__ import annotations

from django import template
from django.utils.translation import pgettext

register = template.Library()


@register.filter
def state_label(code: str) -> str:
    """ "submitted" -> "submitted" (or "enviado"): a value's state in the reader's language; an unknown code as is."""
    words = {
        "submitted": pgettext("state of a data value", "submitted"),
        "validated": pgettext("state of a data value", "validated"),
        "returned": pgettext("state of a data value", "returned"),
        "published": pgettext("state of a data value", "published"),
    }
    return words.get(code, code)
