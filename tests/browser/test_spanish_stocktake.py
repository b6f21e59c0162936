"""A stocktake end to end in Spanish (issue 19): a delivery-unit user whose browser speaks Spanish opens the
portfolio, imports a data file, opens an assessment round and judges an outcome, creates a meeting and its pack,
downloads the pack PDF and the round's report Excel, and meets no English word of the interface on the way.

What a government wrote (priorities, outcomes, indicators, units, people, plans, actions: the demo's content is
English) is not interface: every such name and text is read from the server's database and taken out of what the
user sees first. What is left fails the test when it holds:

- a whole text (a page's text node or attribute, a PDF line, a spreadsheet cell or sheet name) that is an English
  msgid of our catalogues whose Spanish translation differs;
- a multi-word English msgid (or the literal part of one around its placeholders) anywhere inside a text;
- one of a few common English interface words (COMMON), as a whole word.

Each finding names the page or file and the text found (tests/browser/README: `English` below lists them).
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import warnings
from functools import cache
from pathlib import Path

import polib
import pytest

import stocktake

pytestmark = pytest.mark.browser

SRC = Path(stocktake.__file__).parent
PASSWORD = "demo-stocktake-2026"
ROUTINE = "Prime Minister's stocktake"  # demo content: the routine and the priority the meeting reviews
PRIORITY = "Cut waiting times in emergency departments"
OUTCOME = "ae-waits-outcome"
UPLOAD = "indicator,org_unit,period,value,comment\nae-attendances,R02-D01-H2,2026-08,7321,devoluciones tardías\n"

# Common English words of an interface; capitalised ones match as written, lower-case ones in any case.
COMMON = (
    "Latest",
    "Target",
    "Targets",
    "Status",
    "Outcome",
    "Outcomes",
    "Priority",
    "Priorities",
    "Agenda",
    "Actions",
    "Owner",
    "Download",
    "Sign in",
    "Sign out",
    "Assessment",
    "Meeting",
    "Indicator",
    "Report",
    "Page",
    "Open",
    "Closed",
    "Done",
    "Late",
    "Due",
    "improving",
    "worsening",
    "steady",
    "monthly",
    "quarterly",
    "yearly",
    "Red",
    "Green",
    "Amber-red",
    "Amber-green",
    "not rated",
    "the",
    "and",
    "of",
    "with",
    "for",
    "from",
    "this",
    "by",
    "to",
    "is",
    "not",
    "on",
    "at",
    "was",
)

# The import file's own column names: the file format, in the language of the files, not of the interface.
FILE_FORMAT = {"indicator", "org_unit", "period", "disaggregation", "value", "numerator", "denominator", "comment"}

# English still known to be left, found and shown (a warning) but not failed on: none today. A line here is a
# debt to pay, not a place to hide English.
ELSEWHERE = re.compile(r"(?!)")  # matches nothing

# What a government (or its delivery unit) wrote: model -> its text fields. Text the system writes itself
# (audit entries, import and document messages, alerts, the data's proposal reasons) is interface, so not here.
CONTENT = {
    "accounts.Organisation": ["name", "code"],
    "accounts.Person": ["name", "title"],
    "architecture.OrgUnitLevel": ["name"],
    "architecture.OrgUnit": ["name"],
    "architecture.PortfolioTier": ["name", "description"],
    "architecture.Pillar": ["name", "description"],
    "architecture.Priority": ["name", "description"],
    "architecture.Outcome": ["name", "description"],
    "architecture.Indicator": [
        "name",
        "description",
        "unit",
        "data_source",
        "numerator_label",
        "denominator_label",
        "three_m_rationale",
    ],
    "architecture.Target": ["rationale"],
    "architecture.TargetRevision": ["reason"],
    "monitoring.DataValue": ["comment", "source"],
    "plans.Strategy": [
        "name",
        "description",
        "rationale",
        "scale",
        "resources",
        "definition_of_success",
        "estimated_impact",
    ],
    "plans.StrategyImpact": ["note"],
    "plans.Milestone": ["name", "evidence"],
    "plans.DeliveryChain": ["name", "levels"],  # levels: the names the unit gave its chain's levels (a list)
    "plans.ChainActor": ["name", "role"],
    "plans.Risk": ["title", "description", "mitigation"],
    "routines.AssessmentRound": ["name"],
    "routines.Assessment": [
        "challenge_rationale",
        "planning_rationale",
        "capacity_rationale",
        "stage_rationale",
        "evidence_rationale",
        "likelihood_rationale",
        "key_issues",
        "next_steps",
        "narrative",
    ],
    "routines.Routine": ["name", "description"],
    "routines.Meeting": ["minutes"],
    "routines.Decision": ["text"],
    "routines.ActionItem": ["description", "closing_note"],
    "evaluations.Evaluation": ["name", "description"],
    "problems.Problem": ["title", "description"],
    "problems.PriorityReview": ["title"],
    "incentives.Fund": ["name"],
    "incentives.Scheme": ["name"],
    "public.PublicCommitment": ["summary"],
}

READ_CONTENT = """
import json, os
from django.apps import apps
out = set()
for label, fields in json.loads(os.environ["CONTENT"]).items():
    for row in apps.get_model(label).objects.values_list(*fields).distinct():
        for v in row:
            out.update(v if isinstance(v, list) else [v])
out = {v for v in out if isinstance(v, str) and v.strip()}
print("CONTENT=" + json.dumps(sorted(out)))
"""

PAGE_TEXT = """() => {
  const out = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement;
    if (!parent || parent.closest('script, style, noscript, template')) continue;
    const text = node.textContent.trim();
    if (text) out.push((parent.closest('svg') ? '[chart] ' : '') + text);
  }
  for (const el of document.body.querySelectorAll('[title], [placeholder], [aria-label], [alt], input[value]')) {
    for (const name of ['title', 'placeholder', 'aria-label', 'alt']) {
      if (el.getAttribute(name)) out.push((el.closest('svg') ? '[chart] ' : '') + el.getAttribute(name).trim());
    }
    if (['submit', 'button', 'reset'].includes(el.type) && el.value) out.push(el.value.trim());
  }
  return out;
}"""

PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}|<[^>]+>")
WORD = re.compile(r"[A-Za-z]{2,}")


@cache
def english() -> tuple[frozenset, re.Pattern, re.Pattern]:
    """From the Spanish catalogues: the English msgids (whole) whose translation differs, a pattern for the
    multi-word ones and the literal parts of those with placeholders, and the COMMON words' pattern."""
    whole, parts = set(), set()
    for path in sorted(SRC.glob("*/locale/es/LC_MESSAGES/django.po")):
        for e in polib.pofile(str(path)):
            if e.obsolete or "fuzzy" in e.flags:
                continue
            pairs = [(e.msgid, e.msgstr)] if not e.msgid_plural else []
            pairs += [(e.msgid, e.msgstr_plural.get(0, "")), (e.msgid_plural, e.msgstr_plural.get(1, ""))] * bool(
                e.msgid_plural
            )
            for msgid, msgstr in pairs:
                msgid, msgstr = " ".join(msgid.split()), " ".join(msgstr.split())
                if not msgstr or msgid == msgstr:
                    continue
                literal = PLACEHOLDER.split(msgid)
                if len(literal) == 1 and WORD.search(msgid):
                    whole.add(msgid.strip())
                for part in literal:
                    part = part.strip(" .,:;()·–-")
                    if len(WORD.findall(part)) >= 2 and part not in msgstr:
                        parts.add(part)
    parts_re = re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(p) for p in sorted(parts, key=len, reverse=True)) + r")(?!\w)"
    )
    common_re = re.compile(
        "|".join(
            rf"(?<![\w-])(?:{re.escape(w)})(?![\w-])" if w[0].isupper() else rf"(?i:(?<![\w-]){re.escape(w)}(?![\w-]))"
            for w in COMMON
        )
    )
    return frozenset(whole), parts_re, common_re


def content_of(demo_env) -> list[tuple[str, re.Pattern]]:
    """Every name and text the government wrote, read from the demo server's database, longest first, each as a
    pattern that lets its words wrap (a PDF line ends inside a long name)."""
    run = subprocess.run(
        [sys.executable, "-m", "stocktake", "shell", "--no-imports", "-c", READ_CONTENT],
        env={**demo_env, "CONTENT": json.dumps(CONTENT)},
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    line = next(ln for ln in run.stdout.splitlines() if ln.startswith("CONTENT="))
    texts = sorted(json.loads(line.removeprefix("CONTENT=")), key=len, reverse=True)
    # in any case: a cover prints the government's name in capitals
    return [
        (" ".join(t.split()), re.compile(r"\s+".join(re.escape(w) for w in t.split()), re.IGNORECASE))
        for t in texts
        if len(t) > 1
    ]


class Checker:
    """Collects the English a Spanish reader meets, as 'where: text' lines: `found` (ours), `elsewhere` (ELSEWHERE)."""

    def __init__(self, content: list[tuple[str, re.Pattern]]):
        self.content = content
        self.found: list[str] = []
        self.elsewhere: list[str] = []

    def strip_content(self, text: str) -> str:
        text = re.sub(r"([^\n…]+)…", self._shortened, text)  # first: a whole name would leave its cut tail
        for whole, pattern in self.content:
            if whole.split(" ", 1)[0].lower() in text.lower():
                text = pattern.sub("¤", text)
        return text

    def _shortened(self, match: re.Match) -> str:
        """A name cut short to fit ("Adults who were victims of…"): the longest tail of the text before the
        ellipsis that begins a name."""
        before = match.group(1)
        for start in [0] + [i + 1 for i, ch in enumerate(before) if ch == " "]:
            tail = before[start:].strip()
            if tail and any(whole.startswith(tail) for whole, _ in self.content):
                return before[:start] + "¤"
        return match.group(0)

    def check(self, where: str, texts) -> None:
        whole, parts_re, common_re = english()
        joined = "\n".join(" ".join(t.split()) for t in texts)
        for text in self.strip_content(joined).split("\n"):
            bare = text.removeprefix("[chart] ")
            if bare.strip() in FILE_FORMAT:
                continue
            hits = []
            if bare.strip(" :.¤") in whole or bare.strip(" ¤") in whole:
                hits.append(bare.strip(" ¤"))
            hits += parts_re.findall(bare) + common_re.findall(bare)
            if hits:
                line = f"{where}: {text!r} ({', '.join(dict.fromkeys(hits))})"
                (self.elsewhere if ELSEWHERE.search(text) else self.found).append(line)

    def page(self, page, where: str) -> None:
        assert page.locator("html").get_attribute("lang") == "es", f"{where} is not in Spanish"
        self.check(where, page.evaluate(PAGE_TEXT))

    def pdf(self, where: str, body: bytes) -> None:
        from pypdf import PdfReader

        self.check(where, "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages).splitlines())

    def xlsx(self, where: str, body: bytes) -> None:
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(body))
        for ws in wb.worksheets:
            texts = [ws.title] + [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
            self.check(f"{where} [{ws.title}]", texts)


def walk(browser, base: str, checker: Checker, tmp_path: Path, round_name: str = "Ronda de diciembre") -> None:
    """The stocktake, as a Spanish-speaking delivery unit head runs it."""
    context = browser.new_context(locale="es-ES", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(base + "/accounts/login/?next=/")
        checker.page(page, "sign-in page")
        page.fill("input[name=username]", "duhead")
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(base + "/")

        # 1. the portfolio; the browser asked for Spanish, and the user settles it with the language switcher
        # (a cookie: the downloads below, fetched outside the page, carry it too)
        assert page.locator("#language-choice").input_value() == "es"
        page.locator("#language-choice").select_option("es")
        page.click("form.language button[type=submit]")
        page.wait_for_url(base + "/")
        assert any(c["name"] == "django_language" and c["value"] == "es" for c in context.cookies())
        page.wait_for_function(
            "[...document.querySelectorAll('[data-chart]')].every(e => e.classList.contains('chart-ready'))",
            timeout=30000,
        )
        checker.page(page, "portfolio (/)")

        # 2. an import through the upload page
        page.goto(base + "/collection/import/")
        checker.page(page, "import page (/collection/import/)")
        upload = tmp_path / "atenciones-septiembre.csv"
        upload.write_text(UPLOAD, encoding="utf-8")
        page.set_input_files("input[name=file]", str(upload))
        page.uncheck("input[name=dry_run]")
        page.click("form.upload-form button[type=submit]")
        page.wait_for_selector('#batch[data-status="done"]', timeout=60000)
        checker.page(page, f"import report ({page.url.removeprefix(base)})")

        # 3. an assessment round, and a judgement
        page.goto(base + "/routines/")
        checker.page(page, "routines (/routines/)")
        page.fill("#new-round input[name=name]", round_name)
        page.click("#new-round button")
        page.wait_for_url(re.compile(r".*/routines/rounds/\d+/$"))
        round_url = page.url
        checker.page(page, f"assessment round ({round_url.removeprefix(base)})")
        section = page.locator(f'section[data-outcome="{OUTCOME}"]')
        section.locator("select[name=likelihood]").select_option("2")
        section.locator("textarea[name=likelihood_rationale]").fill("Dos regiones muy atrasadas.")
        section.locator("button[type=submit]").click()
        page.wait_for_url("**#outcome-*")
        checker.page(page, "assessment round, judgement saved")

        # 4. a meeting and its pack, in the browser and as a PDF
        page.goto(base + "/routines/")
        form = page.locator("#new-meeting")
        form.locator("select[name=routine]").select_option(label=ROUTINE)
        form.locator("select[name=priorities]").select_option(label=PRIORITY)
        form.locator("button[type=submit]").click()
        page.wait_for_url(re.compile(r".*/routines/meetings/\d+/$"))
        meeting_url = page.url
        page.wait_for_selector("#chart-ae-4h-box.chart-ready svg", timeout=30000)
        checker.page(page, f"meeting pack ({meeting_url.removeprefix(base)})")
        pdf = page.request.get(meeting_url.rstrip("/") + "/pack.pdf")
        assert pdf.ok and pdf.body()[:5] == b"%PDF-", pdf.status
        checker.pdf("pack PDF", pdf.body())

        # 5. the round's delivery report, on the page and as Excel
        page.goto(round_url.rstrip("/") + "/report/")
        checker.page(page, "delivery report page")
        xlsx = page.request.get(round_url.rstrip("/") + "/report.xlsx")
        assert xlsx.ok, xlsx.status
        checker.xlsx("report Excel", xlsx.body())
        assert errors == []
    finally:
        context.close()


@pytest.fixture(scope="module")
def content(demo_env):
    return content_of(demo_env)


def test_the_check_finds_english_planted_in_a_page(browser, demo_server, content, tmp_path):
    """The check can fail: an English interface sentence planted in the Spanish portfolio is found."""
    checker = Checker(content)
    page = browser.new_context(locale="es-ES").new_page()
    page.goto(demo_server + "/accounts/login/")
    page.evaluate("() => document.querySelector('main').append(document.createTextNode('Outstanding actions'))")
    checker.page(page, "sign-in page, planted")
    page.context.close()
    assert any("Outstanding actions" in f for f in checker.found), checker.found


def test_a_spanish_speaking_user_runs_a_stocktake_without_meeting_english(browser, demo_server, content, tmp_path):
    checker = Checker(content)
    walk(browser, demo_server, checker, tmp_path)
    assert checker.found == [], f"{len(checker.found)} English texts:\n" + "\n".join(checker.found)
    # ELSEWHERE: English from files other helpers are translating (delivery/, collection/, chart specs). Shown,
    # not failed on, until their work lands; then drop its line from ELSEWHERE and this stays an assertion.
    if checker.elsewhere:
        warnings.warn(
            f"{len(checker.elsewhere)} English texts from code translated elsewhere:\n" + "\n".join(checker.elsewhere),
            stacklevel=1,
        )
