"""Numbers as the reader's language writes them, made fast enough for grids of thousands of cells.

`formatter(decimals, percent)` looks the active language, its separators and the percent pattern up once
and returns a function of the value. Django's `formats.number_format` does the same lookups on every
call (each a context-local read of the language): a national heat map formats 6,000 cells, and that
cost more than building the grid (bench/monitoring_views_bench.py, a cold heat map). The output is
Django's, digit for digit (tests/architecture/test_number_format.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from django.utils import formats, numberformat, translation
from django.utils.translation import pgettext

NO_VALUE = "–"


def formatter(decimals: int, percent: bool = False) -> Callable[[float | None], str]:
    """A function writing a value rounded to `decimals` places, grouped, in the active language; "–" for None;
    with the language's percent pattern when `percent` (86.6% / 86,6 %)."""
    lang = translation.get_language()
    decimal = formats.get_format("DECIMAL_SEPARATOR", lang)
    grouping = formats.get_format("NUMBER_GROUPING", lang)
    thousand = formats.get_format("THOUSAND_SEPARATOR", lang)
    pattern = "%(number)s"
    if percent:
        pattern = pgettext("a percentage; put a no-break space before % if your language does", "%(number)s%%")
    # Groups of three (every language we ship): numberformat's own steps (the float's shortest repr, its
    # decimals cut or padded, the integer part grouped) with Python's grouping; anything else (no grouping,
    # India's 3-2-2, exponents, infinities) goes through numberformat itself.
    fast = grouping == 3

    def fmt(value: float | None) -> str:
        if value is None:
            return NO_VALUE
        value = round(value, decimals)
        text = str(value)
        if fast and isinstance(value, (int, float)) and math.isfinite(value) and "e" not in text:
            sign = "-" if text[0] == "-" else ""
            whole, _dot, fraction = text.lstrip("-").partition(".")
            number = sign + f"{int(whole):,}".replace(",", thousand)
            if decimals:
                number += decimal + fraction[:decimals].ljust(decimals, "0")
        else:
            number = numberformat.format(
                value, decimal, decimals, grouping, thousand, force_grouping=True, use_l10n=True
            )
        return pattern % {"number": number}

    return fmt
