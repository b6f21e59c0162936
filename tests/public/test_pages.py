"""The public site's pages: what the delivery unit publishes, published values only, in plain words."""

import re
from datetime import date

import pytest

from stocktake.architecture.models import Priority
from stocktake.public import actions
from tests import factories
from tests.factories import sign_in

from .helpers import commitment


def test_only_published_commitments_are_on_the_front_page(db):
    ind = commitment("pub-front")
    hidden = commitment("pub-hidden", publish=False)
    html = sign_in(None).get("/public/").content.decode()
    assert f'id="commitment-{ind.outcome.priority.code}"' in html
    assert hidden.outcome.priority.code not in html
    assert sign_in(None).get(f"/public/commitments/{hidden.outcome.priority.code}/").status_code == 404


def test_a_commitment_shows_its_latest_published_value_never_a_newer_unpublished_one(db):
    ind = commitment("pub-latest")
    factories.record(ind, "NAT", "2026-01", 81.25, state="published")
    factories.record(ind, "NAT", "2026-02", 99.75, state="validated")  # checked, not published
    factories.record(ind, "NAT", "2026-03", 98.5)  # submitted
    html = sign_in(None).get(f"/public/commitments/{ind.outcome.priority.code}/").content.decode()
    assert "81.2%" in html or "81.3%" in html
    assert "99.8" not in html and "99.7" not in html and "98.5" not in html
    assert "January 2026" in html


def test_a_target_past_its_deadline_and_not_reached_is_missed_and_said_so(db):
    ind = commitment(
        "pub-missed",
        target={
            "baseline_value": 70,
            "target_value": 90,
            "baseline_date": date(2024, 1, 1),
            "target_date": date(2025, 6, 30),
        },
    )
    factories.record(ind, "NAT", "2025-06", 75.0, state="published")
    html = sign_in(None).get(f"/public/commitments/{ind.outcome.priority.code}/").content.decode()
    assert 'class="status status-missed"' in html and "Target missed" in html
    assert "The deadline has passed and the target was not reached." in html


def test_off_track_is_shown_as_off_track(db):
    ind = commitment("pub-off", target=(50.0, 90.0))
    factories.record(ind, "NAT", "2026-06", 51.0, state="published")
    html = sign_in(None).get(f"/public/commitments/{ind.outcome.priority.code}/").content.decode()
    assert 'id="headline-status">Off track<' in html


def test_a_revised_published_value_says_from_what_and_when(db):
    ind = commitment("pub-revised")
    factories.record(ind, "NAT", "2026-03", 86.1, state="published")
    factories.record(ind, "NAT", "2026-03", 86.6, state="published")
    html = sign_in(None).get(f"/public/commitments/{ind.outcome.priority.code}/").content.decode()
    assert "86.6%" in html
    assert re.search(r"Revised from 86\.1% on \d{1,2} \w+ \d{4}\.", html)


def test_the_target_and_chart_are_shown_only_when_the_delivery_unit_publishes_them(db):
    ind = commitment("pub-fields", show_target=False, show_chart=False)
    factories.record(ind, "NAT", "2026-03", 85.0, state="published")
    c = sign_in(None)
    html = c.get(f"/public/commitments/{ind.outcome.priority.code}/").content.decode()
    assert "Target:" not in html and "data-chart" not in html
    assert c.get(f"/public/charts/{ind.code}/").status_code == 404
    assert c.get(f"/public/charts/{ind.code}.svg").status_code == 404
    actions.publish(ind.outcome.priority, user=factories.user("duhead"), show_target=True, show_chart=True)
    html = c.get(f"/public/commitments/{ind.outcome.priority.code}/").content.decode()
    assert "Target: 90.0% by December 2027" in html and f'data-chart="spec-{ind.code}"' in html
    assert f'id="figures-{ind.code}"' in html  # the chart's figures as a table


def test_a_chart_has_a_stable_page_svg_and_png_downloads_and_an_embed_snippet(db):
    ind = commitment("pub-chart")
    factories.record(ind, "NAT", "2026-03", 85.0, state="published")
    c = sign_in(None)
    html = c.get(f"/public/charts/{ind.code}/").content.decode()
    assert f'href="/public/charts/{ind.code}.svg"' in html and f'href="/public/charts/{ind.code}.png"' in html
    assert f"&lt;img src=&quot;http://testserver/public/charts/{ind.code}.svg&quot;" in html
    svg = c.get(f"/public/charts/{ind.code}.svg")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    png = c.get(f"/public/charts/{ind.code}.png")
    assert png["Content-Type"] == "image/png" and png.content[:4] == b"\x89PNG"


def test_strategies_are_shown_only_when_published(db):
    priority = Priority.objects.get(code="ae-waits")
    strategy = priority.strategies.filter(withdrawn_at=None).first()
    actions.publish(priority, user=factories.user("duhead"), published=True)
    c = sign_in(None)
    assert strategy.name not in c.get("/public/commitments/ae-waits/").content.decode()
    actions.publish(priority, user=factories.user("duhead"), show_strategy=True)
    assert strategy.name in c.get("/public/commitments/ae-waits/").content.decode()


def test_unit_pages_exist_only_once_unit_figures_are_published(db):
    priority = Priority.objects.get(code="homicides")
    actions.publish(priority, user=factories.user("duhead"), published=True)
    c = sign_in(None)
    region = priority.outcomes.first().indicators.first()  # noqa: F841 (a real indicator with regional rollups)
    assert c.get("/public/units/").status_code == 404
    actions.publish(priority, user=factories.user("duhead"), show_units=True)
    index = c.get("/public/units/").content.decode()
    code = re.search(r'href="/public/units/([^/"]+)/"', index).group(1)
    html = c.get(f"/public/units/{code}/").content.decode()
    assert priority.name in html and "status status-" in html


def test_search_finds_commitments_and_says_when_nothing_matches(db):
    ind = commitment("pub-search")
    c = sign_in(None)
    html = c.get("/public/search/?q=Priority+for+pub-sea").content.decode()
    assert f"/public/commitments/{ind.outcome.priority.code}/" in html
    assert 'id="no-results"' in c.get("/public/search/?q=zzzz-nothing").content.decode()
    assert c.get("/public/search/?q=" + "x" * 5000).status_code == 200


def test_what_changed_lists_new_figures_and_the_feed_is_atom(db):
    ind = commitment("pub-changes")
    factories.record(ind, "NAT", "2026-03", 85.0, state="published")
    c = sign_in(None)
    html = c.get("/public/changes/").content.decode()
    assert "pub-changes, March 2026: new published figures (1)" in html
    assert "published figures revised" not in html.split("pub-changes, March 2026: new", 1)[0].split("pub-changes")[-1]
    factories.record(ind, "NAT", "2026-03", 85.5, state="published")
    assert "pub-changes, March 2026: published figures revised (1)" in c.get("/public/changes/").content.decode()
    feed = c.get("/public/changes/feed/")
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert b'xmlns="http://www.w3.org/2005/Atom"' in feed.content and b"pub-changes, March 2026" in feed.content


@pytest.mark.parametrize(
    "lang,number,month",
    [
        ("en", "85.5%", "March 2026"),
        ("es", "85,5\u00a0%", "marzo de 2026"),
        ("pt", "85,5%", "março de 2026"),
        ("fr", "85,5\u00a0%", "mars 2026"),
    ],
)
def test_numbers_and_months_are_written_the_readers_way(db, lang, number, month):
    ind = commitment("pub-l10n")
    factories.record(ind, "NAT", "2026-03", 85.5, state="published")
    html = sign_in(None, HTTP_ACCEPT_LANGUAGE=lang).get(f"/public/commitments/{ind.outcome.priority.code}/")
    text = html.content.decode()
    assert f'<html lang="{lang}">' in text
    assert number in text and month in text


def test_the_language_switcher_sets_the_language(db):
    c = sign_in(None, HTTP_ACCEPT_LANGUAGE="en")
    response = c.post("/i18n/setlang/", {"language": "fr", "next": "/public/"})
    assert response.status_code == 302 and response["Location"] == "/public/"
    assert "Engagements du gouvernement" in c.get("/public/").content.decode()


def test_the_delivery_unit_previews_before_publishing_and_no_one_else_does(db):
    ind = commitment("pub-preview", publish=False)
    factories.record(ind, "NAT", "2026-03", 85.0, state="published")
    code = ind.outcome.priority.code
    assert sign_in(None).get(f"/public/manage/{code}/preview/").status_code == 302  # to sign in
    assert sign_in("observer").get(f"/public/manage/{code}/preview/").status_code == 403
    html = sign_in("duhead").get(f"/public/manage/{code}/preview/").content.decode()
    assert 'id="preview"' in html and "85.0%" in html
    assert sign_in(None).get(f"/public/commitments/{code}/").status_code == 404


def test_the_manage_page_publishes_through_the_action(db):
    ind = commitment("pub-manage", publish=False)
    code = ind.outcome.priority.code
    c = sign_in("duhead")
    assert f'id="manage-{code}"' in c.get("/public/manage/").content.decode()
    c.post(f"/public/manage/{code}/", {"published": "on", "show_chart": "on", "summary": "Plain words"})
    html = sign_in(None).get(f"/public/commitments/{code}/").content.decode()
    assert "Plain words" in html and "Target:" not in html
    refused = c.post("/public/manage/reading-11/", {"published": "on"}, follow=True).content.decode()
    assert "published: " in refused and "is not a published priority" in refused
    assert sign_in(None).get("/public/commitments/reading-11/").status_code == 404


def test_an_official_finds_the_way_to_sign_in_from_the_public_site(client, db):
    """Anonymous visitors land on the public site (/ sends them there), so its every page links to the sign-in."""
    page = client.get("/", follow=True)
    assert page.redirect_chain and page.redirect_chain[-1][0].startswith("/public/")
    assert re.search(r'<a href="/accounts/login/">[^<]+</a>', page.content.decode())
