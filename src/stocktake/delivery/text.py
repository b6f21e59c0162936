"""Translatable text for the plain-Python engine, which must not import Django.

The engine writes sentences people read (import refusals, status reasons, forecast explanations). They are
marked here with the names gettext's extractor knows (`_`, `ngettext`, `gettext_noop`), so `stocktake
makemessages` run in `src/stocktake/delivery` collects them into `delivery/locale` (listed in LOCALE_PATHS).
At start-up Django hands its translation functions to `install` (accounts' app config), so each call is
translated into the reader's active language; without Django (scripts, mypy, the engine's own tests) the
text stays English.

Translate at the moment a sentence is made, never at import: a module-level constant is marked with
`gettext_noop` and passed through `_` when shown.
"""

from __future__ import annotations

from collections.abc import Callable

_gettext: Callable[[str], str] = lambda message: message  # noqa: E731 - replaced by install()
_ngettext: Callable[[str, str, int], str] = lambda singular, plural, n: singular if n == 1 else plural  # noqa: E731


def install(gettext: Callable[[str], str], ngettext: Callable[[str, str, int], str]) -> None:
    """Route the engine's text through these translation functions (Django's, at start-up)."""
    global _gettext, _ngettext
    _gettext, _ngettext = gettext, ngettext


def _(message: str) -> str:
    """The message in the reader's language."""
    return _gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural message for n, in the reader's language."""
    return _ngettext(singular, plural, n)


def gettext_noop(message: str) -> str:
    """Mark a constant for extraction without translating it now; show it through `_`."""
    return message
