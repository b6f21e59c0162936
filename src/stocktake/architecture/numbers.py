"""Numbers as the reader's language writes them, made fast enough for grids of thousands of cells.

`formatter(decimals, percent)` looks the active language, its separators and the percent pattern up once
and returns a function of the value. Django's `formats.number_format` does the same lookups on every
call (each a context-local read of the language): a national heat map formats 6,000 cells, and that
cost more than building the grid (bench/monitoring_views_bench.py, a cold heat map). The output is
Django's, digit for digit (tests/architecture/test_number_format.py).
"""

from __future__ import annotations

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
    # Groups of three (every language we ship): Python's own fixed-point format, grouped, its separators
    # swapped for the language's in one pass. numberformat writes the float's shortest repr, its decimals
    # cut or padded; after round() the two agree while the figure has at most 15 significant digits (a
    # double holds every such decimal exactly enough). Anything else (no grouping, India's 3-2-2, larger
    # or tinier magnitudes) goes through numberformat itself.
    fast = grouping == 3
    limit = 10.0 ** (15 - decimals)
    swap = None if (thousand, decimal) == (",", ".") else str.maketrans({",": thousand, ".": decimal})
    spec = f",.{decimals}f"
    before, _mark, after = (pattern % {"number": "\0"}).partition("\0")  # around the number, worked out once

    def fmt(value: float | None) -> str:
        if value is None:
            return NO_VALUE
        value = round(value, decimals)
        if fast and (value == 0 or 1e-4 <= abs(value) < limit):
            number = format(value, spec)
            if swap is not None:
                number = number.translate(swap)
        else:
            number = numberformat.format(
                value, decimal, decimals, grouping, thousand, force_grouping=True, use_l10n=True
            )
        return f"{before}{number}{after}"

    return fmt
