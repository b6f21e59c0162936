"""The JSON API (Django Ninja), with its OpenAPI schema at /api/docs and /api/openapi.json.

Each capability app adds a Router in its own `api.py` and registers it here.
Every endpoint needs a personal API token or a signed-in session (with CSRF)
unless it says `auth=None`; see stocktake.accounts.apiauth.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import ValidationError as SchemaRefusal

from stocktake import __version__, apidocs, apivalidation, errors
from stocktake.accounts.apiauth import ApiRate, api_auth
from stocktake.accounts.permissions import NotFound
from stocktake.apiinput import MAX_JSON_DEPTH, CheckedParser, install  # noqa: F401 (MAX_JSON_DEPTH: tests)


class DocumentedAPI(NinjaAPI):
    """The API whose OpenAPI schema carries a description for every field, every choice field's values and an
    example for every body (stocktake.apidocs adds those the schema classes do not state themselves)."""

    def get_openapi_schema(self, *args, **kwargs):
        return apidocs.complete(super().get_openapi_schema(*args, **kwargs))


api = DocumentedAPI(
    title="Stocktake API",
    version=__version__,
    urls_namespace="api",
    description="Priorities, indicators, targets, data values and more. Every write goes through the same "
    "action functions as the web pages and is audited.",
    auth=api_auth(),
    throttle=[ApiRate()],
    parser=CheckedParser(),
)
install(api)  # bad input (too deep, unreadable text, huge numbers) is a 400 naming the field


# API errors are put into words once, here: an endpoint lets an action's refusal through.


@api.exception_handler(ValidationError)
def refused_input(request, exc: ValidationError):
    """400 with the reasons per field: {"detail": "field: reason; ...", "errors": {field: [reasons]}}."""
    return api.create_response(request, {"detail": errors.sentence(exc), "errors": errors.reasons(exc)}, status=400)


@api.exception_handler(PermissionDenied)
def refused_permission(request, exc: PermissionDenied):
    return api.create_response(request, {"detail": str(exc) or _("you may not do this")}, status=403)


@api.exception_handler(NotFound)
def not_found(request, exc: NotFound):
    """Absent or hidden (accounts.permissions.NotFound): the message says which, never whether it is unpublished."""
    return api.create_response(request, {"detail": str(exc) or _("not found")}, status=404)


@api.exception_handler(SchemaRefusal)
def refused_by_schema(request, exc: SchemaRefusal):
    """422 when the body or query string does not fit the endpoint's schema, in the reader's language."""
    return api.create_response(request, apivalidation.envelope(exc.errors), status=422)


class HealthOut(Schema):
    status: str
    version: str
    database: str
    worker: str


@api.get(
    "/health",
    summary="Is the service up? The database (a real query) and the background worker",
    tags=["service"],
    auth=None,
    throttle=[],
    response={200: HealthOut, 503: HealthOut},
)
def health(request):
    from ninja import Status

    from stocktake.web import health as H

    status, body = H.check()
    return Status(status, body)


# One router per capability app; each app's api.py owns its endpoints.
from stocktake.accounts.api import router as accounts_router  # noqa: E402
from stocktake.architecture.api import router as architecture_router  # noqa: E402
from stocktake.collection.api import router as collection_router  # noqa: E402
from stocktake.evaluations.api import router as evaluations_router  # noqa: E402
from stocktake.incentives.api import router as incentives_router  # noqa: E402
from stocktake.monitoring.api import router as monitoring_router  # noqa: E402
from stocktake.plans.api import router as plans_router  # noqa: E402
from stocktake.problems.api import router as problems_router  # noqa: E402
from stocktake.public.api import router as public_router  # noqa: E402
from stocktake.routines.api import router as routines_router  # noqa: E402

api.add_router("/accounts", accounts_router)
api.add_router("/architecture", architecture_router)
api.add_router("/monitoring", monitoring_router)
api.add_router("/collection", collection_router)
api.add_router("/plans", plans_router)
api.add_router("/routines", routines_router)
api.add_router("/incentives", incentives_router)
api.add_router("/evaluations", evaluations_router)
api.add_router("/problems", problems_router)
api.add_router("/public", public_router)  # read-only, no token: the public site's figures
