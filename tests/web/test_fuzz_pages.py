"""Every page and every form of the site, fed hostile values as a signed-in delivery unit head: no 5xx anywhere.

The API has its own fuzzer (tests/accounts/test_api_fuzz.py, from the OpenAPI document); pages have no such
document, so this one learns each page from the site itself: real links to every route (path parameters are
real demo objects), the names each view reads from the query string or the form (recorded as it runs), and the
fields of every form the pages show. Each such name then gets each hostile value in turn, the others left at
their defaults. Deterministic: a fixed list of values, no random generation.
"""

from __future__ import annotations

import traceback
from urllib.parse import quote, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from . import crawl

USER = "duhead"
SURROGATE = "%ED%A0%80"  # a lone UTF-16 surrogate, as a browser or script could percent-encode it
HOSTILE = ("abc", "-1", "99999999999999999999", "", "\x00", SURROGATE, "x" * 3000, "2026-02-30", "1e400")
# Files (PDF, Excel, calendars) take seconds each to build: they get one value of each kind of mistake.
HOSTILE_TO_FILES = ("abc", "99999999999999999999", "\x00")


def _encode(value: str) -> str:
    return value if value == SURROGATE else quote(value, safe="")


def _query(pairs: dict[str, str]) -> str:
    return "&".join(f"{_encode(k)}={_encode(v)}" for k, v in pairs.items())


def _client() -> Client:
    from django.contrib.auth import get_user_model

    c = Client(raise_request_exception=False)
    c.force_login(get_user_model().objects.get(username=USER))
    return c


PUBLIC = "homicides"  # a demo priority put on the public site with its figures by place, so the crawl reaches
# the public pages with a path parameter (public/units/<code>/, public/data/<indicator>.<fmt>, the charts)


def _on_the_public_site():
    from stocktake.architecture.models import Priority
    from stocktake.public import actions
    from tests import factories

    actions.publish(Priority.objects.get(code=PUBLIC), user=factories.user(USER), published=True, show_units=True)


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The crawl of the demo site, once per module, undone afterwards."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        _on_the_public_site()
        found = crawl.crawl(_client())
        transaction.set_rollback(True)
    return found


def _failure(request: str, response) -> str:
    """One line per server error: the request, the exception and the deepest line of our code it passed."""
    line = f"{request} -> {response.status_code}"
    if exc := getattr(response, "exc_info", None):
        ours = [f for f in traceback.extract_tb(exc[2]) if "/stocktake/" in f.filename]
        where = f" at {ours[-1].filename.split('/stocktake/')[-1]}:{ours[-1].lineno}" if ours else ""
        line += f" {exc[0].__name__}: {str(exc[1])[:120]}{where}"
    return line


def _get(client, url):
    response = client.get(url)
    return response, [] if response.status_code < 500 else [_failure(f"GET {url[:120]}", response)]


def _post(client, url, data: dict[str, str], multipart: bool, name: str = ""):
    if multipart:
        if SURROGATE in data.values():
            return []
        files = {"file": SimpleUploadedFile("values.csv", b"indicator,org_unit,period,value\n", "text/csv")}
        response = client.post(url, {**data, **files})
    else:
        response = client.post(url, _query(data), content_type="application/x-www-form-urlencoded")
    shown = f"{name}={data.get(name, '')[:40]!r}" if name else "(the form as shown)"
    return [] if response.status_code < 500 else [_failure(f"POST {url} {shown}", response)]


ROUTES = crawl.routes()


@pytest.mark.parametrize("route", ROUTES)
def test_no_page_fails_on_hostile_input(route, site, db):
    client = _client()
    urls = site.urls.get(route, [])
    forms = [f for f in site.forms.get(route, []) if f.method == "post"]
    if not urls and not forms:
        pytest.skip(f"no page of the demo links to {route}")
    if route.startswith("public/"):
        _on_the_public_site()  # as during the crawl (undone after it), so these pages answer rather than 404
    failures = []
    for url in urls[:1]:
        path = urlsplit(url).path
        with crawl.ReadFields.recording() as read:
            response, failures = _get(client, url)
        values = HOSTILE if "html" in response.get("Content-Type", "") else HOSTILE_TO_FILES
        names = sorted(
            read
            | set(crawl.query_keys(url))
            | {n for f in site.forms.get(route, []) if f.method == "get" for n in f.fields}
        )
        for name in names:
            for value in values:
                failures += _get(client, f"{path}?{_query({name: value})}")[1]
    for form in forms or [crawl.Form("post", urls[0])]:
        with crawl.ReadFields.recording() as read:
            failures += _post(client, form.action, form.fields, form.multipart)
        for name in sorted(set(form.fields) | read):
            for value in HOSTILE:
                failures += _post(client, form.action, {**form.fields, name: value}, form.multipart, name)
    assert not failures, "\n".join(failures)


def test_the_crawl_reaches_most_routes(site, db):
    """A guard for the fuzzer itself: if the crawl stopped finding pages, the test above would pass vacuously."""
    reached = set(site.urls) | set(site.forms)
    missing = sorted(set(ROUTES) - reached)
    assert len(missing) <= len(ROUTES) // 5, missing
