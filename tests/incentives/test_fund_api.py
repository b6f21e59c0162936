"""An outcomes fund made through the API (it used to need the Django shell), then a scheme on it."""

from __future__ import annotations

from decimal import Decimal

from stocktake.accounts.models import AuditEntry
from stocktake.incentives.models import Fund
from tests import factories

J = "application/json"
FUND = {
    "code": "north-outcomes",
    "name": "North Outcomes Fund",
    "currency": "USD",
    "budget": "2500000.00",
    "starts": "2027-01-01",
    "ends": "2029-12-31",
}


def test_the_delivery_unit_creates_a_fund_audited(db):
    du = factories.sign_in("manager")
    r = du.post("/api/incentives/funds", FUND, content_type=J)
    assert r.status_code == 201, r.content
    assert r.json()["position"]["budget"] in ("2500000.00", "2500000")
    assert Fund.objects.get(code="north-outcomes").budget == Decimal("2500000.00")
    assert AuditEntry.objects.filter(model="incentives.fund", interface="api", action="create").exists()
    assert du.get("/api/incentives/funds/north-outcomes").status_code == 200


def test_bad_funds_are_refused_naming_the_field(db):
    du = factories.sign_in("manager")
    r = du.post("/api/incentives/funds", {**FUND, "ends": "2026-01-01"}, content_type=J)
    assert r.status_code == 400 and "ends" in r.json()["errors"]
    r = du.post("/api/incentives/funds", {**FUND, "budget": "lots"}, content_type=J)
    assert r.status_code == 400 and r.json()["detail"].startswith("budget:")
    r = du.post("/api/incentives/funds", {**FUND, "currency": "dollars"}, content_type=J)
    assert r.status_code == 400 and "currency" in r.json()["errors"]
    assert factories.sign_in("validator").post("/api/incentives/funds", FUND, content_type=J).status_code == 403
    assert not Fund.objects.filter(code="north-outcomes").exists()
