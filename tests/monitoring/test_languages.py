"""The monitoring pages in Spanish: a delivery unit working in Spanish meets no English label, and its numbers
are written the Spanish way (`86,6 %`, decimal comma and a no-break space before the sign)."""

import csv
import io
import re
from html.parser import HTMLParser

import pytest

from tests import factories

# The pages' own English words (labels, statuses, trends, notes): none may be left on a Spanish page. Names a
# government wrote (priorities, indicators, units) are its content, not the interface, and are not checked.
PORTFOLIO_LABELS = [
    "Delivery portfolio",
    "Heat map of every indicator by region",
    "Performance indicators",
    "Pillar",
    "Minister (lead ministry)",
    "Expand all",
    "Plan vs actual",
    "Latest official",
    "Likelihood",
    "Trend",
    "Data to",
    "On track",
    "Slightly off track",
    "Off track",
    "No data",
    "improving",
    "worsening",
    "steady",
    "unverified",
    "chance",
    "Download",
    "Hierarchy",
    "Status compares",
    "Sign out",
    "Portfolio",
]
INDICATOR_LABELS = [
    "Latest",
    "Planned for that period",
    "Target",
    "Status",
    "Chance of meeting the target",
    "forecast",
    "Showing",
    "drill down to",
    "Overlay another org unit",
    "Benchmarks",
    "Against history",
    "Against peers",
    "Against itself",
    "Values",
    "Period",
    "Actual",
    "Planned",
    "Units reporting",
    "unverified",
    "Heat map",
    "League table",
    "Trajectory chart",
    "The dashed line",
    "before baseline",
    "On track",
    "Off track",
    "improving",
    "worsening",
    "steady",
]
PERCENT = re.compile(r"\d+,\d\u00a0%")


class _Text(HTMLParser):
    """What a reader sees: text outside scripts and styles, and the titles and labels a screen reader says."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")
        self.parts += [v for k, v in attrs if k in ("title", "aria-label", "alt", "placeholder") and v]

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


# What other apps add to the portfolio (notes on late data, milestones, problems; the latest likelihood rating)
# is theirs to translate (collection, plans, problems, routines): taken out before the check.
OTHER_APPS = re.compile(r'<div class="notes">.*?</div>|<a class="likelihood [^>]*>.*?</a>', re.S)


def seen(html: str) -> str:
    parser = _Text()
    parser.feed(OTHER_APPS.sub(" ", html))
    return re.sub(r"[ \t\r\n]+", " ", " ".join(parser.parts))  # a no-break space stays what it is


def english_left(text: str, labels: list[str], content: list[str]) -> list[str]:
    """The labels still in English, once the government's own names (content) are taken out."""
    for name in sorted(content, key=len, reverse=True):
        text = text.replace(name, " ")
    return [label for label in labels if re.search(rf"\b{re.escape(label)}\b", text)]


def content_names() -> list[str]:
    from stocktake.architecture.models import Indicator, OrgUnit, OrgUnitLevel, Outcome, Pillar, Priority

    names = []
    for model in (Pillar, Priority, Outcome, Indicator, OrgUnit, OrgUnitLevel):
        names += [n for n in model.objects.values_list("name", flat=True) if n]
    return names


@pytest.fixture
def spanish(db):
    return factories.sign_in("duhead", HTTP_ACCEPT_LANGUAGE="es")


def test_the_portfolio_in_spanish_has_no_english_label_and_spanish_numbers(spanish):
    html = spanish.get("/").content.decode()
    assert '<html lang="es">' in html
    text = seen(html)
    assert "Cartera de prioridades" in text and "Tendencia" in text
    assert english_left(text, PORTFOLIO_LABELS, content_names()) == []
    assert PERCENT.search(text), "no percentage written the Spanish way (86,6 %)"
    assert not re.search(r"\d\.\d%", text)  # no English-style 86.6%


def test_the_indicator_page_in_spanish_has_no_english_label(spanish):
    html = spanish.get("/indicators/ae-4h/").content.decode()
    text = seen(html)
    assert "Referencias" in text and "Valores" in text
    assert english_left(text, INDICATOR_LABELS, content_names()) == []
    assert PERCENT.search(text)


def test_the_portfolio_file_speaks_spanish(spanish):
    rows = list(csv.reader(io.StringIO(spanish.get("/?format=csv").content.decode())))
    assert rows[0][:4] == ["Pilar", "Prioridad", "Resultado", "Indicador"]
    assert {"En camino", "Desviado", "Algo desviado", "Sin datos"} & {cell for row in rows[1:] for cell in row}


def test_the_same_pages_stay_english_for_an_english_reader(db):
    """The check can fail: in English the labels are found."""
    html = factories.sign_in("duhead", HTTP_ACCEPT_LANGUAGE="en").get("/").content.decode()
    left = english_left(seen(html), PORTFOLIO_LABELS, content_names())
    assert {"Delivery portfolio", "Trend", "Likelihood"} <= set(left)
