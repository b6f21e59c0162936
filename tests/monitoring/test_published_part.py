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
        ("observer", series.INSIDE),  # reads everything, published or not (docs/accounts.md)
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
