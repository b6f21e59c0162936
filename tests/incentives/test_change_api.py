"""Funds and schemes changed and closed through the API: a closing scheme gives back what it committed and
did not approve, a pending payment holds the close, a closed fund launches nothing; each change audited."""

from __future__ import annotations

from decimal import Decimal

from stocktake.accounts.models import AuditEntry
from stocktake.architecture.models import Indicator, OrgUnit
from stocktake.incentives.models import Fund, Scheme
from stocktake.incentives.queries import position
from tests import factories

J = "application/json"
FUND = {
    "code": "north-outcomes",
    "name": "North Outcomes Fund",
    "currency": "USD",
    "budget": "1000000.00",
    "starts": "2025-01-01",
    "ends": "2029-12-31",
}


def _scheme_body():
    ind = (
        Indicator.objects.get(code="stunting-rate") if Indicator.objects.filter(code="stunting-rate").exists() else None
    )
    ind = ind or Indicator.objects.filter(frequency="Q", direction="down").order_by("code").first()
    unit = OrgUnit.objects.filter(depth=1).first()
    return {
        "code": "north-pilot",
        "name": "North pilot",
        "indicator": ind.code,
        "org_unit": unit.code,
        "recipient": "moh",
        "rule": {"type": "threshold", "target": "1", "amount": "1000"},
        "first_period": "2028Q1",
        "last_period": "2028Q4",
        "commitment": "400000.00",
    }


def _fund_with_scheme(du):
    assert du.post("/api/incentives/funds", FUND, content_type=J).status_code == 201
    r = du.post("/api/incentives/funds/north-outcomes/schemes", _scheme_body(), content_type=J)
    assert r.status_code == 200, r.content
    return Fund.objects.get(code="north-outcomes")


def test_a_fund_is_changed_and_never_below_what_it_committed(db):
    du = factories.sign_in("manager")
    fund = _fund_with_scheme(du)
    r = du.patch("/api/incentives/funds/north-outcomes", {"budget": "1500000.00", "name": "North Fund"}, content_type=J)
    assert r.status_code == 200 and r.json()["position"]["budget"] == "1500000.00" and r.json()["name"] == "North Fund"
    r = du.patch("/api/incentives/funds/north-outcomes", {"budget": "100.00"}, content_type=J)
    assert r.status_code == 400 and "budget" in r.json()["errors"]
    r = du.patch("/api/incentives/funds/north-outcomes", {"ends": "2027-12-31"}, content_type=J)
    assert r.status_code == 400 and "ends" in r.json()["errors"]
    r = du.patch("/api/incentives/funds/north-outcomes", {"budget": "lots"}, content_type=J)
    assert r.status_code == 400 and "budget" in r.json()["errors"]
    fund.refresh_from_db()
    assert fund.budget == Decimal("1500000.00") and fund.ends.year == 2029
    changes = AuditEntry.objects.filter(model="incentives.fund", object_id=str(fund.pk), action="change")
    assert changes.count() == 1
    assert (
        factories.sign_in("validator")
        .patch("/api/incentives/funds/north-outcomes", {"name": "x"}, content_type=J)
        .status_code
        == 403
    )


def test_a_scheme_is_changed_then_closed_and_its_commitment_goes_back(db):
    du = factories.sign_in("manager")
    fund = _fund_with_scheme(du)
    assert position(fund)["committed"] == Decimal("400000.00")
    r = du.patch("/api/incentives/schemes/north-pilot", {"cap_total": "300000.00", "name": "Pilot"}, content_type=J)
    assert r.status_code == 200 and r.json()["cap_total"] == "300000.00" and r.json()["name"] == "Pilot"
    r = du.patch("/api/incentives/schemes/north-pilot", {"rule": {"type": "nonsense"}}, content_type=J)
    assert r.status_code == 400 and "rule" in r.json()["errors"]
    assert du.get("/api/incentives/schemes/north-pilot").json()["name"] == "Pilot"
    r = du.post("/api/incentives/schemes/north-pilot/close", {"reason": "pilot ended"}, content_type=J)
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert position(fund)["committed"] == Decimal("0")
    r = du.patch("/api/incentives/schemes/north-pilot", {"name": "again"}, content_type=J)
    assert r.status_code == 400 and "status" in r.json()["errors"]
    scheme = Scheme.objects.get(code="north-pilot")
    assert AuditEntry.objects.filter(model="incentives.scheme", object_id=str(scheme.pk), action="change").count() == 2


def test_a_closed_fund_closes_its_schemes_and_launches_nothing_until_reopened(db):
    du = factories.sign_in("manager")
    fund = _fund_with_scheme(du)
    r = du.post("/api/incentives/funds/north-outcomes/close", {"on": "2029-12-31"}, content_type=J)
    assert r.status_code == 200 and r.json()["closed_on"] == "2029-12-31"
    assert Scheme.objects.get(code="north-pilot").status == "closed" and position(fund)["committed"] == 0
    assert [f["code"] for f in du.get("/api/incentives/funds?closed=true").json()] == ["north-outcomes"]
    closed = du.get("/api/incentives/funds/north-outcomes/schemes?status=closed").json()
    assert [s["code"] for s in closed] == ["north-pilot"]
    assert du.get("/api/incentives/funds/north-outcomes/schemes?status=active").json() == []
    r = du.post("/api/incentives/funds/north-outcomes/schemes", {**_scheme_body(), "code": "late"}, content_type=J)
    assert r.status_code == 400 and "fund" in r.json()["errors"]
    r = du.post("/api/incentives/funds/north-outcomes/reopen", {"reason": " "}, content_type=J)
    assert r.status_code == 400 and "reason" in r.json()["errors"]
    r = du.post("/api/incentives/funds/north-outcomes/reopen", {"reason": "phase two"}, content_type=J)
    assert r.status_code == 200 and r.json()["closed_on"] is None
    r = du.post("/api/incentives/funds/north-outcomes/schemes", {**_scheme_body(), "code": "late"}, content_type=J)
    assert r.status_code == 200, r.content


def test_a_scheme_with_a_pending_payment_is_not_closed_and_a_draft_is_launched(db):
    du = factories.sign_in("manager")
    busy = Scheme.objects.filter(payments__status="computed").order_by("code").first()
    r = du.post(f"/api/incentives/schemes/{busy.code}/close", {}, content_type=J)
    assert r.status_code == 400 and "status" in r.json()["errors"] and "before closing" in r.json()["detail"]
    assert Scheme.objects.get(pk=busy.pk).status == "active"
    assert du.post("/api/incentives/funds", FUND, content_type=J).status_code == 201
    draft = {**_scheme_body(), "status": "draft"}
    assert du.post("/api/incentives/funds/north-outcomes/schemes", draft, content_type=J).status_code == 200
    fund = Fund.objects.get(code="north-outcomes")
    assert position(fund)["committed"] == 0
    r = du.patch("/api/incentives/schemes/north-pilot", {"status": "active"}, content_type=J)
    assert r.status_code == 200 and r.json()["status"] == "active", r.content
    assert position(fund)["committed"] == Decimal("400000.00")
    r = du.patch(f"/api/incentives/schemes/{busy.code}", {"status": "draft"}, content_type=J)
    assert r.status_code == 400 and "status" in r.json()["errors"]
