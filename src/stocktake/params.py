"""Reading numbers and ids from query strings and form fields, refusing bad ones with a 400 that names the field.

Views used to pass `request.GET["round"]` or `request.POST["value"]` straight to the ORM, so `abc` raised
ValueError and `99999999999999999999` an OverflowError in the database driver: a 500 for a typing mistake.
Here every such value is parsed once, bounded to what the database column holds, and refused as a
`BadParameter` (a `BadRequest`, so Django answers 400 with templates/400.html, see web/views.py).
"""

from __future__ import annotations

import re

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

# A BigAutoField (DEFAULT_AUTO_FIELD) holds up to 2**63 - 1; bigger numbers overflow the database driver.
MAX_ID = 2**63 - 1
MAX_INT = 2**31 - 1
_UNREADABLE = re.compile("[\x00\ud800-\udfff]")


class BadParameter(BadRequest):
    """A query or form value that cannot be used: it says which field and why, for the 400 page."""

    def __init__(self, field: str, reason: str):
        self.field, self.reason = field, reason
        super().__init__(f"{field}: {reason}")


def unreadable(text: str) -> str | None:
    """Why a string cannot be stored or compared as text (NUL characters, lone UTF-16 surrogates), or None.

    PostgreSQL refuses NUL in text, and a lone surrogate cannot be encoded as UTF-8 for any database or page.
    """
    found = _UNREADABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return _("contains a NUL character")
    return _("contains a lone UTF-16 surrogate, which is not valid text")


def parse_int(field: str, raw, *, minimum: int = 0, maximum: int = MAX_INT) -> int:
    """`raw` as a whole number within [minimum, maximum], or BadParameter naming `field`."""
    text = str(raw).strip()
    # int() would also accept "１２" (other scripts' digits) and "1_000"; a field wants plain ASCII digits.
    digits = text[1:] if text[:1] in "+-" else text
    if not digits.isascii() or not digits.isdigit() or len(digits) > 20:
        raise BadParameter(field, _("%(value)s is not a whole number") % {"value": repr(text[:40])})
    value = int(text)
    if not minimum <= value <= maximum:
        raise BadParameter(
            field, _("%(value)s is not between %(min)s and %(max)s") % {"value": value, "min": minimum, "max": maximum}
        )
    return value


def int_param(
    request, name: str, default: int | None = None, *, minimum: int = 0, maximum: int = MAX_INT, source: str = "GET"
) -> int | None:
    """A whole number from request.GET (or source="POST"); absent or empty gives `default`."""
    raw = getattr(request, source).get(name, "")
    if raw.strip() == "":
        return default
    return parse_int(name, raw, minimum=minimum, maximum=maximum)


def id_param(request, name: str, *, source: str = "GET") -> int | None:
    """A database id (1 to the largest BigAutoField) from request.GET or request.POST, or None if absent."""
    return int_param(request, name, None, minimum=1, maximum=MAX_ID, source=source)


def id_list(request, name: str, *, source: str = "GET") -> list[int]:
    """Every id given for a repeated field (`?round=3&round=5`); empty entries are skipped."""
    values = getattr(request, source).getlist(name)
    return [parse_int(name, v, minimum=1, maximum=MAX_ID) for v in values if str(v).strip()]
