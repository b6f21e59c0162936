"""The fund's pages, exports and API, and who may use them."""

import io
import json
import re

from openpyxl import load_workbook

from stocktake.incentives import queries
from stocktake.incentives.models import Payment

FUND = "/incentives/funds/meridia-outcomes-fund/"


def test_pages_for_the_delivery_unit(client, users, fund):
    client.force_login(users("duhead"))
    html = client.get("/incentives/").content.decode()
    assert "Meridia Outcomes Fund" in html and "data-balance" in html
    html = client.get(FUND).content.decode()
    for words in [
        "Stunting reduction (disbursement-linked)",
        "Safe water transfer",
        "A&amp;E four-hour standard",
        "Awaiting approval",
        "Flagged for review",
        "Ledger",
    ]:
        assert words in html
    assert client.get("/incentives/schemes/water-transfer-r02/").content.decode().count("failed") >= 1
    spec = json.loads(
        re.search(
            r'<script id="simulation-spec" type="application/json">(.*?)</script>',
            client.get(FUND + "simulation/").content.decode(),
            re.S,
        ).group(1)
    )
    scenarios = {r["scenario"] for r in spec["layer"][0]["data"]["values"]}
    assert scenarios == {"On trajectory", "10% short", "25% short", "Exceeds by 10%"}
    assert spec["layer"][1]["data"]["values"][0]["budget"] == float(fund.budget)


def test_exports(client, users, fund):
    client.force_login(users("manager"))
    pdf = client.get(FUND + "statements/moh/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # the PDF says what the web page says: the recipient, what it earned and received, every payment
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    web = client.get(FUND + "statements/moh/").content.decode()
    assert "Ministry of Health" in text
    for figure in ("earned", "received"):
        amount = re.search(rf'id="{figure}">([^<]+)<', web).group(1)
        assert amount in text, (figure, amount)
    paid = Payment.objects.filter(scheme__recipient__code="moh").exclude(amount=0)
    assert paid.exists()
    for p in paid:
        assert f"{p.amount:,.2f}" in text, p
    wb = load_workbook(io.BytesIO(client.get(FUND + "position.xlsx").content))
    assert wb.sheetnames == ["Position", "Schemes", "Payments", "Ledger"]
    rows = {r[0]: r[1] for r in wb["Position"].iter_rows(min_row=2, values_only=True)}
    assert rows["Budget"] == 4000000
    data = client.get(FUND + "indigo.json").json()
    project = next(p for p in data["projects"] if p["id"] == "moh-stunting-dli")
    assert project["outcome_metrics"][0]["definition"]["value"] == "Children under five who are stunted"
    assert len(project["results"]) == 4 and project["outcome_payments"][0]["currency"]["value"] == "USD"


def test_who_sees_what(client, users):
    assert client.get("/incentives/")["Location"].startswith("/accounts/login/")
    client.force_login(users("health-data"))  # Ministry of Health: its own statement only
    assert client.get(FUND).status_code == 403
    html = client.get("/incentives/").content.decode()
    assert "Statements for Ministry of Health" in html
    assert client.get(FUND + "statements/moh/").status_code == 200
    assert client.get(FUND + "statements/moe/").status_code == 403
    other = Payment.objects.filter(scheme__recipient__code="moe").first()
    assert client.get(f"/incentives/payments/{other.pk}/").status_code == 404
    own = Payment.objects.filter(scheme__recipient__code="moh", status="computed").first()
    before = own.status
    assert client.post(f"/incentives/payments/{own.pk}/approve/").status_code == 403
    own.refresh_from_db()
    assert own.status == before


def test_htmx_approval_and_refusal(client, users, fund):
    payment = Payment.objects.filter(scheme__fund=fund, status="computed", amount__gt=0).first()
    client.force_login(users("manager"))  # who computed it
    r = client.post(f"/incentives/payments/{payment.pk}/approve/", HTTP_HX_REQUEST="true")
    assert r.status_code == 400 and "may not approve" in r.content.decode()
    client.force_login(users("duhead"))
    r = client.post(f"/incentives/payments/{payment.pk}/approve/", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and 'data-status="approved"' in r.content.decode()


def test_api(client, users, fund):
    client.force_login(users("observer"))
    funds = client.get("/api/incentives/funds").json()
    assert funds[0]["position"]["budget"] == "4000000.00"
    payment = Payment.objects.filter(scheme__fund=fund, status="computed", amount__gt=0).first()
    assert client.post(f"/api/incentives/payments/{payment.pk}/approve").status_code == 403
    client.force_login(users("health-data"))
    assert client.get("/api/incentives/funds").status_code == 403
    mine = client.get("/api/incentives/funds/meridia-outcomes-fund/payments").json()
    assert mine and {p["recipient"] for p in mine} == {"moh"}
    client.force_login(users("duhead"))
    r = client.post(f"/api/incentives/payments/{payment.pk}/approve")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    r = client.post(
        f"/api/incentives/payments/{payment.pk}/disburse",
        {"reference": "API-1", "amount": str(payment.amount + 1)},
        content_type="application/json",
    )
    assert r.status_code == 400 and "larger than" in r.json()["detail"]
    sims = client.get("/api/incentives/funds/meridia-outcomes-fund/simulation").json()
    assert [s["scenario"] for s in sims] == ["On trajectory", "10% short", "25% short", "Exceeds by 10%"]


def test_portfolio_panel(client, users):
    client.force_login(users("duhead"))
    assert 'id="outcomes-fund-panel"' in client.get("/").content.decode()
    client.logout()
    assert 'id="outcomes-fund-panel"' not in client.get("/").content.decode()


def test_api_launches_a_scheme_and_refuses_bad_ones(client, users, fund):
    body = {
        "code": "api-water-r04",
        "name": "Safe water transfer: Western Region",
        "indicator": "safe-water",
        "org_unit": "R04",
        "recipient": "region-04",
        "first_period": "2025Q3",
        "last_period": "2026Q2",
        "rule": {"type": "threshold", "target": "80", "amount": "20000"},
        "commitment": "80000",
    }
    client.force_login(users("health-data"))
    assert (
        client.post(
            "/api/incentives/funds/meridia-outcomes-fund/schemes", body, content_type="application/json"
        ).status_code
        == 403
    )
    client.force_login(users("manager"))
    bad = client.post(
        "/api/incentives/funds/meridia-outcomes-fund/schemes",
        {**body, "cap_per_period": "100"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "below the threshold payment" in bad.json()["detail"]
    over = client.post(
        "/api/incentives/funds/meridia-outcomes-fund/schemes",
        {**body, "commitment": "900000"},
        content_type="application/json",
    )
    assert over.status_code == 400 and "shortfall of USD 220,000.00" in over.json()["detail"]
    ok = client.post("/api/incentives/funds/meridia-outcomes-fund/schemes", body, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["commitment"] == "80000.00"
    again = client.post(
        "/api/incentives/funds/meridia-outcomes-fund/schemes",
        {**body, "code": "api-water-r04-bis"},
        content_type="application/json",
    )
    assert again.status_code == 400 and "paid twice" in again.json()["detail"]


def test_balance_on_a_date(client, users, fund):

    client.force_login(users("observer"))
    html = client.get(FUND + "?on=2020-01-01").content.decode()
    assert f"USD {fund.budget:,.2f}" in html.split('id="balance-on-value">')[1]  # nothing disbursed before the fund
    assert queries.balance_at(fund, __import__("datetime").date(2100, 1, 1)) == queries.position(fund)["balance"]
    assert "is not a date" in client.get(FUND + "?on=yesterday").content.decode()
