"""Making an outcomes fund and a scheme in it from the pages: through create_fund / create_scheme (audited,
committed in the ledger), the payment rule built from plain fields, input kept and errors named by field."""

import re
from decimal import Decimal

import pytest

from stocktake.accounts.models import AuditEntry, Organisation
from stocktake.incentives.models import Fund, LedgerEntry, Scheme
from tests.factories import indicator, sign_in

pytestmark = pytest.mark.django_db

FUND = {
    "code": "clean-water-fund",
    "name": "Clean water fund",
    "currency": "USD",
    "budget": "500000",
    "starts": "2026-01-01",
    "ends": "2027-12-31",
    "description": "Pays districts for verified water points.",
}


def scheme_form(ind, **changes):
    data = {
        "code": "water-points",
        "name": "Working water points",
        "indicator": ind.pk,
        "org_unit": "NAT",
        "recipient": Organisation.objects.get(code="moh").pk,
        "rule_type": "threshold",
        "rule_target": "80",
        "rule_amount": "50000",
        "first_period": "2026-03",
        "last_period": "2026-12",
        "commitment": "100000",
        "cap_per_period": "",
        "cap_total": "",
        "sample_threshold": "0.8",
        "status": "active",
    }
    data.update(changes)
    return data


def test_the_delivery_unit_makes_a_fund_and_launches_a_scheme_from_the_pages():
    c = sign_in("duhead")
    assert 'id="new-fund"' in c.get("/incentives/").content.decode()
    r = c.post("/incentives/new-fund/", FUND)
    assert r.status_code == 302 and r["Location"] == "/incentives/funds/clean-water-fund/new-scheme/"
    fund = Fund.objects.get(code="clean-water-fund")
    assert fund.budget == Decimal("500000") and fund.currency == "USD"
    entry = AuditEntry.objects.get(model="incentives.fund", object_id=str(fund.pk))
    assert entry.action == "create" and entry.interface == "web" and entry.user.username == "duhead"

    ind = indicator("water-points-ind", unit="%", frequency="M")
    page = c.get("/incentives/funds/clean-water-fund/new-scheme/").content.decode()
    assert "data-searchable" in page and "data-unit-lookup" in page and "rule_amount" in page
    r = c.post("/incentives/funds/clean-water-fund/new-scheme/", scheme_form(ind))
    assert r.status_code == 302, r.content.decode()[:3000]
    scheme = Scheme.objects.get(code="water-points")
    assert scheme.fund == fund and scheme.org_unit.code == "NAT" and scheme.first_period.code == "2026-03"
    assert scheme.rule == {"type": "threshold", "target": "80", "amount": "50000"}  # only the threshold's fields
    assert LedgerEntry.objects.get(scheme=scheme, stage="commitment").amount == Decimal("100000")
    assert AuditEntry.objects.get(model="incentives.scheme", object_id=str(scheme.pk)).interface == "web"
    assert "Working water points" in c.get("/incentives/funds/clean-water-fund/").content.decode()


def test_a_refused_fund_keeps_the_input_and_names_each_field():
    c = sign_in("manager")
    r = c.post("/incentives/new-fund/", {**FUND, "currency": "dollars", "ends": "2025-01-01", "budget": "-5"})
    html = r.content.decode()
    assert r.status_code == 400 and not Fund.objects.filter(code="clean-water-fund").exists()
    assert 'value="Clean water fund"' in html and 'value="dollars"' in html
    for field in ("currency", "ends", "budget"):
        assert f'id="{field}-error"' in html and f'href="#id_{field}"' in html
    focused = re.findall(r"<(?:input|select|textarea)[^>]*\bautofocus\b[^>]*>", html)
    assert len(focused) == 1 and 'name="currency"' in focused[0]


def test_a_refused_scheme_names_the_rule_field_or_the_money_at_fault_and_stores_nothing():
    c = sign_in("duhead")
    c.post("/incentives/new-fund/", FUND)
    ind = indicator("water-points-ind", unit="%", frequency="M")
    url = "/incentives/funds/clean-water-fund/new-scheme/"
    cases = [
        ({"rule_amount": ""}, "rule_amount", "is required"),
        ({"rule_type": "price_per_unit", "rule_price": "-3", "rule_baseline": "10"}, "rule_price", "more than 0"),
        ({"commitment": "900000"}, "commitment", "the fund cannot commit"),
        ({"org_unit": "NOWHERE"}, "org_unit", "No org unit has the code"),
        ({"first_period": "2031-01", "last_period": "2031-06"}, "first_period", "outside"),
        ({"first_period": "March"}, "first_period", ""),
        ({"rule_target": "eighty"}, "rule_target", ""),
    ]
    for changes, field, words in cases:
        r = c.post(url, scheme_form(ind, name="Kept scheme", **changes))
        html = r.content.decode()
        assert r.status_code == 400, (changes, r.status_code)
        assert f'id="{field}-error"' in html and words in html, (changes, html[:200])
        assert 'value="Kept scheme"' in html
    assert not Scheme.objects.filter(code="water-points").exists()
    assert not LedgerEntry.objects.filter(fund__code="clean-water-fund").exists()


@pytest.mark.parametrize("who", ["observer", "validator", "pm", "health-data"])
def test_other_roles_cannot_make_funds_or_schemes(who):
    c = sign_in(who)
    assert c.get("/incentives/new-fund/").status_code == 403
    assert c.post("/incentives/new-fund/", FUND).status_code == 403
    assert c.post("/incentives/funds/meridia-outcomes-fund/new-scheme/", {"code": "x"}).status_code == 403
    assert not Fund.objects.filter(code="clean-water-fund").exists()
