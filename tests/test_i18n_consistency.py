"""One English string, one translation: no catalogue holds a translation that Django will never show.

Django merges every catalogue into one per language. For a msgid (in one context) present in several, the one
earliest in precedence wins: LOCALE_PATHS (the engine's, delivery/locale) first, then the apps in INSTALLED_APPS
order. A different translation in a later app is dead: its page shows the first app's words. So either the words
are the same (the same meaning: write one translation) or the call sites say which meaning they mean (pgettext,
`{% translate "Open" context "state of an action" %}`), which gives each meaning its own entry.

Only Stocktake's own catalogues are compared here; Django's (admin, auth) sit before ours in INSTALLED_APPS too.
"""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]


def catalogues(lang: str) -> list[tuple[str, Path]]:
    """Stocktake's catalogues for `lang`, named, in Django's order of precedence (the first one wins)."""
    found = [(Path(p).parent.name, Path(p) / lang / "LC_MESSAGES" / "django.po") for p in settings.LOCALE_PATHS]
    found += [
        (ac.label, Path(ac.path) / "locale" / lang / "LC_MESSAGES" / "django.po")
        for ac in apps.get_app_configs()
        if ac.name.startswith("stocktake.")
    ]
    return [(name, path) for name, path in found if path.exists()]


def _key(e: polib.POEntry) -> tuple:
    # A plural entry is stored under its own key (msgid and msgid_plural), apart from a singular one.
    return (e.msgctxt or "", e.msgid, e.msgid_plural or "")


def _words(e: polib.POEntry) -> str:
    return e.msgstr or " | ".join(e.msgstr_plural[n] for n in sorted(e.msgstr_plural))


def disagreements(named: list[tuple[str, polib.POFile]]) -> list[str]:
    """Each msgid (in one context) translated differently by two catalogues, with who says what, first the winner."""
    said: dict[tuple, dict[str, str]] = {}
    for name, po in named:
        for e in po:
            if e.obsolete or "fuzzy" in e.flags or not e.translated():
                continue
            said.setdefault(_key(e), {})[name] = _words(e)
    found = []
    for (ctx, msgid, _plural), by in said.items():
        if len(set(by.values())) > 1:
            where = "; ".join(f"{name}: {words!r}" for name, words in by.items())
            found.append(f"{msgid!r}" + (f" (context {ctx!r})" if ctx else "") + f": {where}")
    return sorted(found, key=str.lower)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_msgid_has_one_translation_across_the_catalogues(lang):
    named = [(name, polib.pofile(str(path))) for name, path in catalogues(lang)]
    assert len(named) > 5, f"{lang}: found only {[n for n, _ in named]}"
    found = disagreements(named)
    assert not found, (
        f"{lang}: {len(found)} msgids translated differently by two catalogues; only the first named is ever "
        "shown. Same meaning: write one translation; different meanings: give the call sites a context "
        "(pgettext, {% translate ... context ... %}).\n" + "\n".join(found)
    )


def _po(*entries: polib.POEntry) -> polib.POFile:
    po = polib.POFile()
    po.extend(entries)
    return po


def test_the_check_names_the_msgid_the_catalogues_and_their_words():
    """The check can fail: two apps saying "Open" differently are caught; a context or a plural keeps them apart."""
    plans = _po(
        polib.POEntry(msgid="Open", msgstr="Abierto"),
        polib.POEntry(msgid="Delivery chain", msgstr="Cadena de cumplimiento"),
    )
    routines = _po(
        polib.POEntry(msgid="Open", msgstr="Abierta"),
        polib.POEntry(msgctxt="state of an action", msgid="Open", msgstr="Abierta"),
        polib.POEntry(
            msgid="Delivery chain",
            msgid_plural="Delivery chains",
            msgstr_plural={0: "Cadena de cumplimiento", 1: "Cadenas de cumplimiento"},
        ),
    )
    found = disagreements([("plans", plans), ("routines", routines)])
    assert found == ["'Open': plans: 'Abierto'; routines: 'Abierta'"]
    assert disagreements([("plans", plans), ("routines", _po(routines[1], routines[2]))]) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_our_words_are_the_ones_shown(lang):
    """At run time every msgid of ours reads as our first catalogue says, not as a catalogue of Django's own
    (admin and auth come first in INSTALLED_APPS: pt "Gravar" for Save, es "Eliminar" for Remove). Such words are
    marked in stocktake/vocabulary.py, so the project catalogue (LOCALE_PATHS) carries them and wins."""
    from django.utils import translation

    expected: dict[tuple, str] = {}
    for _name, path in catalogues(lang):
        for e in polib.pofile(str(path)):
            if e.obsolete or e.msgid_plural or "fuzzy" in e.flags or not e.translated():
                continue
            expected.setdefault((e.msgctxt or "", e.msgid), e.msgstr)
    assert len(expected) > 1000, f"{lang}: only {len(expected)} msgids found"
    with translation.override(lang):
        shown = {
            key: translation.pgettext(key[0], key[1]) if key[0] else translation.gettext(key[1]) for key in expected
        }
    wrong = sorted(
        f"{msgid!r}: shown {shown[(ctx, msgid)]!r}, ours {words!r}"
        for (ctx, msgid), words in expected.items()
        if shown[(ctx, msgid)] != words
    )
    assert not wrong, (
        f"{lang}: {len(wrong)} of our msgids read otherwise (mark them in stocktake/vocabulary.py):\n"
        + "\n".join(wrong)
    )
