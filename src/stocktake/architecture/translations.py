"""Content a government writes, in several languages: the names and descriptions of pillars, priorities,
outcomes and indicators (and the public site's summaries), each kept in its original language plus a JSON
`translations` field {"es": {"name": "...", "description": "..."}, "fr": {...}} (docs/decisions/0006).

The public site and the IATI export read `text(obj, field)`: the reader's language if a translation was
entered, else the original. Translations are set only through architecture.actions.set_translations (or
public.actions.publish for a summary), which check them with `problems`.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# The fields of each model that may be translated (model label -> field names).
FIELDS = {
    "architecture.pillar": ("name", "description"),
    "architecture.priority": ("name", "description"),
    "architecture.outcome": ("name", "description"),
    "architecture.indicator": ("name", "description"),
    "public.publiccommitment": ("summary",),
}
MAX_LENGTH = {"name": 300}  # a translated name is held to the longest original name; descriptions are free


def original_language() -> str:
    """The language the government writes its content in (STOCKTAKE_CONTENT_LANGUAGE, else LANGUAGE_CODE)."""
    return getattr(settings, "STOCKTAKE_CONTENT_LANGUAGE", "") or settings.LANGUAGE_CODE


def languages() -> list[str]:
    """The languages content may be translated into: every language of the interface but the original."""
    return [code for code, _name in settings.LANGUAGES if code != original_language()]


def _base(lang: str | None) -> str:
    return (lang or "").split("-")[0].lower()


def text(obj, field: str, lang: str | None = None) -> str:
    """The field in `lang` (default: the language of the request being answered), else the original."""
    lang = _base(lang or get_language())
    original = getattr(obj, field, "") or ""
    if lang and lang != original_language():
        found = ((getattr(obj, "translations", None) or {}).get(lang) or {}).get(field)
        if found:
            return found
    return original


def contains(fields: tuple[str, ...], q: str, lang: str | None = None) -> Q:
    """A filter: any of `fields` contains `q` (case aside) in the original or in `lang`'s translation (default:
    the language of the request being answered), so a reader finds content by the words the page shows them."""
    lang = _base(lang or get_language())
    found = Q()
    for field in fields:
        found |= Q(**{f"{field}__icontains": q})
        if lang in languages():
            found |= Q(**{f"translations__{lang}__{field}__icontains": q})
    return found


def all_texts(obj, field: str) -> list[tuple[str, str]]:
    """[(language, text)] of the field: the original first, then each translation entered (for IATI)."""
    out = [(original_language(), getattr(obj, field, "") or "")]
    for lang in languages():
        found = ((getattr(obj, "translations", None) or {}).get(lang) or {}).get(field)
        if found:
            out.append((lang, found))
    return out


def problems(model_label: str, translations) -> list[str]:
    """What is wrong with a translations value for this model ([] if nothing), each naming the language and field."""
    allowed = FIELDS[model_label]
    if not isinstance(translations, dict):
        return [_('translations: an object such as {"es": {"name": "..."}}')]
    found = []
    for lang, fields in translations.items():
        if lang not in languages():
            found.append(
                _("translations: '%(lang)s' is not a language to translate into (%(allowed)s)")
                % {"lang": lang, "allowed": ", ".join(languages())}
            )
            continue
        if not isinstance(fields, dict):
            found.append(_("translations.%(lang)s: an object of fields and their text") % {"lang": lang})
            continue
        for name, value in fields.items():
            if name not in allowed:
                found.append(
                    _("translations.%(lang)s.%(field)s: not a translatable field (%(allowed)s)")
                    % {"lang": lang, "field": name, "allowed": ", ".join(allowed)}
                )
            elif not isinstance(value, str):
                found.append(_("translations.%(lang)s.%(field)s: a text") % {"lang": lang, "field": name})
            elif name in MAX_LENGTH and len(value) > MAX_LENGTH[name]:
                found.append(
                    _("translations.%(lang)s.%(field)s: at most %(n)s characters")
                    % {"lang": lang, "field": name, "n": MAX_LENGTH[name]}
                )
    return found


def cleaned(translations: dict) -> dict:
    """The translations with blank texts and empty languages left out (a blank text means: use the original)."""
    out = {}
    for lang, fields in translations.items():
        kept = {name: value.strip() for name, value in fields.items() if value and value.strip()}
        if kept:
            out[lang] = kept
    return out
