"""Destructive actions ask first, in our own script: Cancel keeps the object, OK removes it, and no page breaks
the content security policy (an inline onsubmit handler would be blocked and delete at once)."""

import pytest

pytestmark = pytest.mark.browser

WATCH_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.fixture
def watched(page):
    """The page, recording CSP violations and console errors, and every dialog it opens."""
    page.add_init_script(WATCH_CSP)
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    return page


def sign_in(page, server, username, next_url):
    page.goto(server + "/accounts/login/?next=" + next_url)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo-stocktake-2026")
    page.click("main button[type=submit]")
    page.wait_for_url(server + next_url)


def assert_clean(page):
    assert page.evaluate("window.__csp") == []
    assert page.console_errors == []
    assert page.errors == []


def answer_next_dialog(page, accept: bool) -> list[str]:
    seen: list[str] = []

    def handle(dialog):
        seen.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", handle)
    return seen


def test_removing_a_box_asks_first(watched, demo_server):
    page = watched
    sign_in(page, demo_server, "manager", "/plans/ae-waits/toc/boxes/")
    page.select_option("select[name=stage]", index=1)
    page.fill("input[name=text]", "Box added by the confirmation test")
    page.click("form.plan-form button[type=submit]")
    page.wait_for_url("**/plans/ae-waits/**")
    box = page.locator(".toc .node", has_text="Box added by the confirmation test")
    assert box.count() == 1

    seen = answer_next_dialog(page, accept=False)
    box.get_by_role("button", name="Remove").click()
    page.wait_for_timeout(300)  # not a timing assertion: a wrongly submitted form would have navigated by then
    assert seen == ["Remove the box “Box added by the confirmation test” and its arrows?"]
    page.reload()
    assert box.count() == 1  # Cancel kept it

    seen = answer_next_dialog(page, accept=True)
    with page.expect_navigation():
        box.get_by_role("button", name="Remove").click()
    assert len(seen) == 1
    assert box.count() == 0
    assert_clean(page)


def test_removing_a_chain_actor_asks_first(watched, demo_server):
    page = watched
    sign_in(page, demo_server, "manager", "/plans/ae-waits/")
    chain = page.locator("div.chain").first
    chain.get_by_role("link", name="Add an actor").click()
    page.wait_for_url("**/actors/")
    page.fill("input[name=name]", "Confirmation test actor")
    page.click("form.plan-form button[type=submit]")
    page.wait_for_url(lambda url: url.split("#")[0].endswith("/plans/ae-waits/"))
    actor = page.locator("table.actors tr", has_text="Confirmation test actor")
    assert actor.count() == 1

    seen = answer_next_dialog(page, accept=False)
    actor.get_by_role("button", name="Remove").click()
    page.wait_for_timeout(300)
    assert seen == ["Remove Confirmation test actor and its links from the chain?"]
    page.reload()
    assert actor.count() == 1

    seen = answer_next_dialog(page, accept=True)
    with page.expect_navigation():
        actor.get_by_role("button", name="Remove").click()
    assert len(seen) == 1
    assert actor.count() == 0
    assert_clean(page)


def test_every_page_with_a_confirmation_keeps_the_policy(watched, demo_server):
    """The pages that carry confirmations load with no CSP violation and no console error."""
    page = watched
    sign_in(page, demo_server, "duhead", "/plans/")
    for path in ["/plans/ae-waits/", "/plans/homicides/", "/routines/", "/incentives/", "/accounts/tokens/"]:
        page.goto(demo_server + path)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__csp") == [], path
    assert page.locator("[onsubmit], [onclick]").count() == 0
    assert_clean(page)
