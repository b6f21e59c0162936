"""A chart drawn in the browser speaks the page's language: its axis writes Spanish months, its tooltip a Spanish
title, month and decimal comma. The same page in English is the check that can fail: it writes English."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

ENGLISH_MONTH = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\b"
)
SPANISH_MONTH = re.compile(
    r"\b(enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)\b"
)
SPANISH_SHORT_MONTH = re.compile(r"\b(ene|feb|mar|abr|may|jun|jul|ago|sep|oct|nov|dic) \d{4}\b")
ENGLISH_SHORT_MONTH = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b")
EXPECTED = {  # (month names on the axis, a month in the tooltip, a decimal in the tooltip, the value's title)
    "en": (ENGLISH_MONTH, ENGLISH_SHORT_MONTH, re.compile(r"\b\d+\.\d\b"), "Value"),
    "es": (SPANISH_MONTH, SPANISH_SHORT_MONTH, re.compile(r"\b\d+,\d\b"), "Valor"),
}
OTHER = {"en": "es", "es": "en"}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_chart_drawn_in_spanish_has_spanish_axis_labels_and_tooltip(browser, demo_server, lang):
    context = browser.new_context(locale=lang, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(demo_server + "/indicators/ae-4h/")  # A&E within four hours: a percentage with one decimal
        page.wait_for_selector("#trajectory-chart.chart-ready svg")
        chart = page.locator("#trajectory-chart svg")
        labels = chart.locator(".role-axis-label text").evaluate_all("ts => ts.map(t => t.textContent)")
        words = " ".join(t for t in labels if not re.fullmatch(r"[\d.,\s\u00a0]+", t))
        months, short, decimal, value = EXPECTED[lang]
        assert months.search(words), words
        assert not EXPECTED[OTHER[lang]][0].search(words), words
        chart.locator("path[aria-roledescription='point']").nth(3).hover(force=True)
        tooltip = page.locator("#vg-tooltip-element")
        tooltip.wait_for(state="visible")
        text = tooltip.inner_text()
        assert short.search(text) and decimal.search(text) and value in text, text
        assert not EXPECTED[OTHER[lang]][1].search(text), text
    finally:
        context.close()
