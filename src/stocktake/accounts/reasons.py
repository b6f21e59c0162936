"""The reasons the system itself writes into the audit trail, stored in English and read in any language.

An audit entry is a record: its reason is stored once, in English, and never rewritten (rows written before
translation, exports already sent and the database itself stay readable). The history pages put it into the
reader's language when shown, as incentives/notes.py does for ledger notes:

- a fixed reason ("Fund created") is marked `gettext_noop` where it is written and shown through gettext;
- a reason with values in it ("Disbursed 1200 ref PAY-7") is written with `reason(TEMPLATE, **params)`, its
  template declared once with `template(gettext_noop(...))` at the top of the writing module, so `shown`
  can recognise the stored sentence, take the values back out and format the translated template with them.

A reason a person typed is no template and is shown as written (one that happens to be word for word a
sentence of the interface, "closed", is shown in the reader's words: it says the same). Templates register
when their module is imported; `shown` imports every app's `actions` module once (by name, through Django's
autodiscovery, so accounts imports nothing above it) so a page that has not yet written anything still knows
them all.
"""

from __future__ import annotations

import re
from functools import cache

from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

_TEMPLATES: list[str] = []
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_discovered = False


def template(msgid: str) -> str:
    """Declare a parameterised reason (mark the msgid with gettext_noop where this is called) and return it."""
    if msgid not in _TEMPLATES:
        _TEMPLATES.append(msgid)
        _pattern.cache_clear()
    return msgid


def reason(msgid: str, **params) -> str:
    """The English reason to store: the msgid, with its values put in."""
    return msgid % params if params else msgid


@cache
def _pattern(msgid: str) -> re.Pattern:
    parts, last = [], 0
    for found in _PLACEHOLDER.finditer(msgid):
        parts.append(re.escape(msgid[last : found.start()]))
        parts.append(f"(?P<{found.group(1)}>.*?)")
        last = found.end()
    parts.append(re.escape(msgid[last:]))
    return re.compile("".join(parts), re.DOTALL)


def _discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("actions")
        _discovered = True


def shown(stored: str) -> str:
    """A stored reason in the reader's language: a system sentence translated, anything else as stored."""
    if not stored:
        return stored
    translated = _(stored)
    if translated != stored:
        return translated
    _discover()
    for msgid in _TEMPLATES:
        match = _pattern(msgid).fullmatch(stored)
        if match:
            return _(msgid) % match.groupdict()
    return stored
