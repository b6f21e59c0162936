"""JSON API of the accounts app (tokens, audit), mounted at /api/accounts/."""

from ninja import Router

router = Router(tags=["accounts"])
