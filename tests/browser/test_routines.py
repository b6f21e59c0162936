"""A stocktake end to end in Chromium, as the delivery unit runs it: round, judgement, pack, minutes, actions, next pack."""

import pytest

pytestmark = pytest.mark.browser


def sign_in(page, base, username="admin"):
    page.goto(base + "/admin/login/?next=/routines/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo-stocktake-2026")
    page.click("input[type=submit]")
    page.wait_for_url("**/routines/")


def new_meeting(page, base):
    page.goto(base + "/routines/")
    form = page.locator("#new-meeting")
    form.locator("select[name=routine]").select_option(label="Prime Minister's stocktake")
    form.locator("select[name=priorities]").select_option(label="Cut waiting times in emergency departments")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/routines/meetings/*/")
    return page.url


def test_a_stocktake_end_to_end(page, demo_server):
    base = demo_server
    sign_in(page, base)
    assert "Routine health" in page.locator("#health").inner_text()

    # 1. a new assessment round, and a judgement beside the data's proposal
    page.fill("#new-round input[name=name]", "E2E round")
    page.click("#new-round button")
    page.wait_for_url("**/routines/rounds/*/")
    section = page.locator('section[data-outcome="ae-waits-outcome"]')
    assert "Data proposes evidence of progress" in section.inner_text()
    section.locator("select[name=likelihood]").select_option("2")
    section.locator("textarea[name=likelihood_rationale]").fill("Two regions far behind; recovery plan agreed.")
    section.locator("textarea[name=key_issues]").fill("Northern and Coastal regions")
    section.locator("button[type=submit]").click()
    page.wait_for_url("**#outcome-*")
    section = page.locator('section[data-outcome="ae-waits-outcome"]')
    # version 1 is the judgement carried over from the demo's last round; the saved one is this round's own
    assert "version 2" in section.inner_text()

    # 2. the stocktake pack, drawn in the browser
    first = new_meeting(page, base)
    page.wait_for_selector("#chart-ae-4h-box.chart-ready svg", timeout=20000)
    main = page.locator("main").inner_text()
    for heading in (
        "Agenda",
        "Action tracker from the last meeting",
        "Outstanding actions",
        "Performance pack",
        "Annex",
    ):
        assert heading in main
    assert "E2E round" in page.locator("#pack-performance").inner_text()
    assert "Amber-red" in page.locator("#pack-performance").inner_text()
    pdf = page.request.get(first.rstrip("/") + "/pack.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.body()[:5] == b"%PDF-"

    # 3. minutes, a decision and two actions
    page.fill("#minutes-form textarea[name=minutes]", "Agreed the recovery plan for the Northern region.")
    page.click("#minutes-form button")
    page.wait_for_url("**#minutes")
    assert page.locator("#meeting-state").inner_text() == "Held"
    page.fill("#decision-form input[name=text]", "Fund 40 extra emergency nurses")
    page.click("#decision-form button")
    for text in ("E2E close me", "E2E carry me over"):
        form = page.locator("#action-form")
        form.locator("input[name=description]").fill(text)
        form.locator("select[name=owner]").select_option(
            label="Dr Amelia Okafor (Director General, Acute Care, Ministry of Health)"
        )
        form.locator("button[type=submit]").click()
        page.wait_for_url("**#minutes")
    assert "Fund 40 extra emergency nurses" in page.locator("#decisions").inner_text()

    # 4. close one action in place (HTMX); it stays on the record with its note
    row = page.locator("#allocated tr", has_text="E2E close me")
    row.locator("input[name=note]").fill("Nurses recruited")
    row.locator("button").click()
    page.wait_for_selector('#allocated tr[data-state="closed"]:has-text("Nurses recruited")')

    # 5. the next pack carries both over: one done, one outstanding
    new_meeting(page, base)
    tracker = page.locator("#pack-tracker").inner_text()
    assert "E2E close me" in tracker and "Done: Nurses recruited" in tracker
    assert "E2E carry me over" in tracker
    assert "E2E carry me over" in page.locator("#pack-outstanding").inner_text()
    assert "E2E close me" not in page.locator("#pack-outstanding").inner_text()
    assert page.errors == []
