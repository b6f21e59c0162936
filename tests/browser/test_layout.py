"""The main pages of every role, laid out in a real Chromium at a laptop's 1366 px and a phone's 390 px.

On each page: nothing scrolls the page sideways (the document is no wider than the window; wide tables and
charts scroll inside their own box), no table header climbs over the page title or the top bar (the heat
map's vertical column names used to), the page logs no console error and no content security policy
violation, and every button that asks for confirmation (docs/design.md, "Confirmations") does ask.
Each role visits every page; a page the role may not open (403/404) is skipped for it, and the test checks
that each role did see the pages it works on.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

WIDTHS = {"laptop": (1366, 900), "phone": (390, 844)}
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""
# What each role works on: these must open for it (the rest are visited and skipped when refused).
MUST_OPEN = {
    None: {"portfolio", "indicator", "heat map"},
    "duhead": {"portfolio", "indicator", "plan", "queue", "round", "routines", "pack", "setup", "heat map", "fund"},
    "validator": {"portfolio", "indicator", "queue", "heat map"},
    "pm": {"portfolio", "indicator", "plan", "round", "routines", "pack"},
    "health-data": {"portfolio", "indicator", "plan"},
    "observer": {"portfolio", "indicator", "plan"},
}

# Boxes of the page that must not overlap: the top bar and the title, against every table header's content.
OVERLAPS = """() => {
  const box = el => el.getBoundingClientRect();
  const content = el => { const r = document.createRange(); r.selectNodeContents(el); return r.getBoundingClientRect(); };
  const meet = (a, b) => a.width > 0 && b.width > 0 && a.left < b.right - 1 && b.left < a.right - 1
                          && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const fixed = [['top bar', document.querySelector('header.topbar')], ['title', document.querySelector('main h1')]]
    .filter(([, el]) => el);
  const found = [];
  for (const [name, el] of fixed) {
    if (name === 'title') { const bar = document.querySelector('header.topbar');
      if (bar && meet(box(bar), content(el))) found.push('the title runs under the top bar'); }
    for (const th of document.querySelectorAll('thead th')) {
      if (meet(box(el), content(th))) found.push(`header "${th.innerText.trim().slice(0, 40)}" overlaps the ${name}`);
    }
  }
  return found;
}"""
WIDE = """() => { const w = document.documentElement.clientWidth; return [...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().right > w + 1 && getComputedStyle(e).position !== 'fixed')
  .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && e.className.baseVal === undefined ? '.' + e.className.trim().split(/\\s+/).join('.') : '')); }"""
CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-chart]')].every(el => el.classList.contains('chart-ready')
  || /could not be drawn/.test(el.textContent))"""


@pytest.fixture(scope="module")
def paths(browser, demo_server):
    """The pages to visit; the round and the meeting (its pack) are found from the routines page."""
    context = browser.new_context()
    page = context.new_page()
    _sign_in(page, demo_server, "duhead")
    page.goto(demo_server + "/routines/")
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(a => a.getAttribute('href'))")
    context.close()
    round_path = next(h for h in hrefs if re.fullmatch(r"/routines/rounds/\d+/", h))
    meeting_path = next(h for h in hrefs if re.fullmatch(r"/routines/meetings/\d+/", h))
    return {
        "portfolio": "/",
        "indicator": "/indicators/ae-4h/",
        "plan": "/plans/ae-waits/",
        "queue": "/collection/queue/",
        "round": round_path,
        "routines": "/routines/",
        "pack": meeting_path,
        "setup": "/structure/",
        "heat map": "/monitoring/heatmap/",
        "fund": "/incentives/",
        "tokens": "/accounts/tokens/",
    }


def _sign_in(page, server, username):
    page.goto(server + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo-stocktake-2026")
    page.click("main button[type=submit]")
    page.wait_for_load_state("load")
    assert "/accounts/login/" not in page.url, f"{username} could not sign in"


def _confirmations(page) -> list[str]:
    """Press every visible button that should ask first and answer Cancel; return the buttons that did not ask."""
    buttons = page.locator(
        "form[data-confirm] button:not([type=button]), form[data-confirm] input[type=submit], "
        "button[data-confirm], input[type=submit][data-confirm]"
    )
    silent = []
    for i in range(buttons.count()):
        button = buttons.nth(i)
        if not button.is_visible() or not button.is_enabled():
            continue
        asked: list[str] = []

        def cancel(dialog, asked=asked):
            asked.append(dialog.message)
            dialog.dismiss()

        # a required field left empty stops the browser before any question: give it something to carry
        button.evaluate(
            "b => (b.form ? [...b.form.querySelectorAll('input[required], textarea[required]')] : [])"
            ".filter(f => !f.value).forEach(f => { f.value = f.type === 'number' ? '1' : 'layout check'; })"
        )
        page.once("dialog", cancel)
        url = page.url
        button.click()
        page.wait_for_timeout(50)  # lets a dialog that is coming open before we look; not an assertion on time
        if not asked:
            page.remove_listener("dialog", cancel)
            silent.append(button.evaluate("b => (b.innerText || b.value || b.outerHTML).trim().slice(0, 60)"))
        assert page.url == url, f"Cancel still left the page: {url} -> {page.url}"
    return silent


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", list(MUST_OPEN), ids=lambda r: r or "public")
def test_main_pages_lay_out_cleanly(browser, demo_server, paths, role, width):
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h})
    context.add_init_script(WATCH)
    page = context.new_page()
    problems: list[str] = []
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    if role:
        _sign_in(page, demo_server, role)
    opened = set()
    for name, path in paths.items():
        errors.clear()
        response = page.goto(demo_server + path)
        if response.status in (403, 404):
            continue
        assert response.status == 200, (name, path, response.status)
        opened.add(name)
        page.wait_for_function(CHARTS_DRAWN, timeout=30000)
        where = f"{name} ({path})"
        scroll, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if scroll > client:
            problems.append(f"{where}: {scroll} px wide in a {client} px window: {page.evaluate(WIDE)}")
        problems += [f"{where}: {o}" for o in page.evaluate(OVERLAPS)]
        if role == "duhead" and width == "laptop":
            problems += [f"{where}: no confirmation for {b!r}" for b in _confirmations(page)]
        problems += [f"{where}: CSP violation {v}" for v in page.evaluate("window.__csp")]
        problems += [f"{where}: console error {e}" for e in errors]
    context.close()
    missing = MUST_OPEN[role] - opened
    if missing:
        problems.append(f"{role} could not open {sorted(missing)}")
    assert problems == [], "\n".join(problems)
