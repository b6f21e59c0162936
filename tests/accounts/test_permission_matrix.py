"""The permission matrix, written generically so it covers endpoints other areas add later.

It walks the OpenAPI schema's write operations and the site's URL patterns and,
for every role, checks that the people who may not write get 401/403/404 (or a
refusal of the input) and that no table changes. Then it checks that no page
and no API read leaks another ministry's unpublished priorities to a data lead
or to the public, whatever code or id is put in the URL or a filter.
Allowed combinations are tested explicitly per endpoint in the other test files.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from stocktake.architecture import access as architecture_access
from stocktake.architecture.models import Indicator, Priority
from tests.factories import ROLES

WRITE_METHODS = {"post", "put", "patch", "delete"}
REFUSED = {400, 401, 403, 404, 405, 409, 422, 429}
# Roles that may write nothing anywhere (only their own tokens, marked x-self-service).
READ_ONLY = ["public", "observer"]
SKIP_PAGES = ("admin/", "api/", "static/")


def row_counts():
    """Every table's row count, sessions aside (signing in and out is not a data change)."""
    return {
        m._meta.label: m._base_manager.count()
        for m in apps.get_models()
        if m._meta.managed and not m._meta.proxy and m._meta.label != "sessions.Session"
    }


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        return Client().get("/api/openapi.json").json()


def _resolve(schema, node):
    while isinstance(node, dict) and "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    return node


def example(schema, node, depth=0):
    """A small value that satisfies the JSON schema node, so a request gets past input checks to permissions."""
    node = _resolve(schema, node or {})
    if depth > 6:
        return None
    for key in ("anyOf", "oneOf", "allOf"):
        if key in node:
            options = [o for o in node[key] if _resolve(schema, o).get("type") != "null"] or node[key]
            return example(schema, options[0], depth + 1)
    if "default" in node:
        return node["default"]
    if "enum" in node:
        return node["enum"][0]
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        props = node.get("properties", {})
        return {k: example(schema, props[k], depth + 1) for k in node.get("required", props.keys()) if k in props}
    if kind == "array":
        return [example(schema, node.get("items", {}), depth + 1)] if node.get("minItems") else []
    if kind == "integer":
        return max(1, node.get("minimum", 1))
    if kind == "number":
        return max(1.0, node.get("minimum", 1.0))
    if kind == "boolean":
        return True
    fmt = node.get("format")
    return {"date": "2026-01-31", "date-time": "2026-01-31T12:00:00Z", "email": "someone@example.org"}.get(
        fmt, "x" * max(1, node.get("minLength", 1))
    )


def write_operations(schema):
    for path, item in schema["paths"].items():
        for method, op in item.items():
            if method in WRITE_METHODS:
                yield method, path, op


def fill_path(schema, path, op, value=None):
    def sub(match):
        name = match.group(1)
        param = next((p for p in op.get("parameters", []) if p["name"] == name), {"schema": {}})
        return str(value if value is not None else example(schema, param.get("schema")))

    return re.sub(r"\{([^}]+)\}", sub, path)


def call(client, method, path, body=None):
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, body, content_type="application/json")


def test_every_api_write_needs_authentication(schema, sign_in):
    """Anonymous callers are refused every write operation that is not explicitly public."""
    c = sign_in(None)
    before = row_counts()
    checked = 0
    for method, path, op in write_operations(schema):
        body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        response = call(c, method, fill_path(schema, path, op), example(schema, body) if body else None)
        if op.get("security") is not None or "security" in schema:  # protected (global or own auth)
            # 405: the URL is shadowed by another route, so the operation is unreachable (a bug, not a leak)
            assert response.status_code in (401, 403, 405), f"{method.upper()} {path}: {response.status_code}"
        else:
            assert response.status_code in REFUSED, f"public {method.upper()} {path}: {response.status_code}"
        checked += 1
    assert checked >= 2
    assert row_counts() == before


@pytest.mark.parametrize("role", list(ROLES))
def test_api_writes_by_role_change_nothing_unless_they_succeed(schema, sign_in, role):
    """Every role x every write operation: no server error, and a refusal changes no table.

    Read-only roles (public, observer) succeed at nothing except self-service operations
    (their own API tokens), which an endpoint marks with openapi_extra={"x-self-service": True}.
    """
    c = sign_in(ROLES[role])
    for method, path, op in write_operations(schema):
        body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        before = row_counts()
        response = call(c, method, fill_path(schema, path, op), example(schema, body) if body else None)
        where = f"{role}: {method.upper()} {path} -> {response.status_code}"
        assert response.status_code < 500, where
        if response.status_code >= 300:
            assert row_counts() == before, where
        if role in READ_ONLY and not op.get("x-self-service"):
            assert response.status_code in REFUSED, where
            assert row_counts() == before, where


def page_routes():
    """(route, converters) of every page outside the back office, the API and static files."""

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                if isinstance(p.pattern, RoutePattern):
                    yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p.pattern, RoutePattern):
                yield prefix + str(p.pattern), p.pattern.converters

    return [(r, conv) for r, conv in walk(get_resolver().url_patterns) if not r.startswith(SKIP_PAGES)]


def fill_route(route, converters, values):
    def sub(match):
        name = match.group(2)
        return str(values.get(name, values["__int__"] if match.group(1) == "int" else values["__str__"]))

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", sub, route)


@pytest.mark.parametrize("role", READ_ONLY + ["data_lead_health", "accountable_leader"])
def test_page_posts_by_people_without_rights_change_nothing(sign_in, role):
    """POSTing to every page (with no form data or an unknown id) is refused without a change."""
    c = sign_in(ROLES[role])
    for route, converters in page_routes():
        url = fill_route(route, converters, {"__int__": 1, "__str__": "x"})
        before = row_counts()
        response = c.post(url, {})
        where = f"{role}: POST {url} -> {response.status_code}"
        assert response.status_code < 500, where
        if role == "public":
            assert response.status_code in REFUSED | {200, 302}, where
            if response.status_code == 302:
                # signing out and choosing a language are for everyone, and change no row; the public's home is the
                # public site
                assert "login/" in response["Location"] or url in ("/accounts/logout/", "/i18n/setlang/", "/"), where
        assert row_counts() == before, where


def secrets_for(username):
    """Names of unpublished priorities (and their indicators) the user may not read."""
    u = None
    if username:
        from django.contrib.auth import get_user_model

        u = get_user_model().objects.get(username=username)
    hidden = Priority.objects.exclude(pk__in=architecture_access.visible_priorities(u).values("pk"))
    indicators = Indicator.objects.filter(outcome__priority__in=hidden)
    return list(hidden), list(indicators)


@pytest.mark.parametrize("role", ["public", "data_lead_health", "data_lead_education"])
def test_no_page_or_api_read_leaks_unpublished_data_of_other_ministries(schema, sign_in, role):
    username = ROLES[role]
    hidden, indicators = secrets_for(username)
    assert hidden and indicators  # the demo has unpublished priorities of other ministries
    names = [p.name for p in hidden] + [i.name for i in indicators]
    c = sign_in(username)

    def check(url, response):
        assert response.status_code < 500, f"{role}: GET {url} -> {response.status_code}"
        if response.status_code == 200 and not response.get("Content-Type", "").startswith("application/vnd.oai"):
            text = response.content.decode(errors="replace")
            leaked = [n for n in names if n in text]
            assert not leaked, f"{role}: GET {url} shows unpublished {leaked}"

    # every page, with every hidden priority's and indicator's code and id in its URL
    probes = [{"__int__": p.pk, "__str__": p.code} for p in hidden] + [
        {"__int__": i.pk, "__str__": i.code} for i in indicators
    ]
    for route, converters in page_routes():
        for values in probes if converters else [{"__int__": 1, "__str__": "x"}]:
            url = fill_route(route, converters, values)
            check(url, c.get(url))
    # the indicator pages of hidden indicators do not exist for this user
    for i in indicators:
        assert c.get(f"/indicators/{i.code}/").status_code == 404
    # every API read, with hidden codes and ids in its path and in any priority/indicator filter
    for path, item in schema["paths"].items():
        op = item.get("get")
        if not op or path.endswith("openapi.json"):
            continue
        params = op.get("parameters", [])
        for probe in probes:
            url = re.sub(r"\{[^}]+\}", str(probe["__str__"]), path)
            query = {
                p["name"]: probe["__str__"]
                for p in params
                if p["in"] == "query" and re.search("priority|indicator|code", p["name"])
            }
            check(url, c.get(url, query))
            if "{" in path:
                check(url, c.get(re.sub(r"\{[^}]+\}", str(probe["__int__"]), path), query))


def test_public_sees_only_published_priorities_on_the_portfolio(sign_in):
    home = sign_in(None).get("/")
    assert home.status_code == 302 and home["Location"] == "/public/"  # the public's home is the public site
    html = sign_in(None).get("/", follow=True).content.decode()
    for p in Priority.objects.filter(published=False):
        assert p.name not in html, p.name
    lead = sign_in("education-data").get("/").content.decode()
    assert "Every child reads well by age 11" in lead  # its own unpublished priority
    assert "People feel safe and are safe" not in lead  # interior's unpublished one
