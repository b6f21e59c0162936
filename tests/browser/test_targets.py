"""Setting a target in headless Chromium: the benchmarks beside the form read the numbers as they are typed."""

import pytest

pytestmark = pytest.mark.browser


def test_target_form_reads_the_proposal_against_the_benchmarks_as_it_is_typed(page, demo_server):
    page.goto(demo_server + "/accounts/login/?next=/indicators/ae-4h/")
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", "demo-stocktake-2026")
    page.click("form button[type=submit]")
    page.wait_for_url("**/indicators/ae-4h/")
    page.click("#set-target")
    page.wait_for_url("**/indicators/ae-4h/target/")
    assert page.locator("#benchmarks").is_visible() and page.locator(".target-form").is_visible()
    # side by side on a desktop screen: the benchmarks sit to the right of the form
    form, bench = page.locator(".target-form").bounding_box(), page.locator(".target-bench").bounding_box()
    assert bench["x"] >= form["x"] + form["width"] - 1
    page.fill("input[name=target_value]", "100")  # every patient within four hours: past every trust in the land
    page.wait_for_selector('#reading li[data-yardstick="peers"][data-verdict="beyond"]', timeout=10000)
    page.fill("input[name=target_value]", "50")  # worse than today: the old trend gets there anyway
    page.wait_for_selector('#reading li[data-yardstick="history"][data-verdict="modest"]', timeout=10000)
    assert page.errors == []
