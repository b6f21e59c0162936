"""Several roots in packs and reports (issue 16, several roots): each indicator's performance is read within
one root, the one chosen or the one it reports under, and its units table lists that root's units only."""

from datetime import date

import pytest
from django.template.loader import render_to_string

from stocktake.architecture.models import OrgUnit
from stocktake.monitoring.models import Rollup
from stocktake.routines import actions, pack
from stocktake.routines.performance import priority_performance
from tests.monitoring.test_roots import _three_roots


def _only(perf):
    return perf["outcomes"][0]["indicators"][0]


@pytest.fixture
def three(db):
    """The demo's nation (NAT, the largest root) and roots B and C; an indicator reported under B and C only."""
    ind, b, b_units, c, c_units = _three_roots()
    return ind, b, c


def test_an_indicator_reported_under_other_roots_is_read_there_with_that_roots_units(three):
    ind, b, c = three
    row = _only(priority_performance(ind.outcome.priority))
    assert row["summary"].latest_period == "2026-10" and row["summary"].latest == pytest.approx(10 * 6)
    assert {u["unit"].code for u in row["units"]} == {"B-R0", "B-R1"}
    assert all(u["latest"] != "–" for u in row["units"])


def test_the_chosen_root_is_read_and_no_other_roots_units_appear(three):
    ind, b, c = three
    row = _only(priority_performance(ind.outcome.priority, root="C"))
    assert row["summary"].latest == pytest.approx(20 * 6)
    assert {u["unit"].code for u in row["units"]} == {"C-R0", "C-R1"}


def test_the_nations_indicators_stay_on_the_nation_beside_them(three):
    ind, b, c = three
    demo = Rollup.objects.filter(org_unit__code="NAT", indicator__report_depth__gte=2).first().indicator
    row = next(
        i
        for o in priority_performance(demo.outcome.priority)["outcomes"]
        for i in o["indicators"]
        if i["indicator"].pk == demo.pk
    )
    nation = OrgUnit.objects.get(code="NAT")
    assert {u["unit"].parent_id for u in row["units"]} == {nation.pk}


def test_a_meetings_pack_prints_each_indicator_within_its_own_root(three, person):
    ind, b, c = three
    priority = ind.outcome.priority
    routine = actions.create_routine(
        name="Roots stocktake",
        kind="stocktake",
        chair=person("pm"),
        frequency="monthly",
        starts_on=date(2026, 12, 1),
        priorities=[priority],
    )
    meeting = actions.create_meeting(routine=routine, date=date(2026, 12, 1), priorities=[priority])
    body = render_to_string("routines/_pack_body.html", pack.build(meeting))
    assert "B region 0" in body and "C region 0" not in body
    assert not any(r.name in body for r in OrgUnit.objects.filter(parent__code="NAT"))
