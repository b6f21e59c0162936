"""What the page fuzzer needs to know about the site: its URL patterns, real links to them, their forms,
and which query or form fields each view reads.

Path parameters are filled from real demo objects by following the links the pages themselves show (a
crawl from the front pages), so the fuzzer requests what a person could reach, not guessed ids.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

SKIPPED = ("admin/", "api/", "accounts/logout/")  # the back office is Django's; the API has its own fuzzer
SEEDS = (
    "/",
    "/monitoring/",
    "/monitoring/heatmap/",
    "/monitoring/alerts/",
    "/collection/",
    "/collection/queue/",
    "/collection/freshness/",
    "/collection/mappings/",
    "/plans/",
    "/routines/",
    "/routines/actions/",
    "/incentives/",
    "/accounts/tokens/",
    "/accounts/audit/",
    "/public/",
    "/public/manage/",
    "/public/changes/",
    "/setup/",
    "/structure/",
    "/routines/note/",
)


def routes() -> list[str]:
    """Every page route of the site, as Django spells it (`plans/<slug:code>/`)."""

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    return [r for r in walk(get_resolver().url_patterns) if not r.startswith(SKIPPED)]


def route_of(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, str] = field(default_factory=dict)
    multipart: bool = False


class _PageParser(HTMLParser):
    """Links and forms of one page, with each field's default (a select's first option)."""

    def __init__(self, base: str):
        super().__init__()
        self.base, self.links, self.forms, self._form, self._select, self._text = base, [], [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.base, a["href"]))
        elif tag == "form":
            self._form = Form(
                (a.get("method") or "get").lower(),
                urljoin(self.base, a.get("action") or self.base),
                multipart="multipart" in (a.get("enctype") or ""),
            )
            self.forms.append(self._form)
        elif self._form and tag in ("input", "textarea", "select", "button") and a.get("name"):
            kind = (a.get("type") or "").lower()
            if kind in ("checkbox", "radio") and "checked" not in a and a["name"] in self._form.fields:
                return
            if tag == "button" and a["name"] in self._form.fields:
                return
            self._form.fields[a["name"]] = a.get("value") or ""
            self._select = a["name"] if tag == "select" else None
            self._text = a["name"] if tag == "textarea" else None
        elif tag == "option" and self._form and self._select:
            if not self._form.fields.get(self._select) and a.get("value"):
                self._form.fields[self._select] = a["value"]

    def handle_data(self, data):
        if self._form and self._text:
            self._form.fields[self._text] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._text = None
        elif tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def parse(base: str, html: str) -> tuple[list[str], list[Form]]:
    p = _PageParser(base)
    p.feed(html)
    return p.links, p.forms


def local(url: str) -> str | None:
    """The path and query of a link to this site, or None for another site."""
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass
class Site:
    """Per route: the real URLs that reach it, the query keys seen in links, and the forms that post to it."""

    urls: dict[str, list[str]] = field(default_factory=dict)
    forms: dict[str, list[Form]] = field(default_factory=dict)


def crawl(client, limit_per_route: int = 1) -> Site:
    site, seen, queue = Site(), set(), list(SEEDS)
    while queue:
        url = queue.pop(0)
        path = urlsplit(url).path
        route = route_of(path)
        if route is None or url in seen or route.startswith(SKIPPED):
            continue
        known = site.urls.setdefault(route, [])
        if len(known) >= limit_per_route and url not in known:
            continue
        seen.add(url)
        known.append(url)
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        links, forms = parse("http://testserver" + url, response.content.decode())
        for link in links:
            if (target := local(link)) and target not in seen:
                queue.append(target)
        for form in forms:
            target = local(form.action)
            action_route = target and route_of(urlsplit(target).path)
            if not action_route or action_route.startswith(SKIPPED):
                continue
            form.action = target
            if form.method == "get":
                queue.append(target)
            kept = site.forms.setdefault(action_route, [])
            if all(sorted(f.fields) != sorted(form.fields) for f in kept):
                kept.append(form)
    return site


class ReadFields:
    """Records the names a view reads from request.GET and request.POST (any QueryDict), while active."""

    names: set[str] | None = None

    @classmethod
    @contextlib.contextmanager
    def recording(cls):
        originals = {m: getattr(QueryDict, m) for m in ("__getitem__", "get", "getlist", "__contains__")}

        def wrap(method):
            def recorded(self, key, *args, **kwargs):
                if cls.names is not None and isinstance(key, str):
                    cls.names.add(key)
                return method(self, key, *args, **kwargs)

            return recorded

        for name, method in originals.items():
            setattr(QueryDict, name, wrap(method))
        cls.names = set()
        try:
            yield cls.names
        finally:
            cls.names = None
            for name, method in originals.items():
                setattr(QueryDict, name, method)


def query_keys(url: str) -> list[str]:
    return [k for k, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)]
