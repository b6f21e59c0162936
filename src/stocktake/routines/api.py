"""JSON API of the routines app, mounted at /api/routines/."""

from ninja import Router

router = Router(tags=["routines"])
