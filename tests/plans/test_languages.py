"""A plan page read in French shows the plan's labels in French: none of its English labels is left."""

from html.parser import HTMLParser

import pytest
from django.utils import translation
from django.utils.html import escape

from stocktake.architecture.models import Priority
from stocktake.delivery import rubric as RU
from stocktake.plans.queries import plan_facts
from tests.factories import sign_in

# Labels of the plan page (headings, table headers, links, notes), as the English page writes them.
ENGLISH_LABELS = [
    "Strategies",
    "Milestones",
    "Delivery chains",
    "Risks",
    "Rubric",
    "Theory of change",
    "Add a strategy",
    "Add a risk",
    "Strategy",
    "Leader",
    "Difficulty",
    "Rank by impact per cost",
    "Trajectory against the plan",
    "Milestone",
    "Owner",
    "Due",
    "Status",
    "Evidence",
    "Mitigation",
    "Review",
    "Delivery planning rubric",
    "Criterion",
    "Rating",
    "System pre-check",
    "Individual links",
    "Capacity",
    "Complexity",
    "Funding flows",
    "Choke points",
    "Feedback loops",
]


class _Text(HTMLParser):
    """The text a reader sees (script and style left out), one stripped piece per text node."""

    def __init__(self):
        super().__init__()
        self.pieces, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.pieces.append(data.strip())


def same_in(lang: str, labels=ENGLISH_LABELS) -> set[str]:
    """Labels the language writes as English does ("Budget", "Note" in French): their presence proves nothing."""
    with translation.override(lang):
        return {label for label in labels if translation.gettext(label) == label}


def english_labels_in(html: str) -> set[str]:
    parser = _Text()
    parser.feed(html)
    return set(ENGLISH_LABELS) & set(parser.pieces)


@pytest.mark.parametrize("lang", ["fr", "es", "pt"])
def test_the_plan_page_in_another_language_has_no_english_label(db, lang):
    html = sign_in("duhead", HTTP_ACCEPT_LANGUAGE=lang).get("/plans/ae-waits/").content.decode()
    assert f'<html lang="{lang}"' in html
    assert english_labels_in(html) - same_in(lang) == set()


def test_the_french_plan_page_says_it_in_french_and_the_english_one_in_english(db):
    french = sign_in("duhead", HTTP_ACCEPT_LANGUAGE="fr").get("/plans/ae-waits/").content.decode()
    assert "Plan de mise en œuvre" in french and "Chaînes de mise en œuvre" in french and "Jalons" in french
    english = sign_in("duhead", HTTP_ACCEPT_LANGUAGE="en").get("/plans/ae-waits/").content.decode()
    # the check can fail: the English page holds every label it looks for
    assert english_labels_in(english) == set(ENGLISH_LABELS)


def test_the_plan_pages_rubric_reads_in_spanish(db):
    """Criteria, their questions, the system's findings and the rating names: all in Spanish, none in English."""
    html = sign_in("duhead", HTTP_ACCEPT_LANGUAGE="es").get("/plans/ae-waits/").content.decode()
    rubric = html.split('<table id="rubric-table">', 1)[1].split("</table>", 1)[0]
    parser = _Text()
    parser.feed(rubric)
    text = " ".join(parser.pieces)
    assert "Articular su aspiración" in text
    assert "¿Hemos definido una medida clara de éxito" in text
    for code, name, question in RU.CRITERIA:
        assert escape(name) not in rubric and escape(question) not in rubric, code
    with translation.override("es"):
        findings = [f.message for f in RU.precheck(plan_facts(Priority.objects.get(code="ae-waits"))).findings]
    assert findings and all(escape(f) in rubric for f in findings)
    with translation.override("en"):
        english = [f.message for f in RU.precheck(plan_facts(Priority.objects.get(code="ae-waits"))).findings]
    assert not [f for f in english if escape(f) in rubric]
    assert ">Ámbar-rojo</option>" in rubric and ">Amber-red<" not in rubric


def test_the_plan_workbooks_rubric_reads_in_spanish(db):
    from io import BytesIO

    from openpyxl import load_workbook

    response = sign_in("duhead", HTTP_ACCEPT_LANGUAGE="es").get("/plans/ae-waits/plan.xlsx")
    rows = list(load_workbook(BytesIO(response.content))["Rúbrica"].iter_rows(min_row=2, values_only=True))
    assert rows[0][0] == "Articular su aspiración"
    verdicts = {row[3] for row in rows}
    assert verdicts and verdicts <= {"Falla detectada", "Requiere atención", "Sin fallas detectadas"}
