"""The sentences the system itself writes into the payment ledger, stored in English and read in any language.

A ledger entry's note, a payment's review note and a withheld or correcting payment's explanation are written
once, when money moves, but read for years by people in their own language. They are stored as the English
sentence (so rows written before translation, exports already sent and the database itself stay readable
with no migration) and put into the reader's language when shown: `shown` recognises a stored sentence as
one of the TEMPLATES below, takes its parameters back out, and formats the translated template with them.
A note a person typed (a reversal's reason, a check's note) is no template and is shown as written; so is a
system sentence cut short by the 500-character limit.

A payment's explanation ("4.94 above the baseline of 83 at 2,500 per unit; capped at 10,000 per period") is
written by the engine from delivery.payments.EXPLANATIONS, its parts joined by "; ": each part is recognised
on its own, and its numbers, stored as the engine writes them (2,500.5), are shown in the reader's format
(2.500,5 in Spanish).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import cache

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from stocktake.delivery import payments as PAY

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


_NUMBER = r"-?\d[\d,]*(?:\.\d+)?"


@cache
def _pattern(template: str) -> re.Pattern:
    numeric = template in PAY.EXPLANATIONS
    parts, last = [], 0
    for found in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[last : found.start()].replace("%%", "%")))
        name = found.group(1)
        parts.append(f"(?P<{name}>{_NUMBER if numeric and name in PAY.NUMBER_PARAMS else '.*?'})")
        last = found.end()
    parts.append(re.escape(template[last:].replace("%%", "%")))
    return re.compile("".join(parts), re.DOTALL)


def _number(written: str) -> str:
    """A number as the engine wrote it (1,234.5) in the reader's format."""
    try:
        return number_format(Decimal(written.replace(",", "")), use_l10n=True, force_grouping=True)
    except InvalidOperation:  # not a number after all: show it as stored
        return written


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


def _match(stored: str) -> str | None:
    """The stored sentence translated, if it is one system sentence; otherwise None."""
    for template in TEMPLATES:
        match = _pattern(template).fullmatch(stored)
        if match:
            params = {
                name: shown(value) if name == "explanation" else value for name, value in match.groupdict().items()
            }
            return _translated(template, params)
    for template in PAY.EXPLANATIONS:
        match = _pattern(template).fullmatch(stored)
        if match:
            params = {
                name: _number(value) if name in PAY.NUMBER_PARAMS else value
                for name, value in match.groupdict().items()
            }
            return _(template) % params
    return None


def shown(stored: str) -> str:
    """A stored note in the reader's language: a system sentence translated, anything else as stored."""
    whole = _match(stored)
    if whole is not None:
        return whole
    if PAY.PART_SEPARATOR in stored:  # a payment's explanation: its rule's parts, then its caps
        return PAY.PART_SEPARATOR.join(_parts(stored.split(PAY.PART_SEPARATOR)))
    return stored


def _parts(pieces: list[str]) -> list[str]:
    """Each part translated; the longest run of pieces that is one sentence wins (a label may hold "; ")."""
    shown_parts, i = [], 0
    while i < len(pieces):
        for j in range(len(pieces), i, -1):
            translated = _match(PAY.PART_SEPARATOR.join(pieces[i:j]))
            if translated is not None:
                shown_parts.append(translated)
                i = j
                break
        else:
            shown_parts.append(pieces[i])
            i += 1
    return shown_parts
