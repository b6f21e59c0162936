"""The outcomes fund read in French: its labels in French, none of its English labels left, money as French writes it."""

import re

import pytest

from tests.factories import sign_in
from tests.plans.test_languages import _Text
from tests.plans.test_languages import same_in as _same_in

FUND = "/incentives/funds/meridia-outcomes-fund/"

# Labels of the fund page (cards, headings, table headers, links), as the English page writes them.
ENGLISH_LABELS = [
    "Budget",
    "Committed to schemes",
    "Approved",
    "Disbursed",
    "Balance",
    "budget less net disbursements",
    "Simulate the payout",
    "Position as Excel",
    "Check for corrected values",
    "Schemes",
    "Add a scheme",
    "Scheme",
    "Recipient",
    "Rule",
    "Periods",
    "Commitment",
    "Status",
    "Awaiting approval",
    "Payment",
    "Period",
    "Amount",
    "Flagged for review",
    "Ledger",
    "When",
    "Stage",
    "Reference",
    "Note",
    "Show",
]


def same_in(lang: str) -> set[str]:
    return _same_in(lang, ENGLISH_LABELS)


def english_labels_in(html: str) -> set[str]:
    """The page's English labels; the ledger's notes are left out: they are what was written, in its language."""
    parser = _Text()
    parser.feed(re.sub(r'(<table id="ledger">.*?<tbody>).*?(</tbody>)', r"\1\2", html, flags=re.S))
    return set(ENGLISH_LABELS) & set(parser.pieces)


@pytest.mark.parametrize("lang", ["fr", "es", "pt"])
def test_the_fund_page_in_another_language_has_no_english_label(db, lang):
    html = sign_in("duhead", HTTP_ACCEPT_LANGUAGE=lang).get(FUND).content.decode()
    assert english_labels_in(html) - same_in(lang) == set()


def test_the_french_fund_page_says_it_in_french_and_writes_money_the_french_way(db):
    french = sign_in("duhead", HTTP_ACCEPT_LANGUAGE="fr").get(FUND).content.decode()
    assert "Grand livre" in french and "Engagé dans des dispositifs" in french
    assert "4\u00a0000\u00a0000,00" in french  # the budget, grouped and with a decimal comma
    english = sign_in("duhead", HTTP_ACCEPT_LANGUAGE="en").get(FUND).content.decode()
    assert english_labels_in(english) == set(ENGLISH_LABELS)
    assert "4,000,000.00" in english
