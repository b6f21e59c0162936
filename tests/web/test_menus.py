"""Menus offer only what the role can open: every link in the top bar and on each section's landing page
answers 200 for every demo role and for the public (a link that answers 403 is a link the menu should hide)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import Resolver404, resolve

ROLES = [None, "admin", "pm", "duhead", "manager", "validator", "health-data", "observer", "leader"]
SECTIONS = ["/", "/monitoring/", "/collection/", "/plans/", "/routines/", "/incentives/", "/evaluations/"]


class Links(HTMLParser):
    """The hrefs inside <header> (the top bar) or a page's <main>, kept apart."""

    def __init__(self):
        super().__init__()
        self.where: list[str] = []
        self.header: list[str] = []
        self.main: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("header", "main"):
            self.where.append(tag)
        href = dict(attrs).get("href") if tag == "a" else None
        if href and href.startswith("/") and self.where:
            (self.header if self.where[-1] == "header" else self.main).append(href.split("#")[0])

    def handle_endtag(self, tag):
        if tag in ("header", "main") and self.where:
            self.where.pop()


def links(response) -> Links:
    parser = Links()
    parser.feed(response.content.decode())
    return parser


def one_per_view(urls) -> list[str]:
    """One address per page kind (the first plan stands for every plan): the menu promise, not a crawl."""
    seen, kept = set(), []
    for url in sorted(urls):
        try:
            name = resolve(url.split("?")[0]).view_name
        except Resolver404:
            name = url  # a dead link is kept, to be reported
        if name not in seen:
            seen.add(name)
            kept.append(url)
    return kept


def is_page(url: str) -> bool:
    return "/api/" not in url and not url.endswith(DOWNLOADS) and "/admin/" not in url


DOWNLOADS = (".xlsx", ".csv", ".pdf", ".json", "/xlsx/", "/csv/", "/pdf/", "/download/")


@pytest.mark.django_db
@pytest.mark.parametrize("username", ROLES)
def test_every_menu_link_opens_for_the_role(sign_in, username):
    client = sign_in(username)
    home = client.get("/", follow=True)  # the public: the public site
    assert home.status_code == 200
    menu = set(links(home).header) - {"/accounts/logout/"}
    refused = {}
    for section in sorted(menu):
        page = client.get(section)
        if page.status_code != 200:
            refused[section] = page.status_code
            continue
        if section not in SECTIONS:
            continue
        # the section's own menu: the landing page's links to other pages of the same section
        inside = [u for u in set(links(page).main) if u.startswith(section) and u != section and is_page(u)]
        for url in one_per_view(inside):
            if (code := client.get(url).status_code) != 200:
                refused[url] = code
    assert refused == {}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "username,shown", [("duhead", True), ("validator", True), ("manager", True), ("pm", False), ("observer", False)]
)
def test_the_audit_trail_is_in_the_menu_of_the_delivery_unit_only(sign_in, username, shown):
    menu = links(sign_in(username).get("/")).header
    assert ("/accounts/audit/" in menu) == shown


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["pm", "observer", None])
def test_a_page_the_role_cannot_open_is_a_styled_403(sign_in, username):
    response = sign_in(username).get("/collection/queue/")
    if username is None:
        assert response.status_code == 302  # the public is asked to sign in
        return
    body = response.content.decode()
    assert response.status_code == 403
    assert 'class="topbar"' in body and "Your role cannot open this page" in body


@pytest.mark.django_db
def test_a_missing_page_is_a_styled_404(sign_in):
    response = sign_in("observer").get("/plans/no-such-priority/")
    body = response.content.decode()
    assert response.status_code == 404
    assert 'class="topbar"' in body and "There is nothing here" in body
