"""The JSON API (Django Ninja), with its OpenAPI schema at /api/docs and /api/openapi.json.

Each capability app adds a Router in its own `api.py` and registers it here.
"""

from ninja import NinjaAPI

from stocktake import __version__

api = NinjaAPI(title="Stocktake API", version=__version__, urls_namespace="api",
               description="Priorities, indicators, targets, data values and more. Every write goes through the same "
                           "action functions as the web pages and is audited.")


@api.get("/health", summary="Is the service up?", tags=["service"])
def health(request):
    return {"status": "ok", "version": __version__}
