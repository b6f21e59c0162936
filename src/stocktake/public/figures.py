"""Numbers, dates and statuses as the reader's language writes them: `86,6 %`, `1.234`, `março de 2026`.

Django's localisation does the digits and the month names (django.utils.formats, per LANGUAGE_CODE);
the few words around them ("%" spacing, "off track", "missed") come from this app's catalogues.
"""

from __future__ import annotations

from datetime import date

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from stocktake.delivery import status as S

# Plain-language statuses: what a citizen reads, never hidden when it is bad news.
ON_TRACK, SLIGHTLY_OFF, OFF_TRACK, NO_DATA = S.ON_TRACK, S.SLIGHTLY_OFF, S.OFF_TRACK, S.NO_DATA
MET, MISSED = "met", "missed"
STATUS_CODES = (ON_TRACK, SLIGHTLY_OFF, OFF_TRACK, MET, MISSED, NO_DATA)


def status_label(code: str) -> str:
    return {
        ON_TRACK: _("On track"),
        SLIGHTLY_OFF: _("Slightly off track"),
        OFF_TRACK: _("Off track"),
        MET: _("Target met"),
        MISSED: _("Target missed"),
        NO_DATA: _("No published figure yet"),
    }[code]


def status_sentence(code: str) -> str:
    """What the status means, in one sentence a citizen can read."""
    return {
        ON_TRACK: _("The latest figure is where the plan said it would be by now."),
        SLIGHTLY_OFF: _("The latest figure is a little behind the plan."),
        OFF_TRACK: _("The latest figure is well behind the plan: the target is at risk."),
        MET: _("The deadline has passed and the target was reached."),
        MISSED: _("The deadline has passed and the target was not reached."),
        NO_DATA: _("No figure has been published yet."),
    }[code]


def number(value: float | None, decimals: int = 1) -> str:
    """A figure with the reader's decimal mark and thousands separator; "–" for none."""
    if value is None:
        return "–"
    return formats.number_format(round(value, decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True)


def figure(value: float | None, unit: str = "", decimals: int = 1) -> str:
    """A figure with its unit as the reader's language writes it: `86.6%` in English, `86,6 %` in French."""
    text = number(value, decimals)
    if value is None or unit != "%":
        return text
    return pgettext("a percentage; put a no-break space before % if your language does", "%(number)s%%") % {
        "number": text
    }


def month(day: date | None) -> str:
    """`March 2026`, `marzo de 2026`, `março de 2026`, `mars 2026`."""
    return formats.date_format(day, "YEAR_MONTH_FORMAT", use_l10n=True) if day else "–"


def day(day: date | None) -> str:
    """`3 March 2026`, `3 de marzo de 2026`, `3 de março de 2026`, `3 mars 2026`."""
    if not day:
        return "–"
    return formats.date_format(day, pgettext("the format of a date (Django's date format characters)", "j F Y"))


# Django's own month names, listed here so this app's catalogues can write them as each language does in running
# text: Django's Portuguese catalogue capitalises them ("Março"), Portuguese writes "março de 2026".
MONTH_NAMES = [
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
]
