"""A refused form in Chromium: what was typed is still there, the summary is at the top and focus is on the
first field in error, so the user does not hunt for it far down the page (docs/design.md, "Errors")."""

import pytest

pytestmark = pytest.mark.browser


def test_an_action_without_an_owner_keeps_its_text_and_focuses_the_owner(page, demo_server):
    page.goto(demo_server + "/accounts/login/?next=/routines/")
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", "demo-stocktake-2026")
    page.click("main button[type=submit]")
    page.wait_for_url("**/routines/")
    # the refused form answers 400, which Chromium logs as a failed load; a CSP violation is what must not happen
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation', e => __csp.push(e.violatedDirective))"
    )
    meeting = page.locator("main a[href*='/routines/meetings/']").first.get_attribute("href")
    page.goto(demo_server + meeting)
    form = page.locator("#action-form")
    form.locator("input[name=description]").fill("Open a second triage desk")
    form.locator("select[name=owner]").select_option("")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#form-errors")
    assert "an action needs an owner" in page.locator("#form-errors").inner_text()
    assert page.locator("#action-description").input_value() == "Open a second triage desk"
    assert page.evaluate("document.activeElement.id") == "action-owner"
    assert page.locator("#action-owner-error").is_visible()
    page.locator("#form-errors a").first.click()
    assert page.evaluate("document.activeElement.id") == "action-owner"
    assert page.evaluate("window.__csp") == [] and page.errors == []


def test_a_new_round_starts_from_the_last_and_a_refused_judgement_keeps_what_was_typed(page, demo_server):
    """The round page in Chromium: a new round's judgements are the last round's, marked "carried over"; a
    rationale emptied is refused with focus on it and every other change kept; once saved changed, that
    judgement loses its mark and the others keep theirs."""
    page.goto(demo_server + "/accounts/login/?next=/routines/")
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", "demo-stocktake-2026")
    page.click("main button[type=submit]")
    page.wait_for_url("**/routines/")
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation', e => __csp.push(e.violatedDirective))"
    )
    page.fill("#new-round input[name=name]", "Browser carried round")
    # after the demo's last round and before any "today", so the rounds later tests open stay the latest
    page.fill("#new-round input[name=date]", "2026-11-14")
    page.click("#new-round button[type=submit]")
    page.wait_for_url("**/routines/rounds/*/")
    section = page.locator("section.priority")
    for name in ("planning", "capacity", "challenge"):
        section = section.filter(has=page.locator(f'[data-carried="{name}"]'))
    section = section.first
    outcome = section.get_attribute("id").removeprefix("outcome-")
    assert section.locator(".carried-note").is_visible()
    assert section.locator('[data-carried="capacity"]').is_visible()
    planning = section.locator(f"#planning-{outcome}").input_value()
    changed = "1" if planning != "1" else "2"
    section.locator(f"#planning-{outcome}").select_option(changed)
    section.locator(f"#planning-rationale-{outcome}").fill("Revised in the browser.")
    section.locator(f"#capacity-rationale-{outcome}").fill("")
    section.locator("button[type=submit]").click()
    page.wait_for_selector("#form-errors")
    assert "needs a rationale" in page.locator("#form-errors").inner_text()
    assert page.evaluate("document.activeElement.id") == f"capacity-rationale-{outcome}"
    assert page.locator(f"#planning-{outcome}").input_value() == changed  # nothing reset
    assert page.locator(f"#planning-rationale-{outcome}").input_value() == "Revised in the browser."
    page.locator(f"#capacity-rationale-{outcome}").fill("Still the same team.")
    page.locator(f"#outcome-{outcome} button[type=submit]").click()
    page.wait_for_url(f"**#outcome-{outcome}")
    section = page.locator(f"#outcome-{outcome}")
    assert section.locator('[data-carried="planning"]').count() == 0
    assert section.locator('[data-carried="capacity"]').count() == 0
    assert section.locator('[data-carried="challenge"]').count() == 1
    assert page.evaluate("window.__csp") == [] and page.errors == []
