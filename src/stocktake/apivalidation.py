"""Django Ninja's validation errors (422) in the reader's language, as the shared `Error` schema says.

Ninja answers a body or query string its schema refuses with pydantic's own English ("Field required",
"Input should be a valid integer"), one entry per error, whatever Accept-Language says. Each entry carries a
stable `type` and its limits in `ctx`, so the reason is written again here through gettext, per type; the
field keeps its name as the schema spells it (`rows.0.value`), because a client's code reads it. A type not
listed keeps pydantic's words: an English reason beats no reason.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

# pydantic's error type -> the reason, with the error's ctx (ge, max_length, expected...) as its placeholders.
REASONS = {
    "missing": gettext_noop("required"),
    "extra_forbidden": gettext_noop("not a field of this request"),
    "string_type": gettext_noop("must be text"),
    "string_too_short": gettext_noop("must have at least %(min_length)s character(s)"),
    "string_too_long": gettext_noop("must have at most %(max_length)s character(s)"),
    "string_pattern_mismatch": gettext_noop("does not match the expected form (%(pattern)s)"),
    "int_type": gettext_noop("must be a whole number"),
    "int_parsing": gettext_noop("must be a whole number"),
    "int_from_float": gettext_noop("must be a whole number"),
    "float_type": gettext_noop("must be a number"),
    "float_parsing": gettext_noop("must be a number"),
    "decimal_type": gettext_noop("must be a number"),
    "decimal_parsing": gettext_noop("must be a number"),
    "bool_type": gettext_noop("must be true or false"),
    "bool_parsing": gettext_noop("must be true or false"),
    "greater_than": gettext_noop("must be greater than %(gt)s"),
    "greater_than_equal": gettext_noop("must be %(ge)s or more"),
    "less_than": gettext_noop("must be less than %(lt)s"),
    "less_than_equal": gettext_noop("must be %(le)s or less"),
    "too_short": gettext_noop("must have at least %(min_length)s item(s)"),
    "too_long": gettext_noop("must have at most %(max_length)s item(s)"),
    "literal_error": gettext_noop("must be one of %(expected)s"),
    "enum": gettext_noop("must be one of %(expected)s"),
    "date_type": gettext_noop("must be a date (YYYY-MM-DD)"),
    "date_parsing": gettext_noop("must be a date (YYYY-MM-DD)"),
    "date_from_datetime_parsing": gettext_noop("must be a date (YYYY-MM-DD)"),
    "datetime_type": gettext_noop("must be a date and time (YYYY-MM-DDTHH:MM)"),
    "datetime_parsing": gettext_noop("must be a date and time (YYYY-MM-DDTHH:MM)"),
    "datetime_from_date_parsing": gettext_noop("must be a date and time (YYYY-MM-DDTHH:MM)"),
    "list_type": gettext_noop("must be a list"),
    "dict_type": gettext_noop("must be an object"),
    "model_type": gettext_noop("must be an object"),
    "model_attributes_type": gettext_noop("must be an object"),
    "json_invalid": gettext_noop("is not valid JSON"),
    "uuid_parsing": gettext_noop("must be a UUID"),
    "url_parsing": gettext_noop("must be a web address"),
}

# Where ninja says the value came from; it is not part of the field's name.
SOURCES = {"body", "query", "path", "form", "file", "header", "cookie"}


def field_of(loc) -> str:
    """The field as the client wrote it: ("body", "payload", "rows", 0, "value") is "rows.0.value".

    Ninja puts the source first and, for a body, the view's parameter next; what follows is the client's own
    nesting. A whole body that is missing or not an object names the parameter alone."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in SOURCES:
        parts = parts[1:]
        if loc[0] in ("body", "form") and len(parts) > 1:
            parts = parts[1:]
    return ".".join(parts) or _("the body")


def reason_of(error: dict) -> str:
    """pydantic's reason in the active language; an unknown type keeps pydantic's message."""
    if error.get("type") == "value_error" and (error.get("ctx") or {}).get("error"):
        return _shown(error["ctx"]["error"])  # our own validator's sentence, translated where it was raised
    template = REASONS.get(error.get("type", ""))
    ctx = {k: _shown(v) for k, v in (error.get("ctx") or {}).items()}
    if template is None:
        return str(error.get("msg", ""))
    try:
        return _(template) % ctx
    except (KeyError, TypeError, ValueError):  # a ctx without the placeholder this pydantic version promised
        return str(error.get("msg", ""))


def _shown(value) -> str:
    """A ctx value as a reader meets it: a validator's own exception by its message, not its repr."""
    return str(value.args[0]) if isinstance(value, Exception) and value.args else str(value)


def envelope(errors: list[dict]) -> dict:
    """{"detail": "field: reason; ...", "errors": {field: [reasons]}}, like every other refusal of the API."""
    per_field: dict[str, list[str]] = {}
    for error in errors:
        per_field.setdefault(field_of(error.get("loc", ())), []).append(reason_of(error))
    detail = "; ".join(f"{field}: {reason}" for field, reasons in per_field.items() for reason in reasons)
    return {"detail": detail, "errors": per_field}
