"""Open each full demo plan in headless Chromium: the composed trajectory, the 2x2 and the chain are drawn."""

import pytest

pytestmark = pytest.mark.browser


def sign_in(page, server, username):
    page.goto(server + "/accounts/login/?next=/plans/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo-stocktake-2026")
    page.click("button[type=submit]")
    page.wait_for_selector("table#plans")


@pytest.mark.parametrize("code,indicator", [("ae-waits", "ae-4h"), ("reading-11", "reading-age-11"),
                                            ("homicides", "homicides")])
def test_each_full_plan_draws_its_charts(page, demo_server, code, indicator):
    sign_in(page, demo_server, "duhead")  # reading-11 is unpublished: the delivery unit sees it
    page.click(f'tr[data-priority="{code}"] a')
    page.wait_for_url(f"**/plans/{code}/")
    chart = page.locator(f"#composed-{indicator}-chart")
    page.wait_for_selector(f"#composed-{indicator}-chart.chart-ready svg", timeout=20000)
    # one stacked band per strategy with an estimate of impact
    assert chart.locator("path[aria-roledescription='area mark']").count() >= 3
    assert chart.locator("text", has_text="Target").count() >= 1
    page.wait_for_selector("#matrix-chart.chart-ready svg", timeout=20000)
    page.wait_for_selector("[id^=chain-][id$=-chart].chart-ready svg", timeout=20000)
    assert page.locator(".gap").first.inner_text().startswith("The plan")
    assert page.errors == []


def test_milestone_status_changes_in_place(page, demo_server):
    sign_in(page, demo_server, "manager")  # the priority manager edits every plan
    page.goto(demo_server + "/plans/ae-waits/")
    row = page.locator('tr[data-milestone][data-status="not_started"]').first
    mid = row.get_attribute("data-milestone")
    row.locator("select[name=status]").select_option("at_risk")
    page.wait_for_selector(f'tr[data-milestone="{mid}"][data-status="at_risk"]', timeout=10000)
    page.reload()
    assert page.locator(f'tr[data-milestone="{mid}"]').get_attribute("data-status") == "at_risk"
    assert page.errors == []
