"""JSON API of the monitoring app, mounted at /api/monitoring/."""

from ninja import Router

router = Router(tags=["monitoring"])
