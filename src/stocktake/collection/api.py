"""JSON API of the collection app, mounted at /api/collection/."""

from ninja import Router

router = Router(tags=["collection"])
