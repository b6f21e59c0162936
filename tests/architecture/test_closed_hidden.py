"""Closed pillars, priorities, outcomes, indicators and org units stay, but leave the everyday pages: the
portfolio, the structure lists, the pickers and the unit suggestions show them only when asked ("Show closed")."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from stocktake.architecture import actions
from stocktake.architecture.models import Indicator, OrgUnit, Outcome, Pillar, Priority
from tests.factories import sign_in

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 1)


def _close(obj):
    return actions.close_architecture(obj, on=DAY, interface="system")


def _codes(html: str) -> set[str]:
    return set(re.findall(r"<td><code>([^<]+)</code></td>", html))


@pytest.mark.parametrize(
    "kind, model",
    [
        ("pillars", Pillar),
        ("priorities", Priority),
        ("outcomes", Outcome),
        ("indicators", Indicator),
        ("org-units", OrgUnit),
    ],
)
def test_a_structure_list_leaves_closed_ones_out_unless_asked(kind, model):
    obj = model.objects.order_by("code").first()
    c = sign_in("manager")
    assert obj.code in _codes(c.get(f"/structure/{kind}/", {"q": obj.code}).content.decode())
    _close(obj)
    assert obj.code not in _codes(c.get(f"/structure/{kind}/", {"q": obj.code}).content.decode())
    shown = c.get(f"/structure/{kind}/", {"q": obj.code, "closed": "1"}).content.decode()
    assert obj.code in _codes(shown) and 'name="closed" value="1" checked' in shown


def _options(html: str, name: str) -> set[str]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return set(re.findall(r'<option value="(\d+)"', select))


def test_a_picker_offers_no_closed_parent_but_keeps_the_current_one():
    outcome = Outcome.objects.order_by("code").first()
    indicator = outcome.indicators.order_by("code").first()
    c = sign_in("manager")
    assert str(outcome.pk) in _options(c.get("/structure/indicators/new/").content.decode(), "outcome")
    _close(outcome)
    assert str(outcome.pk) not in _options(c.get("/structure/indicators/new/").content.decode(), "outcome")
    editing = c.get(f"/structure/indicators/{indicator.code}/edit/").content.decode()
    assert str(outcome.pk) in _options(editing, "outcome")
    pillar = Pillar.objects.order_by("code").first()
    _close(pillar)
    assert str(pillar.pk) not in _options(c.get("/structure/priorities/new/").content.decode(), "pillar")


def test_a_closed_unit_is_not_suggested_unless_asked():
    c = sign_in("manager")
    assert any(u["code"] == "R01" for u in c.get("/structure/org-units/lookup/", {"q": "R01"}).json()["units"])
    actions.close_org_unit(OrgUnit.objects.get(code="R01"), on=DAY, interface="system")
    assert not any(u["code"] == "R01" for u in c.get("/structure/org-units/lookup/", {"q": "R01"}).json()["units"])
    asked = c.get("/structure/org-units/lookup/", {"q": "R01", "closed": "1"}).json()["units"]
    assert any(u["code"] == "R01" for u in asked)


def _portfolio(c, **query) -> tuple[str, str]:
    """The portfolio table alone (panels beside it may name a priority too), and the whole page."""
    html = c.get("/", query).content.decode()
    return re.search(r'<table class="portfolio" id="portfolio">.*?</table>', html, re.S).group(0), html


def test_the_portfolio_leaves_closed_priorities_and_indicators_out_unless_asked():
    priority = Priority.objects.get(code="ae-waits")
    indicator = Indicator.objects.get(code="stunting")
    c = sign_in("manager")
    before, _page = _portfolio(c)
    assert priority.name in before and indicator.name in before
    _close(priority)
    _close(indicator)
    after, _page = _portfolio(c)
    assert priority.name not in after and indicator.name not in after
    asked, page = _portfolio(c, closed="1")
    assert priority.name in asked and indicator.name in asked
    assert 'name="closed" value="1" checked' in page
