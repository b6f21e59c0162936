"""The published part of the rollups, and the basis each reader's figures come from.

The public and other ministries get published values only (monitoring.access.value_basis); the delivery
unit and the lead ministry see every state, with official status from checked values.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from stocktake.architecture.models import Indicator, OrgUnit
from stocktake.monitoring import access, series
from stocktake.monitoring.models import DataValue, Rollup
from tests import factories


def raw_ratio(ind, unit, period_code, states):
    values = DataValue.objects.filter(
        indicator=ind, period__code=period_code, org_unit__path__startswith=unit.path, state__in=states
    )
    n = sum(v.numerator for v in values)
    d = sum(v.denominator for v in values)
    return (len(values), None if not d else n / d * ind.ratio_scale)


@pytest.mark.parametrize("month", ["2026-08", "2026-09", "2026-10"])  # published, validated, submitted in the demo
def test_the_published_part_counts_published_values_only_at_every_level(db, month):
    ae = Indicator.objects.get(code="ae-4h")
    for code in ("NAT", "R03", "R03-D02", "R03-D02-H1"):
        unit = OrgUnit.objects.get(code=code)
        r = Rollup.objects.get(indicator=ae, org_unit=unit, period__code=month)
        count, value = raw_ratio(ae, unit, month, ["published"])
        assert r.published_count == count
        assert r.published_value == (pytest.approx(value) if value is not None else None)


@pytest.mark.parametrize(
    "who, basis",
    [
        (None, series.PUBLISHED),
        ("education-data", series.PUBLISHED),  # another ministry's published priority
        ("health-data", series.INSIDE),  # the lead ministry of the A&E priority
        ("validator", series.INSIDE),
        ("observer", series.PUBLISHED),  # reads every priority, published values only (decision 0005)
    ],
)
def test_who_sees_unpublished_values(db, who, basis):
    ae = Indicator.objects.select_related("outcome__priority").get(code="ae-4h")
    user = factories.user(who) if who else AnonymousUser()
    assert access.value_basis(user, ae) == basis


def test_the_public_portfolio_has_no_provisional_figure_and_its_status_is_from_published_values(db, sign_in):
    public = {r["indicator"]: r for r in sign_in(None).get("/api/monitoring/portfolio").json()}
    inside = {r["indicator"]: r for r in sign_in("validator").get("/api/monitoring/portfolio").json()}
    assert inside["ae-4h"]["provisional_period"] == "2026-10" and inside["ae-4h"]["period"] == "2026-09"
    assert public["ae-4h"]["provisional"] is None and public["ae-4h"]["provisional_period"] is None
    assert public["ae-4h"]["period"] == "2026-08"  # the last published month, not the validated one
    nation = series.root_unit()
    published = Rollup.objects.get(indicator__code="ae-4h", org_unit=nation, period__code="2026-08").published_value
    assert public["ae-4h"]["latest"] == pytest.approx(published)


def test_the_public_rollup_series_stops_at_the_last_published_month(db, sign_in):
    public = sign_in(None).get("/api/collection/rollups/ae-4h/NAT").json()
    inside = sign_in("validator").get("/api/collection/rollups/ae-4h/NAT").json()
    assert public[-1]["period"] == "2026-08" and inside[-1]["period"] == "2026-10"
    published = dict(
        Rollup.objects.filter(indicator__code="ae-4h", org_unit__code="NAT", published_count__gt=0).values_list(
            "period__code", "published_value"
        )
    )
    assert {p["period"]: p["value"] for p in public} == pytest.approx(published)


def test_observers_read_unpublished_values_only_when_the_setting_says_so(db, settings):
    from stocktake.accounts import permissions as perms

    ae = Indicator.objects.select_related("outcome__priority").get(code="ae-4h")
    observer = factories.user("observer")
    assert not perms.can_read_unpublished(observer) and perms.can_read_all(observer)
    assert perms.can_read_unpublished(factories.user("validator"))
    assert not perms.can_read_unpublished(factories.user("health-data"))  # a ministry: its own priorities only
    assert perms.can_read_unpublished(factories.user("health-data"), ae.outcome.priority)
    settings.STOCKTAKE_OBSERVERS_READ_UNPUBLISHED = True
    assert perms.can_read_unpublished(observer) and access.value_basis(observer, ae) == series.INSIDE


def test_a_published_value_stays_public_while_a_corrected_version_waits(db):
    from stocktake.collection import actions as collection_actions
    from stocktake.monitoring import actions as monitoring_actions

    ind = factories.indicator("corrected-sum", report_depth=1)
    nation = series.root_unit()
    manager, validator = factories.user("manager"), factories.user("validator")
    period = factories._period("2026-05")
    dv, _ = monitoring_actions.record_value(indicator=ind, org_unit=nation, period=period, value=120.0, user=manager)
    collection_actions.validate(collection_actions.as_seen([dv]), user=validator)
    collection_actions.publish(collection_actions.as_seen([dv]), user=validator)
    dv, _ = monitoring_actions.record_value(indicator=ind, org_unit=nation, period=period, value=150.0, user=manager)
    assert dv.state == "submitted" and dv.version == 2
    r = Rollup.objects.get(indicator=ind, org_unit=nation, period=period)
    assert (r.published_count, r.published_value) == (1, 120.0)  # the published figure, not the draft
    assert (r.count, r.value, r.official_count) == (1, 150.0, 0)
    public = series.summarise(ind, nation, basis=series.PUBLISHED)
    assert public.latest == 120.0 and public.latest_period == "2026-05"
    # returned, the correction still leaves the published figure public; published again, it replaces it
    collection_actions.return_values(collection_actions.as_seen([dv]), user=validator, reason="check the total")
    assert Rollup.objects.get(indicator=ind, org_unit=nation, period=period).published_value == 120.0
    dv, _ = monitoring_actions.record_value(indicator=ind, org_unit=nation, period=period, value=140.0, user=manager)
    collection_actions.validate(collection_actions.as_seen([dv]), user=validator)
    collection_actions.publish(collection_actions.as_seen([dv]), user=validator)
    assert Rollup.objects.get(indicator=ind, org_unit=nation, period=period).published_value == 140.0


def test_an_observer_reads_no_unpublished_value_history(db, sign_in):
    submitted = DataValue.objects.filter(state="submitted").first()
    assert sign_in("observer").get(f"/api/collection/values/{submitted.pk}").status_code == 404
    assert sign_in("validator").get(f"/api/collection/values/{submitted.pk}").status_code == 200
