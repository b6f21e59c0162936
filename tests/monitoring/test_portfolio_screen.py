"""The portfolio as one screen: one row per priority, opened to its indicators, filtered and sorted by query
parameters (so it works without JavaScript), with server-drawn sparklines and the reader's own figures."""

from __future__ import annotations

import re

import pytest

from stocktake.architecture.models import Priority
from stocktake.monitoring import portfolio_screen
from stocktake.web.templatetags import design


def _priorities(html: str) -> list[str]:
    return re.findall(r'<tbody class="priority-group" id="priority-[^"]+" data-priority="([^"]+)"', html)


def _group(html: str, code: str) -> str:
    return re.search(rf'<tbody class="priority-group" id="priority-{code}".*?</tbody>', html, re.S).group(0)


def test_one_row_per_priority_with_its_indicators_inside(sign_in):
    html = sign_in("duhead").get("/").content.decode()
    codes = _priorities(html)
    assert sorted(codes) == sorted(Priority.objects.values_list("code", flat=True))
    ae = _group(html, "ae-waits")
    assert ae.count('class="priority-row"') == 1
    assert 'data-indicator="ae-4h"' in ae and '<details class="expander">' in ae  # closed until opened
    assert '<svg class="spark spark-' in ae and "spark-plan" in ae and "spark-actual" in ae
    assert 'class="likelihood rag-' in ae  # the latest assessment round's likelihood of delivery
    # ?open=all opens every priority, with no script
    opened = sign_in("duhead").get("/?open=all").content.decode()
    assert opened.count('<details class="expander" open>') == len(codes)


@pytest.mark.parametrize(
    "query, keep",
    [
        ("status=off_track", lambda p, status: status == "off_track"),
        ("pillar=health", lambda p, status: p.pillar.code == "health"),
        ("minister=moh", lambda p, status: p.lead_organisation.code == "moh"),
    ],
)
def test_filters_are_query_parameters(sign_in, query, keep):
    client = sign_in("duhead")
    every = client.get("/").content.decode()
    status_of = dict(re.findall(r'data-priority="([^"]+)" data-status="([a-z_]+)"', every))
    shown = _priorities(client.get("/?" + query).content.decode())
    expected = [c for c in _priorities(every) if keep(Priority.objects.get(code=c), status_of[c])]
    assert shown == expected and 0 < len(shown) < len(status_of), query


def test_sorting_by_status_puts_the_worst_first_and_reverses(sign_in):
    client = sign_in("duhead")
    html = client.get("/?sort=status").content.decode()
    statuses = re.findall(r'data-priority="[^"]+" data-status="([a-z_]+)"', html)
    ranks = [portfolio_screen.STATUS_ORDER[s] for s in statuses]
    assert ranks == sorted(ranks) and len(set(ranks)) > 1
    back = re.findall(r'data-priority="[^"]+" data-status="([a-z_]+)"', client.get("/?sort=-status").content.decode())
    assert [portfolio_screen.STATUS_ORDER[s] for s in back] == sorted(ranks, reverse=True)
    # the header links keep the filters and flip the order
    filtered = client.get("/?pillar=health&sort=status").content.decode()
    assert 'href="?pillar=health&amp;sort=-status"' in filtered


@pytest.mark.parametrize(
    "query, field", [("status=purple", "status"), ("pillar=nope", "pillar"), ("sort=colour", "sort")]
)
def test_an_unknown_filter_is_refused_naming_it(sign_in, query, field):
    response = sign_in("duhead").get("/?" + query)
    assert response.status_code == 400
    assert f"<strong>{field}</strong>" in response.content.decode()


def test_the_public_is_sent_to_its_own_site_which_shows_only_published_priorities(sign_in):
    home = sign_in(None).get("/")
    assert home.status_code == 302 and home["Location"] == "/public/"  # not the internal portfolio
    html = sign_in(None).get("/", follow=True).content.decode()
    hidden = set(Priority.objects.filter(published=False).values_list("code", flat=True))
    assert hidden and not hidden & set(_priorities(html))
    assert 'class="likelihood' not in html  # judgements are internal


def test_sparkline_draws_plan_and_actual_and_lifts_the_pen_over_gaps():
    svg = str(design.sparkline([(1.0, 1.0), (None, 2.0), (3.0, 3.0)], "on_track"))
    actual = re.search(r'class="spark-actual" d="([^"]*)"', svg).group(1)
    plan = re.search(r'class="spark-plan" d="([^"]*)"', svg).group(1)
    assert actual.count("M") == 2 and "L" not in actual  # two separate points: no line across the gap
    assert plan.count("M") == 1 and plan.count("L") == 2
    assert "spark-on_track" in svg and "<title>" in svg
    assert "spark-empty" in str(design.sparkline([], "no_data"))


def test_figure_marks_coverage_and_never_doubles_the_percent_sign():
    class Cov:
        reported, expected = 4, 6

    html = str(design.figure("81.7%", "%", Cov(), None))
    assert "81.7%" in html and "figure-unit" not in html
    assert "4/6" in html and "4 of 6 units reported" in html
    assert 'figure-unit">per 100,000' in str(design.figure("3.2", "per 100,000"))
