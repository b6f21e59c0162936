"""JSON API of the incentives app, mounted at /api/incentives/."""

from ninja import Router

router = Router(tags=["incentives"])
