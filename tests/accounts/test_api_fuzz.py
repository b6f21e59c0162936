"""Schemathesis against the whole API, in process, on the test database (SQLite or PostgreSQL).

Every operation of every app, with a delivery unit head's token, bounded to a
few generated requests per operation: no server errors anywhere. Responses of
the operations listed in SCHEMA_CHECKED must also match the typed schemas the
OpenAPI document promises (other areas may add their prefixes once their
responses conform).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from stocktake.accounts import actions

MAX_EXAMPLES = 8
SCHEMA_CHECKED = ("/api/accounts/", "/api/health")


def _load_schema():
    from django.core.handlers.wsgi import WSGIHandler

    from stocktake.api import api

    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema())
    loaded.app = WSGIHandler()  # requests go straight into Django, no server
    return loaded


schema = _load_schema()


@pytest.fixture
def bearer(user):
    # As Django's test client does: closing "old" connections at each request would
    # close the test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    _, secret = actions.issue_token(user("duhead"), name="schemathesis", interface="system")
    yield {"Authorization": f"Bearer {secret}"}
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)
def test_api_never_fails_and_keeps_its_promises(case, bearer):
    from django.core.cache import cache

    cache.clear()  # token creation is rate limited; fuzzing is not an attack
    checks = [not_a_server_error]
    if case.path.startswith(SCHEMA_CHECKED):
        checks.append(response_schema_conformance)
    case.call_and_validate(headers=bearer, checks=checks)
