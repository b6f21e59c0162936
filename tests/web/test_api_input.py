"""The JSON API refuses unusable input with a 400 that says what is wrong, never a 500.

Bodies nested deeper than any real document, lone UTF-16 surrogates or NUL characters in JSON strings,
query strings or form fields, and integers too large for the database: each once gave a server error.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from stocktake.accounts import actions
from stocktake.api import MAX_JSON_DEPTH


@pytest.fixture
def api(db):
    from django.contrib.auth import get_user_model
    from django.core.cache import cache

    cache.clear()  # token creation is rate limited per user, across tests
    _, secret = actions.issue_token(
        get_user_model().objects.get(username="duhead"), name="input tests", interface="system"
    )
    client = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {secret}"})
    return client


def _post(api, path, body: str | bytes):
    return api.post(path, body, content_type="application/json")


@pytest.mark.parametrize(
    "path",
    [
        "/api/collection/values",
        "/api/collection/dataValueSets",
        "/api/accounts/tokens",
        "/api/collection/decisions/validate",
    ],
)
def test_a_body_nested_100000_deep_is_refused_with_400(api, path):
    response = _post(api, path, "[" * 100_000 + "]" * 100_000)
    assert response.status_code == 400, response.content[:300]
    assert "nested" in response.json()["detail"]


def test_a_body_nested_just_within_the_limit_is_read(api):
    body = {"name": "deep"}
    for _ in range(MAX_JSON_DEPTH - 2):
        body = {"name": "deep", "x": body}
    response = _post(api, "/api/accounts/tokens", json.dumps(body))
    assert response.status_code == 201, response.content[:300]


@pytest.mark.parametrize(
    "path, body, field",
    [
        ("/api/accounts/tokens", '{"name": "\\ud800"}', "name"),
        (
            "/api/collection/values",
            '{"rows": [{"indicator": "ae-4h", "org_unit": "\\udfff", "period": "2026Q1", "value": 1}]}',
            "rows.0.org_unit",
        ),
        (
            "/api/collection/dataValueSets",
            '{"dataValues": [{"dataElement": "x\\ud83d", "period": "202601", "orgUnit": "a", "value": "1"}]}',
            "dataValues.0.dataElement",
        ),
        ("/api/collection/decisions/return", '{"ids": [1], "reason": "late \\u0000"}', "reason"),
        ("/api/accounts/tokens", '{"\\ud800": "key"}', "(a key)"),
    ],
)
def test_a_lone_surrogate_or_nul_in_a_json_string_is_refused_naming_the_field(api, path, body, field):
    response = _post(api, path, body)
    assert response.status_code == 400, response.content[:300]
    assert field in response.json()["detail"]
    assert response.json()["errors"] == {field: [response.json()["errors"][field][0]]}


@pytest.mark.parametrize("query", ["user=%00", "model=a%00b", "%00=1"])
def test_a_nul_in_an_api_query_string_is_refused(api, query):
    response = api.get(f"/api/accounts/audit?{query}")
    assert response.status_code == 400, response.content[:300]
    assert "NUL" in response.json()["detail"]


@pytest.mark.parametrize(
    "query",
    [
        "offset=99999999999999999999",
        "offset=9223372036854775807",
        "limit=99999999999999999999",
        "offset=-1",
        "offset=abc",
    ],
)
def test_huge_or_bad_offsets_are_refused_not_overflowed(api, query):
    response = api.get(f"/api/accounts/audit?{query}")
    assert response.status_code in (400, 422), response.content[:300]


@pytest.mark.parametrize(
    "path",
    [
        "/api/accounts/tokens/99999999999999999999",
        "/api/collection/imports/99999999999999999999",
        "/api/collection/values/99999999999999999999",
        "/api/incentives/payments/99999999999999999999",
    ],
)
def test_huge_ids_in_api_paths_are_not_found_or_refused(api, path):
    method = api.delete if "tokens" in path else api.get
    response = method(path)
    assert response.status_code in (400, 404, 422), response.content[:300]
