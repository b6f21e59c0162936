"""The languages of our users: a converted app's catalogues are complete, compiled, and its templates translatable.

The project's own modules (src/stocktake/*.py: the API's refusals, the parameter checks) are PROJECT, with their
catalogue in src/stocktake/locale; extract them with makemessages in src/stocktake, ignoring every app
directory (`-i accounts -i architecture ...`), or as the test below does, in a copy of the top-level files.

An app is "converted" once every string its pages show goes through gettext; CONVERTED lists them (the public
site first; the others join as they are translated). For each converted app and each language but English:

- its catalogue (src/stocktake/<app>/locale/<lang>/LC_MESSAGES/django.po) has no untranslated or fuzzy entry;
- the catalogue holds every string of the app's code and templates (makemessages, run on a copy, adds none);
- the compiled .mo (made by scripts/install.sh: `stocktake compilemessages`) says what the .po says;
- no template has words outside a translation tag (a scan of HTML text and of alt, title, placeholder and
  aria-label attributes, with the template tags and variables taken out first).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings

import stocktake

SRC = Path(stocktake.__file__).parent
PROJECT = "project"  # src/stocktake/*.py
# Every app whose pages people read, and the engine (delivery) whose sentences they show.
CONVERTED = [
    "public",
    "web",
    "accounts",
    "architecture",
    "monitoring",
    "collection",
    "routines",
    "plans",
    "incentives",
    "evaluations",
    "problems",
    "onboarding",
    "delivery",
    PROJECT,
]
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
CASES = [(app, lang) for app in CONVERTED for lang in LANGUAGES]


def folder(app: str, root: Path = SRC) -> Path:
    """An app's directory; the project's own modules sit in src/stocktake itself."""
    return root if app == PROJECT else root / app


def catalogue(app: str, lang: str, root: Path = SRC) -> Path:
    return folder(app, root) / "locale" / lang / "LC_MESSAGES" / "django.po"


def faults_of(po: polib.POFile) -> list[str]:
    """Every entry not ready for a reader: untranslated (or a plural form missing) or fuzzy."""
    found = []
    # Spanish's CLDR rules have three forms (one, many, other): an entry with two leaves a count of 3 untranslated
    forms = re.search(r"nplurals=(\d+)", po.metadata.get("Plural-Forms", ""))
    nplurals = int(forms.group(1)) if forms else 2
    for e in po:
        if e.obsolete:
            continue
        if "fuzzy" in e.flags:
            found.append(f"fuzzy: {e.msgid!r}")
        elif not (e.msgstr or (e.msgstr_plural and all(e.msgstr_plural.values()))):
            found.append(f"untranslated: {e.msgid!r}")
        elif e.msgid_plural and len(e.msgstr_plural) < nplurals:
            found.append(f"a plural form missing: {e.msgid!r}")
    return found


@pytest.mark.parametrize("app,lang", CASES)
def test_the_catalogue_has_no_untranslated_or_fuzzy_entry(app, lang):
    path = catalogue(app, lang)
    assert path.exists(), f"{path}: no catalogue; run `stocktake makemessages -l {lang}` in src/stocktake/{app}"
    found = faults_of(polib.pofile(str(path)))
    assert not found, f"{path}:\n" + "\n".join(found)


def _key(e) -> tuple:
    return (e.msgctxt or "", e.msgid)


@pytest.mark.parametrize("app,lang", CASES)
def test_the_compiled_catalogue_says_what_the_catalogue_says(app, lang):
    path = catalogue(app, lang)
    mo = path.with_suffix(".mo")
    assert mo.exists(), f"{mo}: not compiled; run `bash scripts/install.sh` (or `stocktake compilemessages`)"
    po = {_key(e): e.msgstr or e.msgstr_plural.get(0, "") for e in polib.pofile(str(path)) if e.translated()}
    compiled = {_key(e): e.msgstr or e.msgstr_plural.get(0, "") for e in polib.mofile(str(mo)) if e.msgid}
    stale = sorted(k[1] for k in po if compiled.get(k) != po[k])
    assert not stale, f"{mo} is out of date (run `stocktake compilemessages`): {stale[:5]}"


@pytest.mark.parametrize("app", CONVERTED)
def test_the_catalogues_hold_every_string_of_the_app(app, tmp_path):
    """makemessages on a copy of the app finds no string the catalogue lacks (a new string was extracted)."""
    copy = tmp_path / app
    if app == PROJECT:  # the top-level modules and their catalogue, without the apps beside them
        shutil.copytree(SRC / "locale", copy / "locale", ignore=shutil.ignore_patterns("*.mo"))
        for module in SRC.glob("*.py"):
            shutil.copy(module, copy / module.name)
    else:
        shutil.copytree(SRC / app, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    lang = LANGUAGES[0]
    before = {_key(e) for e in polib.pofile(str(catalogue(app, lang))) if not e.obsolete}
    subprocess.run(
        # -P: the copy is the working directory, and an app's module named like the standard library's (monitoring's
        # html.py) must not shadow it
        [sys.executable, "-P", "-m", "stocktake", "makemessages", "-l", lang, "--no-obsolete", "-v", "0"],
        cwd=copy,
        check=True,
    )
    after = {_key(e) for e in polib.pofile(str(copy / "locale" / lang / "LC_MESSAGES" / "django.po"))}
    missing = sorted(k[1] for k in after - before)
    assert not missing, f"{app}: strings not in the catalogues (run makemessages in src/stocktake/{app}): {missing}"


# Template scan ------------------------------------------------------------------------------------------------

TRANSLATED_BLOCK = re.compile(r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}", re.S)
TAG = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
COMMENT_BLOCK = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S)
WORDY_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label"}
# Words that are the same in every language: file formats and acronyms written in capitals (CSV, JSON, SVG).
ACRONYM = re.compile(r"\b[A-Z]{2,5}\b")


def _words(text: str) -> str:
    """What is left to read once acronyms, entities and punctuation are taken out."""
    text = ACRONYM.sub("", re.sub(r"&\w+;|&#\d+;", "", text))
    return text.strip() if re.search(r"[^\W\d_]", text) else ""


class _Scan(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.found, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in WORDY_ATTRIBUTES and value and _words(value):
                self.found.append(f'{tag} {name}="{value.strip()}"')

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data):
        if not self._skip and _words(data):
            self.found.append(data.strip())


def untranslated_text(template: str) -> list[str]:
    """Words in a template that no translation tag covers."""
    text = COMMENT_BLOCK.sub("", template)
    text = TRANSLATED_BLOCK.sub("", text)
    text = TAG.sub("", text)
    scan = _Scan()
    scan.feed(text)
    scan.close()
    return scan.found


@pytest.mark.parametrize("app", CONVERTED)
def test_no_template_has_words_outside_a_translation_tag(app):
    found = {
        str(path.relative_to(SRC)): words
        for path in sorted((folder(app) / "templates").rglob("*.html"))
        if (words := untranslated_text(path.read_text()))
    }
    assert not found, "\n".join(f"{path}: {words}" for path, words in found.items())


def test_the_checks_catch_each_fault():
    """The test of the tests: words outside a tag, an untranslated and a fuzzy entry are each found."""
    assert untranslated_text('<p>{% translate "Hello" %}</p><p title="Hi there">Goodbye {{ name }}</p>') == [
        'p title="Hi there"',
        "Goodbye",
    ]
    assert (
        untranslated_text("{% blocktranslate %}Hello {{ x }}{% endblocktranslate %} · CSV <script>var a</script>") == []
    )
    po = polib.POFile()
    po.append(polib.POEntry(msgid="Hello", msgstr="Hola"))
    po.append(polib.POEntry(msgid="Target", msgstr=""))
    po.append(polib.POEntry(msgid="Off track", msgstr="Fuera", flags=["fuzzy"]))
    po.append(polib.POEntry(msgid="%(n)s day", msgid_plural="%(n)s days", msgstr_plural={0: "%(n)s día"}))
    assert faults_of(po) == ["untranslated: 'Target'", "fuzzy: 'Off track'", "a plural form missing: '%(n)s day'"]
