"""A problem opened by a district alert, taken in Chromium through a hypothesis tree and a priority review with a
fieldwork note and an action plan, then seen in the next stocktake pack and in the delivery report."""

from datetime import date, timedelta

import pytest

pytestmark = pytest.mark.browser


def sign_in(page, base, username="manager"):
    page.goto(base + "/accounts/login/?next=/problems/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo-stocktake-2026")
    page.click("button[type=submit]")
    page.wait_for_selector(".problem-board")


def test_an_alert_opened_problem_through_tree_review_plan_pack_and_report(page, demo_server):
    base = demo_server
    sign_in(page, base)
    # the demo's homicide alert rule opened level-2 problems on the board
    column = page.locator('.problem-board .col[data-level="2"]')
    column.locator("a", has_text="Homicides").first.click()
    page.wait_for_url("**/problems/*/")
    problem_url = page.url
    assert page.locator("#problem-level").inner_text().startswith("Level 2")
    assert "Standard problem solving" in page.locator("#level-meaning").inner_text()
    assert "off track" in page.locator("#from-alert").inner_text()

    # an issue tree, two levels deep
    page.fill("#new-tree input[name=issue]", "Why have homicides risen in this district for four months?")
    page.click("#new-tree button")
    page.wait_for_url(problem_url)
    form = page.locator("form.add-hypothesis")
    form.locator("input[name=text]").fill("Gang disputes over drug markets have flared")
    form.locator("input[name=analysis]").fill("Map homicides against known gang territories")
    form.locator("button").click()
    form = page.locator("form.add-hypothesis")
    form.locator("input[name=text]").fill("Police patrols were moved to another district")
    form.locator("button").click()
    form = page.locator("form.add-hypothesis")
    form.locator("select[name=parent]").select_option(label="Gang disputes over drug markets have flared")
    form.locator("input[name=text]").fill("A leader's arrest left a vacuum")
    form.locator("button").click()
    tree = page.locator("svg.hypothesis-tree")
    assert tree.locator("g.node").count() == 4  # the issue and three hypotheses
    assert page.locator("#problem-status").inner_text() == "Under analysis"
    page.locator(".mece-warnings").wait_for()  # one branch alone under the gang hypothesis
    page.fill("form.confirm-mece input[name=note]", "The arrest is the one sub-cause we know of")
    page.click("form.confirm-mece button")
    assert "Confirmed MECE" in page.locator(".mece-state").inner_text()

    # a priority review of the problem
    page.click("#start-review")
    page.wait_for_url("**/problems/reviews/?problem=*")
    form = page.locator("#new-review")
    form.locator("select[name=priority]").select_option(label="Halve violent deaths")
    form.locator("input[name=title]").fill("District homicide review")
    form.locator("textarea[name=terms_of_reference]").fill("With the ministry: find the causes and agree actions.")
    form.locator("input[name=weeks]").fill("6")
    form.locator("select[name=lead]").select_option(label="Aisha Bello")
    form.locator("button").click()
    page.wait_for_url("**/problems/reviews/*/")
    review_url = page.url
    form = page.locator("#add-fieldwork")
    form.locator("input[name=org_unit]").fill("R01-D06")
    form.locator("input[name=who]").fill("District commander, two community leaders")
    form.locator("textarea[name=findings]").fill("Night patrols stopped in August; two disputes unresolved.")
    form.locator("button").click()
    page.wait_for_url(review_url)
    assert "Night patrols stopped" in page.locator("#fieldwork").inner_text()
    due = (date.today() + timedelta(weeks=4)).isoformat()
    form = page.locator("#add-plan-action")
    form.locator("input[name=description]").fill("Restore night patrols in the district")
    form.locator("select[name=owner]").select_option(label="Carlos Mendes")
    form.locator("input[name=due]").fill(due)
    form.locator("button").click()
    page.wait_for_url(review_url)
    assert "Restore night patrols" in page.locator("#action-plan").inner_text()

    # a review running past its weeks is refused with the reason
    page.fill("#add-fieldwork input[name=visited_on]", (date.today() + timedelta(weeks=7)).isoformat())
    page.fill("#add-fieldwork input[name=who]", "x")
    page.fill("#add-fieldwork textarea[name=findings]", "x")
    page.fill("#add-fieldwork input[name=org_unit]", "R01-D06")
    page.click("#add-fieldwork button")
    assert "record an extension" in page.locator("#refused").inner_text()

    # the next stocktake pack shows the action and the problem
    page.goto(base + "/routines/")
    form = page.locator("#new-meeting")
    form.locator("select[name=routine]").select_option(label="Prime Minister's stocktake")
    form.locator("select[name=priorities]").select_option(label="Halve violent deaths")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/routines/meetings/*/")
    assert "Restore night patrols in the district" in page.locator("#pack-outstanding").inner_text()
    assert "Restore night patrols in the district" in page.locator("#pack-problems").inner_text()

    # and the delivery report lists the problem under its priority
    page.goto(base + "/routines/")
    page.fill("#new-round input[name=name]", "Problems E2E round")
    page.click("#new-round button")
    page.wait_for_url("**/routines/rounds/*/")
    page.goto(page.url + "report/")
    section = page.locator('section.priority-page[data-priority="homicides"]')
    assert "Problems being solved" in section.inner_text()
    assert "District homicide review" in section.inner_text()
    assert page.errors == []
