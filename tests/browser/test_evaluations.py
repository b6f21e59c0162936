"""An evaluation in headless Chromium: from the indicator page to the verdict and both charts, as the public."""

import pytest

pytestmark = pytest.mark.browser


def test_the_public_follows_the_indicator_page_to_the_evaluation_and_its_charts_draw(page, demo_server):
    page.goto(demo_server + "/indicators/homicides/")
    page.click("#evaluations-section a")
    page.wait_for_url("**/evaluations/*/")
    assert "fell by" in page.locator("#verdict").inner_text()
    page.wait_for_selector("#evaluation-trajectory.chart-ready svg")
    trajectory = page.locator("#evaluation-trajectory svg")
    assert trajectory.locator("path[aria-roledescription='area mark']").count() == 1  # the counterfactual band
    assert trajectory.locator("path[aria-roledescription='line mark']").count() == 2  # treated, counterfactual
    page.wait_for_selector("#evaluation-event.chart-ready svg")
    event = page.locator("#evaluation-event svg")
    assert event.locator("[aria-roledescription='point']").count() >= 10  # one per period since the start
    assert event.locator("[aria-roledescription='rule mark container']").count() >= 1  # their intervals
    assert page.locator("#edit-evaluation").count() == 0  # the public reads, never edits
    assert page.errors == []
