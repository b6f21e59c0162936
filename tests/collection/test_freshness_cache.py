"""The portfolio's freshness comes from Django's cache, and the next request after a change sees the change."""

import datetime

from stocktake.architecture.actions import close_org_unit, ensure_period
from stocktake.architecture.models import Indicator, OrgUnit
from stocktake.collection import freshness
from stocktake.monitoring.actions import record_value

TODAY = datetime.date(2026, 11, 24)


def _homicides(rows):
    return next(f for f in rows if f.indicator.code == "homicides")


def test_a_cached_answer_is_the_computed_one_with_the_live_rows(db):
    indicators = list(Indicator.objects.all())
    fresh = freshness.of(indicators, TODAY)
    first = freshness.cached_of(indicators, TODAY)  # computed and stored
    again = freshness.cached_of(list(Indicator.objects.all()), TODAY)  # from the cache
    assert [(f.indicator.pk, f.missing_units, f.last_period) for f in again] == [
        (f.indicator.pk, f.missing_units, f.last_period) for f in fresh
    ]
    assert all(isinstance(f.indicator, Indicator) for f in first + again)


def test_a_new_value_or_a_closed_unit_is_seen_at_once(db):
    indicators = list(Indicator.objects.all())
    assert _homicides(freshness.cached_of(indicators, TODAY)).missing_units == ["R03-D02", "R03-D05", "R05-D07"]
    ind = Indicator.objects.get(code="homicides")
    record_value(indicator=ind, org_unit=OrgUnit.objects.get(code="R03-D05"), period=ensure_period("2026-10"), value=4)
    assert _homicides(freshness.cached_of(indicators, TODAY)).missing_units == ["R03-D02", "R05-D07"]
    close_org_unit(OrgUnit.objects.get(code="R05-D07"), on=datetime.date(2026, 9, 1), reason="merged")
    assert _homicides(freshness.cached_of(indicators, TODAY)).missing_units == ["R03-D02"]
    assert _homicides(freshness.cached_of(indicators, TODAY + datetime.timedelta(days=40))).due_period.code != "2026-10"
