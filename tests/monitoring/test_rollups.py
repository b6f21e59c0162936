"""The rollups the views read agree with the raw values, and official excludes what nobody has checked."""

from datetime import timedelta

import pytest
from django.db.models import Sum

from stocktake.architecture.models import Indicator, OrgUnit, Period
from stocktake.delivery import status as S
from stocktake.monitoring import actions, rollups, series
from stocktake.monitoring.models import DataValue, Rollup


def raw_ratio(ind, unit, period_code, states=None):
    qs = DataValue.objects.filter(indicator=ind, period__code=period_code, org_unit__path__startswith=unit.path)
    if states:
        qs = qs.filter(state__in=states)
    agg = qs.aggregate(n=Sum("numerator"), d=Sum("denominator"))
    return None if not agg["d"] else agg["n"] / agg["d"] * ind.ratio_scale


def test_every_level_matches_the_raw_values(db):
    ae = Indicator.objects.get(code="ae-4h")
    for code in ("NAT", "R03", "R03-D02", "R03-D02-H1"):
        unit = OrgUnit.objects.get(code=code)
        r = Rollup.objects.get(indicator=ae, org_unit=unit, period__code="2026-06")
        assert r.value == pytest.approx(raw_ratio(ae, unit, "2026-06"))
        assert r.depth == unit.depth and r.parent_id == unit.parent_id


def test_official_value_leaves_out_submitted_data(db):
    ae = Indicator.objects.get(code="ae-4h")
    nation = series.root_unit()
    latest = Rollup.objects.get(indicator=ae, org_unit=nation, period__code="2026-10")  # the demo's submitted month
    assert latest.official_count == 0 and latest.official_value is None and latest.value is not None
    assert [r["period__code"] for r, _ in series.series(ae, nation, official=True)][-1] == "2026-09"
    assert series.OFFICIAL_STATES == ("validated", "published")


def test_a_recorded_value_updates_the_rollups_in_the_same_transaction(db):
    homicides = Indicator.objects.get(code="homicides")
    district = OrgUnit.objects.get(code="R02-D03")
    period = Period.objects.get(code="2026-05")
    before = Rollup.objects.get(indicator=homicides, org_unit__code="NAT", period=period).value
    dv = DataValue.objects.get(indicator=homicides, org_unit=district, period=period)
    actions.record_value(indicator=homicides, org_unit=district, period=period, value=dv.value + 7)
    assert Rollup.objects.get(indicator=homicides, org_unit__code="NAT", period=period).value == before + 7
    assert (
        Rollup.objects.get(indicator=homicides, org_unit=district.parent, period=period).value
        == DataValue.objects.filter(indicator=homicides, period=period, org_unit__parent=district.parent).aggregate(
            s=Sum("value")
        )["s"]
    )


def test_refresh_rebuilds_the_same_rows(db):
    rail = Indicator.objects.get(code="rail-ppm")
    rows = sorted(
        Rollup.objects.filter(indicator=rail).values_list("org_unit_id", "period_id", "value", "official_value")
    )
    Rollup.objects.filter(indicator=rail).delete()
    rollups.refresh([rail.pk])
    assert (
        sorted(Rollup.objects.filter(indicator=rail).values_list("org_unit_id", "period_id", "value", "official_value"))
        == rows
    )


def test_district_plan_is_the_national_change_from_its_own_baseline(db):
    ae = Indicator.objects.get(code="ae-4h")
    district = OrgUnit.objects.get(code="R01-D02")
    target = ae.targets.get(org_unit=None)
    plan = series.Plan.build(ae, [district.pk])
    since = target.baseline_date - timedelta(days=365)
    months = Period.objects.filter(kind="M", end__gt=since, end__lte=target.baseline_date)
    own = [raw_ratio(ae, district, p.code, series.OFFICIAL_STATES) for p in months]
    nat = [raw_ratio(ae, series.root_unit(), p.code, series.OFFICIAL_STATES) for p in months]
    own_base, nat_base = sum(own) / len(own), sum(nat) / len(nat)
    point = target.points.get(period__code="2026-06")
    assert plan.planned(district.pk, "2026-06") == pytest.approx(own_base + point.value - nat_base)
    assert plan.planned(series.root_unit().pk, "2026-06") == pytest.approx(point.value)
    actual = raw_ratio(ae, district, "2026-06", series.OFFICIAL_STATES)
    expected = S.assess(
        actual,
        own_base + point.value - nat_base,
        own_base + target.baseline_value - nat_base,
        own_base + target.target_value - nat_base,
        "up",
    )
    assert plan.assess(district.pk, actual, "2026-06").code == expected.code


def test_validating_submitted_values_makes_them_official(db):
    from django.contrib.auth import get_user_model

    from stocktake.collection import actions as collection

    rail = Indicator.objects.get(code="rail-ppm")
    nation = series.root_unit()
    submitted = list(DataValue.objects.filter(indicator=rail, period__code="2026-10", state="submitted"))
    assert submitted
    assert Rollup.objects.get(indicator=rail, org_unit=nation, period__code="2026-10").official_count == 0
    collection.validate(collection.as_seen(submitted), user=get_user_model().objects.get(username="validator"))
    r = Rollup.objects.get(indicator=rail, org_unit=nation, period__code="2026-10")
    assert r.official_count == len(submitted) and r.official_value == pytest.approx(r.value)
    assert series.summarise(rail).latest_period == "2026-10"
