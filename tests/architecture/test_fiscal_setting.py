"""STOCKTAKE_FINANCIAL_YEAR_START decides what a file's "2005/06" means; a bad value is refused by name."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from stocktake.architecture import fiscal
from stocktake.architecture.models import Period
from stocktake.delivery import periods as P


def test_the_setting_reaches_the_period_reader_and_back():
    assert P.financial_year_start() == 4  # the default: April
    with override_settings(STOCKTAKE_FINANCIAL_YEAR_START="July"):
        assert P.financial_year_start() == 7
        assert P.parse("FY2005/06").code == "2005July"
        assert P.parse("2005/06 Q1").start.isoformat() == "2005-07-01"
    with override_settings(STOCKTAKE_FINANCIAL_YEAR_START="10"):
        assert P.parse("2005/06").code == "2005October"
    assert P.parse("2005/06").code == "2005April"


@pytest.mark.parametrize("bad", ["13", "0", "Juli", "", "4.5"])
def test_a_month_that_is_not_one_is_refused_naming_the_setting(bad):
    with pytest.raises(ImproperlyConfigured, match="STOCKTAKE_FINANCIAL_YEAR_START"):
        fiscal.start_month(bad)


def test_labels_say_fiscal_periods_in_words_and_keep_calendar_codes():
    assert fiscal.label("2005AprilQ4") == "2005/06 Q4"
    assert fiscal.label("2005April") == "Financial year 2005/06"
    assert fiscal.label("2005January") == "Financial year 2005"
    assert fiscal.label("2026Q1") == "2026Q1" and fiscal.label("2026-03") == "2026-03"
    assert Period(code="2026JulyQ2").label == "2026/27 Q2"
