"""The public commitments site in a real Chromium, in each of the four languages: the delivery unit publishes
through its page, a sentinel value is submitted (never published), and each public page is then read in
English, Spanish, Portuguese and French: its language, no sentinel, and axe-core finds no WCAG 2.1 AA violation.

axe-core comes from npm, pinned in scripts/install.sh (test mode) into node_modules/.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

PASSWORD = "demo-stocktake-2026"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
DISTRICT = "R01-D01"  # a district of the demo: business registrations are reported by district
SENTINEL = 987654.321  # submitted at one district: every rollup above it is the sentinel itself
NUMBERS = re.compile(r"987[,.\s\u00a0\u202f']?654")
PUBLISHED = ("new-business", "ae-waits", "homicides")
PAGES = ("/public/", "/public/commitments/new-business/", "/public/charts/business-registrations/")
WORDS = {  # a heading of the front page in each language
    "en": "What the government has committed to",
    "es": "A qué se comprometió el gobierno",
    "pt": "Com o que o governo se comprometeu",
    "fr": "Ce à quoi le gouvernement s'est engagé",
}


@pytest.fixture(scope="module")
def public_site(browser, demo_server):
    """The delivery unit publishes three commitments (every field) through /public/manage/, and a data value
    nobody has checked is submitted for the first of them."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(demo_server + "/accounts/login/?next=/public/manage/")
    page.fill("#id_username", "duhead")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/public/manage/")
    for code in PUBLISHED:
        form = page.locator(f"#manage-{code}")
        for name in ("published", "show_target", "show_chart", "show_strategy", "show_units"):
            form.locator(f"input[name={name}]").check()
        form.locator("button[type=submit]").click()
        page.wait_for_url("**/public/manage/")
    token = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    rows = [
        {
            "indicator": "business-registrations",
            "org_unit": DISTRICT,
            "period": "2026-11",
            "value": SENTINEL,
            "comment": "sentinel",
        }
    ]
    answer = page.request.post(
        demo_server + "/api/collection/values",
        data=json.dumps({"rows": rows}),
        headers={"X-CSRFToken": token, "Content-Type": "application/json", "Referer": demo_server + "/"},
    )
    assert answer.ok, answer.text()
    internal = page.request.get(demo_server + "/indicators/business-registrations/").text()
    assert NUMBERS.search(internal), "the delivery unit sees the sentinel (so the check below can fail)"
    context.close()
    return demo_server


@pytest.mark.parametrize("lang", ["en", "es", "pt", "fr"])
def test_the_public_site_in_each_language_shows_no_unpublished_value_and_passes_axe(browser, public_site, lang):
    assert AXE.exists(), f"{AXE}: run `bash scripts/install.sh test` (installs axe-core from npm)"
    context = browser.new_context(locale=lang, bypass_csp=True, viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        for path in PAGES:
            page.goto(public_site + path)
            assert page.locator("html").get_attribute("lang") == lang
            page.wait_for_function(
                "[...document.querySelectorAll('[data-chart]')].every(e => e.classList.contains('chart-ready'))",
                timeout=20000,
            )
            text = page.content()
            assert not NUMBERS.search(text), f"{path} ({lang}) shows the unpublished sentinel"
            if path == "/public/":
                assert WORDS[lang] in page.locator("h1").inner_text()
            page.add_script_tag(path=str(AXE))
            result = page.evaluate(
                "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
                "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
            )
            violations = [
                f"{v['id']}: {v['help']} ({len(v['nodes'])}: {v['nodes'][0]['target']})" for v in result["violations"]
            ]
            assert violations == [], f"{path} ({lang}):\n" + "\n".join(violations)
        assert errors == []
    finally:
        context.close()
