"""Open the portfolio and an indicator page in headless Chromium, as a person would."""

import pytest

from tests.browser.signin import sign_in

pytestmark = pytest.mark.browser


def test_portfolio_lists_priorities_with_status_colours(page, demo_server):
    sign_in(page, demo_server)
    assert page.title().startswith("Portfolio")
    rows = page.locator("tr[data-indicator]")
    assert rows.count() >= 9  # the observer sees the published priorities
    off = page.locator('tr[data-indicator="ae-4h"] .status')
    assert off.inner_text() == "Off track"
    # the colour is the one the stylesheet gives off-track, not just a class name
    assert off.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(207, 34, 46)"
    assert page.errors == []


def test_indicator_page_draws_the_trajectory_chart(page, demo_server):
    sign_in(page, demo_server)
    page.click('tbody:has(tr[data-indicator="ae-4h"]) summary')  # open the priority to its indicators
    page.click("text=A&E patients seen within four hours")
    page.wait_for_url("**/indicators/ae-4h/")
    page.wait_for_selector("#trajectory-chart.chart-ready svg", timeout=20000)
    svg = page.locator("#trajectory-chart svg")
    # actual, trajectory and forecast lines drawn as paths, plus the baseline/target diamonds and their labels
    lines = svg.locator("path[aria-roledescription='line mark']")
    assert lines.count() == 3
    assert svg.locator("text", has_text="Target").count() >= 1
    assert svg.locator("text", has_text="Baseline").count() >= 1
    box = svg.bounding_box()
    assert box["width"] > 600 and box["height"] > 300
    assert page.errors == []


def test_drill_down_to_a_region(page, demo_server):
    page.goto(demo_server + "/indicators/homicides/")
    page.select_option("select[name=unit]", "R05")
    page.click("text=Go")
    page.wait_for_url("**unit=R05")
    assert "Southern Region" in page.locator("main").inner_text()
    page.wait_for_selector("#trajectory-chart.chart-ready svg")
