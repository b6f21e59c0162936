"""JSON API of the plans app, mounted at /api/plans/."""

from ninja import Router

router = Router(tags=["plans"])
