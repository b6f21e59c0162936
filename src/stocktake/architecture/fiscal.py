"""The government's financial year: its start month from the settings, and periods' labels in words.

delivery.periods is plain Python and reads "2005/06 Q1" with whatever start month it is given;
this module hands it STOCKTAKE_FINANCIAL_YEAR_START when the app starts (and again when a test
overrides the setting), and turns period codes into the words a reader sees, translated.
"""

from __future__ import annotations

import calendar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from stocktake.delivery import periods as P

SETTING = "STOCKTAKE_FINANCIAL_YEAR_START"
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}


def start_month(value) -> int:
    """The setting's month: 1 to 12, or an English month name ("April"); anything else is refused by name."""
    text = str(value).strip()
    month = int(text) if text.isdigit() else _MONTHS.get(text.lower())
    if month is None or not 1 <= month <= 12:
        raise ImproperlyConfigured(
            f"{SETTING} is {text!r}; give the month the financial year starts in, 1 to 12 or its name (April)"
        )
    return month


def apply_setting() -> int:
    month = start_month(getattr(settings, SETTING, P.DEFAULT_FINANCIAL_YEAR_START))
    P.set_financial_year_start(month)
    return month


def on_setting_changed(setting=None, **kwargs) -> None:
    if setting == SETTING:
        apply_setting()


def label(period) -> str:
    """A period in words: "2005/06 Q1", "Financial year 2005/06"; calendar periods keep their code (2026-03)."""
    p = period if isinstance(period, P.Period) else P.parse(getattr(period, "code", period))
    if p.kind == P.FINANCIAL_YEAR:
        return _("Financial year %(years)s") % {"years": P.fiscal_years(p)}
    if p.kind == P.FISCAL_QUARTER:
        return _("%(years)s Q%(quarter)d") % {"years": P.fiscal_years(p), "quarter": P.fiscal_quarter_number(p)}
    return p.code


def frequency_names() -> dict[str, str]:
    """Each period kind's name for a frequency switch, translated."""
    return {
        P.DAY: _("Day"),
        P.WEEK: _("Week"),
        P.MONTH: _("Month"),
        P.QUARTER: _("Quarter"),
        P.FISCAL_QUARTER: _("Fiscal quarter"),
        P.YEAR: _("Year"),
        P.FINANCIAL_YEAR: _("Financial year"),
    }
