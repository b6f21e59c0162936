"""Accounts in a real browser: charts still draw under the content security policy; sign in, tokens, sign out."""

import json
import urllib.request

import pytest

from tests.browser.signin import sign_in

pytestmark = pytest.mark.browser

PASSWORD = "demo-stocktake-2026"


def _watch_console(page):
    messages = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    return messages


def test_charts_draw_under_the_content_security_policy(page, demo_server):
    console = _watch_console(page)
    response = page.goto(demo_server + "/")  # the anonymous visitor's home: the public site
    assert "script-src 'self'" in response.headers["content-security-policy"] and response.url.endswith("/public/")
    sign_in(page, demo_server)
    assert page.locator("tr[data-indicator]").count() >= 9
    # whatever charts the portfolio carries (other areas add some) are all drawn
    page.wait_for_function(
        "[...document.querySelectorAll('[data-chart]')].every(e => e.classList.contains('chart-ready'))", timeout=20000
    )
    page.goto(demo_server + "/indicators/ae-4h/")
    page.wait_for_selector("#trajectory-chart.chart-ready svg", timeout=20000)
    assert (
        page.locator("#trajectory-chart svg path[aria-roledescription='line mark']").count() >= 2
    )  # actual, trajectory (+ forecast)
    page.goto(demo_server + "/api/docs")  # the API explorer is served locally too, no CDN
    page.wait_for_selector(".opblock", timeout=20000)
    violations = [m for m in console if "Content Security Policy" in m or "Refused to" in m]
    assert violations == [] and page.errors == []


def test_sign_in_see_own_unpublished_priority_make_a_token_and_sign_out(page, demo_server):
    page.goto(demo_server + "/")
    assert page.url.endswith("/public/")  # signed out: the citizens' site
    assert "Every child reads well by age 11" not in page.locator("main").inner_text()  # unpublished
    page.goto(demo_server + "/accounts/login/")
    page.fill("#id_username", "education-data")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(demo_server + "/")
    main = page.locator("main").inner_text()
    assert "Every child reads well by age 11" in main  # the ministry's own unpublished priority
    assert "People feel safe and are safe" not in main  # another ministry's
    page.click("text=API tokens")
    page.fill("#id_name", "school census upload")
    page.click("form.tokens button[type=submit]")
    secret = page.locator("#new-token").inner_text().strip()
    request = urllib.request.Request(demo_server + "/api/accounts/me", headers={"Authorization": f"Bearer {secret}"})
    me = json.load(urllib.request.urlopen(request, timeout=10))
    assert me["username"] == "education-data" and me["role"] == "data_lead"
    page.once("dialog", lambda d: d.accept())
    page.click("tr:has-text('school census upload') >> text=Revoke")
    assert "revoked" in page.locator("tr:has-text('school census upload')").inner_text()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 401
    page.click("text=Sign out")
    page.wait_for_url(demo_server + "/public/")  # signed out: back to the citizens' site
    assert "Sign out" not in page.locator("header").inner_text()
    assert page.errors == []
