"""The sentences the system itself writes into the payment ledger, stored in English and read in any language.

A ledger entry's note, a payment's review note and a withheld or correcting payment's explanation are written
once, when money moves, but read for years by people in their own language. They are stored as the English
sentence (so rows written before translation, exports already sent and the database itself stay readable
with no migration) and put into the reader's language when shown: `shown` recognises a stored sentence as
one of the TEMPLATES below, takes its parameters back out, and formats the translated template with them.
A note a person typed (a reversal's reason, a check's note) is no template and is shown as written; so is a
system sentence cut short by the 500-character limit.
"""

from __future__ import annotations

import re
from functools import cache

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

COMMITMENT = gettext_noop("Commitment to %(scheme)s")
CORRECTION_ENTRY = gettext_noop("Correction of payment #%(payment)s")
APPROVED = gettext_noop("Approved")
DISBURSED = gettext_noop("Disbursed")
REDUCTION = gettext_noop("Reduction applied to the recipient's allocation")
REVERSAL = gettext_noop("Reversal: %(reason)s")
RELEASED = gettext_noop("Released on closing %(scheme)s: %(reason)s")
WITHHELD = gettext_noop(
    "withheld: only %(eligible)s of %(checked)s sampled results were eligible (%(share)s), below the "
    "%(threshold)s required; the recipient may resubmit. Had it passed: %(explanation)s"
)
CORRECTION_EXPLANATION = gettext_noop("correction of payment #%(payment)s (%(paid)s paid): %(explanation)s")
NOT_PAYABLE = gettext_noop("data values %(values)s were corrected and cannot be paid on yet: %(reasons)s")
# The two forms of one plural sentence: the stored English says which it was.
CORRECTED_ONE = "data value %(values)s was corrected after this payment: the result is now %(now)s (was %(was)s); a correction of %(delta)s is proposed"
CORRECTED_MANY = "data values %(values)s were corrected after this payment: the result is now %(now)s (was %(was)s); a correction of %(delta)s is proposed"

TEMPLATES = (
    COMMITMENT,
    CORRECTION_ENTRY,
    APPROVED,
    DISBURSED,
    REDUCTION,
    REVERSAL,
    RELEASED,
    WITHHELD,
    CORRECTION_EXPLANATION,
    NOT_PAYABLE,
    CORRECTED_ONE,
    CORRECTED_MANY,
)
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def write(template: str, **params) -> str:
    """The English sentence to store."""
    return template % params if params else template


def corrected(n: int, **params) -> str:
    """The English review note for n corrected data values."""
    return write(CORRECTED_ONE if n == 1 else CORRECTED_MANY, **params)


@cache
def _pattern(template: str) -> re.Pattern:
    parts, last = [], 0
    for found in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[last : found.start()]))
        parts.append(f"(?P<{found.group(1)}>.*?)")
        last = found.end()
    parts.append(re.escape(template[last:]))
    return re.compile("".join(parts), re.DOTALL)


def _translated(template: str, params: dict) -> str:
    if template in (CORRECTED_ONE, CORRECTED_MANY):
        n = 1 if template == CORRECTED_ONE else 2
        # Translators: a payment's review note; %(values)s lists data value numbers (#12, #13).
        return (
            ngettext(
                "data value %(values)s was corrected after this payment: the result is now %(now)s (was %(was)s); "
                "a correction of %(delta)s is proposed",
                "data values %(values)s were corrected after this payment: the result is now %(now)s (was %(was)s); "
                "a correction of %(delta)s is proposed",
                n,
            )
            % params
        )
    return _(template) % params if params else _(template)


def shown(stored: str) -> str:
    """A stored note in the reader's language: a system sentence translated, anything else as stored."""
    for template in TEMPLATES:
        match = _pattern(template).fullmatch(stored)
        if match:
            params = {
                name: shown(value) if name == "explanation" else value for name, value in match.groupdict().items()
            }
            return _translated(template, params)
    return stored
