"""How the JSON API reads request bodies, query strings and form fields: refusing what no endpoint can use.

Django Ninja's default parser is a bare `json.loads`: a body nested 100,000 deep exhausts the recursion limit,
and a JSON string holding a lone UTF-16 surrogate (`"\\ud800"`) or a NUL (`"\\u0000"`) decodes fine but fails
later, when the database driver or the response encoder meets it. This parser refuses all three up front,
plus integers beyond what any database column holds, with a 400 that names the field (`rows.0.org_unit`).
"""

from __future__ import annotations

import json
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.parser import Parser

from stocktake.params import MAX_ID, BadParameter, unreadable

MAX_JSON_DEPTH = 64  # the deepest real document (a DHIS2 data value set) is 4 levels
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


def nesting_depth(body: bytes, limit: int) -> int:
    """How deeply arrays and objects nest in a JSON text (strings skipped), counting only up to `limit` + 1."""
    depth = deepest = 0
    for m in _BRACKET.finditer(_STRING.sub(b'""', body)):
        depth += 1 if m.group() in (b"[", b"{") else -1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                break
    return deepest


def _check(data, path: str = "") -> None:
    """Walk a decoded JSON value (without recursion) and refuse unusable strings or too-large integers."""
    stack = [(path, data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            if reason := unreadable(value):
                raise BadParameter(where or _("the body"), reason)
        elif isinstance(value, bool) or value is None or isinstance(value, float):
            continue
        elif isinstance(value, int):
            if abs(value) > MAX_ID:
                raise BadParameter(where or _("the body"), _("%(value)s is too large a number") % {"value": value})
        elif isinstance(value, dict):
            for key, item in value.items():
                if reason := unreadable(key):
                    raise BadParameter(f"{where}.(a key)" if where else "(a key)", reason)
                stack.append((f"{where}.{key}" if where else key, item))
        elif isinstance(value, list):
            stack.extend((f"{where}.{i}" if where else str(i), item) for i, item in enumerate(value))


class CheckedParser(Parser):
    """The API's parser: bounded nesting, readable strings, integers a database can hold."""

    def parse_body(self, request):
        body = request.body
        if nesting_depth(body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
            raise BadParameter(
                _("the body"), _("arrays and objects are nested more than %(n)s deep") % {"n": MAX_JSON_DEPTH}
            )
        data = json.loads(body)
        _check(data)
        return data

    def parse_querydict(self, data, list_fields, request):
        for key, values in data.lists():
            if reason := unreadable(key):
                raise BadParameter("(a key)", reason)
            for value in values:
                if isinstance(value, str) and (reason := unreadable(value)):
                    raise BadParameter(key, reason)
        return super().parse_querydict(data, list_fields, request)


# Django Ninja's own refusals, in English in its code: put into the reader's language when they reach a client.
NINJA_WORDS = {
    "Unauthorized": gettext_noop("sign in, or send a personal API token"),
    "Forbidden": gettext_noop("you may not do this"),
    "Too many requests.": gettext_noop("too many requests; wait a moment and try again"),
    "CSRF check Failed": gettext_noop("the CSRF check failed; reload the page and try again"),
    "Cannot parse request body": gettext_noop("the body cannot be read as JSON"),
}


def _refusal(api: NinjaAPI, request, exc: BadParameter):
    return api.create_response(request, {"detail": str(exc), "errors": {exc.field: [exc.reason]}}, status=400)


def install(api: NinjaAPI) -> None:
    """Refuse bad input as the shared `Error` schema says: a sentence, and the reason under the field's name.

    Ninja turns any exception from `parse_body` into HttpError(400, "Cannot parse request body"), keeping the
    original as its cause; the handler below puts the cause's field and reason back.
    """

    def http_error(request, exc: HttpError):
        if isinstance(exc.__cause__, BadParameter):
            return _refusal(api, request, exc.__cause__)
        message = str(exc)
        detail = _(NINJA_WORDS[message]) if message in NINJA_WORDS else message
        return api.create_response(request, {"detail": detail}, status=exc.status_code)

    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(BadParameter, lambda request, exc: _refusal(api, request, exc))
