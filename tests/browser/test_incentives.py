"""Approving a payment in Chromium, as the delivery unit head does it."""

import pytest

pytestmark = pytest.mark.browser


def test_delivery_unit_head_approves_a_computed_payment(page, demo_server):
    page.goto(demo_server + "/accounts/login/?next=/incentives/")
    page.fill("#id_username", "duhead")
    page.fill("#id_password", "demo-stocktake-2026")
    page.click("main button[type=submit]")
    page.wait_for_url(demo_server + "/incentives/")
    page.click("text=Meridia Outcomes Fund")
    page.locator("#awaiting a").first.click()
    page.wait_for_url("**/incentives/payments/*/")
    assert page.locator("#payment-status").inner_text() == "Computed"
    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    page.click("#approve")
    page.wait_for_selector("#payment-status[data-status=approved]")
    assert "Approved" in page.locator("#payment-ledger").inner_text()
    page.fill("input[name=reference]", "TRX-E2E-1")
    page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    page.click("#disburse")
    page.wait_for_selector("#payment-status[data-status=disbursed]")
    assert asked[0].startswith("Approve a payment of ") and asked[1].startswith("Record this disbursement?")
    page.goto(demo_server + "/incentives/funds/meridia-outcomes-fund/simulation/")
    page.wait_for_selector("#simulation-chart.chart-ready svg", timeout=20000)
    assert page.errors == []
