"""Schemas every API router shares.

One `Error` for the whole API: Django Ninja names OpenAPI components by class
name, so two routers each declaring their own `Error` would silently share
whichever was registered last, and the schema would lie about one of them.
"""

from ninja import Schema


class Error(Schema):
    """What every refusal returns: a sentence for people and, for bad input, the reasons per field."""

    detail: str
    errors: dict[str, list[str]] = {}
