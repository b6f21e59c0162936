"""Indicator.formatter writes every value exactly as Django's own number_format does, in each language we ship.

The formatter takes a fast path (Python's formatting with the language's separators swapped in) because a
national heat map formats thousands of cells; these tests hold it to Django's output, digit for digit.
"""

from django.utils import formats, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from stocktake.architecture.models import Indicator

LANGUAGES = ["en", "es", "pt", "fr"]


def django_fmt(indicator: Indicator, value: float) -> str:
    """What fmt() wrote before the fast path: Django's number_format, then the percent pattern."""
    text = formats.number_format(round(value, indicator.decimals), indicator.decimals, force_grouping=True)
    if indicator.unit != "%":
        return text
    return translation.pgettext("a percentage; put a no-break space before % if your language does", "%(number)s%%") % {
        "number": text
    }


@settings(max_examples=300, deadline=None)
@given(
    # every magnitude: the fast path's edges (tiny figures, and 15 significant digits) on both sides
    value=st.one_of(
        st.floats(min_value=-1e15, max_value=1e15, allow_nan=False),
        st.floats(min_value=-1e20, max_value=1e20, allow_nan=False),
        st.floats(min_value=-1e-3, max_value=1e-3, allow_nan=False),
        st.integers(min_value=-(10**16), max_value=10**16).map(lambda n: n / 100),
    ),
    decimals=st.integers(min_value=0, max_value=4),
    unit=st.sampled_from(["%", "count", "days"]),
    lang=st.sampled_from(LANGUAGES),
)
def test_the_formatter_writes_what_django_writes(value, decimals, unit, lang):
    indicator = Indicator(code="x", name="x", unit=unit, decimals=decimals)
    with translation.override(lang):
        assert indicator.formatter()(value) == django_fmt(indicator, value)
        assert indicator.fmt(value) == django_fmt(indicator, value)


def test_edge_values_in_every_language():
    for lang in LANGUAGES:
        with translation.override(lang):
            for unit in ("%", "count"):
                for decimals in (0, 1, 2):
                    indicator = Indicator(code="x", name="x", unit=unit, decimals=decimals)
                    for value in (0.0, -0.0, -0.04, 0.05, 999.95, 1234.5, -1234567.891, 1e15, 0.125):
                        assert indicator.formatter()(value) == django_fmt(indicator, value), (lang, value)
                    assert indicator.formatter()(None) == "–"


def test_thousands_are_grouped_the_language_s_way():
    indicator = Indicator(code="x", name="x", unit="count", decimals=1)
    written = {"en": "1,234,567.9", "es": "1\xa0234\xa0567,9", "pt": "1.234.567,9", "fr": "1\xa0234\xa0567,9"}
    for lang, text in written.items():
        with translation.override(lang):
            assert indicator.formatter()(1234567.89) == text, lang
