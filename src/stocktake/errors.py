"""The one way a ValidationError is put into words, for pages, messages and the API alike.

Django gives a ValidationError either per field ({field: [messages]}) or as
plain messages; every caller wants the same "field: reason" lines from it.
No project imports: every layer may use it (decision 3).
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def reasons(exc: ValidationError) -> dict[str, list[str]]:
    """{field: [messages]}; messages not tied to a field are under "__all__"."""
    return exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: list(exc.messages)}


def lines(exc: ValidationError) -> list[str]:
    """One "field: reason" line per message (a message not tied to a field stands alone)."""
    return [
        message if field == NON_FIELD_ERRORS else f"{field}: {message}"
        for field, messages in reasons(exc).items()
        for message in messages
    ]


def sentence(exc: ValidationError) -> str:
    """All the reasons in one line, for a flash message or an API error's detail."""
    return "; ".join(lines(exc))
