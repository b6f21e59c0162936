"""Several roots: a government holding three hierarchies sees each on its own, and nothing mixes units across them."""

import csv
import io
from datetime import date

from stocktake.accounts.models import AuditEntry
from stocktake.architecture import actions as architecture_actions
from stocktake.collection import freshness
from stocktake.monitoring import actions
from tests.factories import indicator


def _tree(code, regions=2, districts=3):
    root = architecture_actions.create_org_unit(code=code, name=f"Root {code}", interface="system")
    units = []
    for r in range(regions):
        region = architecture_actions.create_org_unit(
            code=f"{code}-R{r}", name=f"{code} region {r}", parent=root, interface="system"
        )
        for d in range(districts):
            units.append(
                architecture_actions.create_org_unit(
                    code=f"{code}-R{r}-D{d}", name=f"{code} district {r}.{d}", parent=region, interface="system"
                )
            )
    return root, units


def _month(ind, code, units, value=10.0, state="validated"):
    period = architecture_actions.ensure_period(code)
    actions.record_values(
        [
            {
                "indicator_id": ind.pk,
                "org_unit_id": u.pk,
                "period_id": period.pk,
                "disaggregation": "",
                "value": value,
                "numerator": None,
                "denominator": None,
                "comment": "",
            }
            for u in units
        ],
        state=state,
        interface="system",
    )


def _csv(response):
    assert response.status_code == 200, response.content[:300]
    return list(csv.reader(io.StringIO(response.content.decode())))


def _three_roots():
    """The demo's nation (NAT) and two more roots, B and C; an indicator reported in B and C only."""
    b, b_units = _tree("B")
    c, c_units = _tree("C")
    ind = indicator("roots-clinics", target=(50, 80), report_depth=3)
    for m in ("2026-09", "2026-10"):
        _month(ind, m, b_units)
    _month(ind, "2026-11", b_units, value=12.0, state="submitted")
    _month(ind, "2026-10", c_units, value=20.0)
    return ind, b, b_units, c, c_units


def test_a_second_root_is_warned_of_and_audited(db):
    b = architecture_actions.create_org_unit(code="B", name="Root B", interface="system")
    assert "B is a new top-level unit beside NAT" in b.warning
    entry = AuditEntry.objects.filter(model="architecture.orgunit", object_id=str(b.pk), action="create").get()
    assert "several hierarchies" in entry.reason
    child = architecture_actions.create_org_unit(code="B-1", name="Under B", parent=b, interface="system")
    assert child.warning == ""


def test_heat_maps_show_one_root_with_its_periods(db, sign_in):
    ind, b, b_units, c, c_units = _three_roots()
    client = sign_in("manager")
    # No root named: the indicator is reported under B and C only, so the view is B's, not the nation's (empty).
    rows = _csv(client.get("/monitoring/heatmap/roots-clinics/?format=csv"))
    assert [r[0] for r in rows[1:]] == ["B-R0", "B-R1"]
    assert [h for h in rows[0] if h.endswith(" value")] == ["2026-09 value", "2026-10 value", "2026-11 value"]
    rows = _csv(client.get("/monitoring/heatmap/roots-clinics/?root=C&format=csv"))
    assert [r[0] for r in rows[1:]] == ["C-R0", "C-R1"]
    assert [h for h in rows[0] if h.endswith(" value")] == ["2026-10 value"]
    assert rows[1][rows[0].index("2026-10 value")] == "60.0"  # 3 districts x 20
    deep = _csv(client.get("/monitoring/heatmap/roots-clinics/?root=C&depth=3&format=csv"))
    assert sorted(r[0] for r in deep[1:]) == sorted(u.code for u in c_units)
    api = client.get("/api/monitoring/indicators/roots-clinics/heatmap?root=B").json()
    assert api["root"] == "B" and api["periods"] == ["2026-09", "2026-10", "2026-11"]
    assert {r["unit"] for r in api["rows"]} == {"B-R0", "B-R1"}
    page = client.get("/monitoring/heatmap/roots-clinics/?root=C").content.decode()
    assert 'id="root-choice"' in page and 'data-unit="B-R0"' not in page and 'data-unit="C-R0"' in page
    every = _csv(client.get("/monitoring/heatmap/?root=B&format=csv"))
    assert [r[0] for r in every[1:]] == ["B-R0", "B-R1"]
    nation = _csv(client.get("/monitoring/heatmap/?format=csv"))  # the largest root (the demo's nation) by default
    assert not any(r[0].startswith(("B-", "C-")) for r in nation[1:])
    # A unit of one root cannot be asked for under another.
    assert client.get("/monitoring/heatmap/roots-clinics/?root=C&unit=B-R0").status_code == 404


def test_league_without_period_and_portfolio_provisional_within_a_root(db, sign_in):
    ind, b, b_units, c, c_units = _three_roots()
    client = sign_in("manager")
    league = client.get("/api/monitoring/indicators/roots-clinics/league?root=B&depth=3").json()
    assert {r["period"] for r in league} == {"2026-10"}
    assert sorted(r["unit"] for r in league) == sorted(u.code for u in b_units)
    league_c = client.get("/api/monitoring/indicators/roots-clinics/league?root=C&depth=2").json()
    assert sorted(r["unit"] for r in league_c) == ["C-R0", "C-R1"]
    # a count is ranked by the gap to each unit's own plan; C's units have no baseline, so no plan and no rank
    assert all(r["rank"] is None and r["planned"] is None for r in league_c)
    rows = _csv(client.get("/monitoring/league/roots-clinics/?root=C&format=csv"))
    assert len(rows) == 1 + 6 and all(r[3].startswith("C-") for r in rows[1:])
    portfolio = client.get("/api/monitoring/portfolio?root=B").json()
    row = next(r for r in portfolio if r["indicator"] == "roots-clinics")
    assert row["root"] == "B" and row["period"] == "2026-10" and row["latest"] == 60.0
    assert row["provisional_period"] == "2026-11" and row["provisional"] == 72.0
    assert (row["units_reported"], row["units_expected"]) == (6, 6)
    nat = next(r for r in client.get("/api/monitoring/portfolio").json() if r["indicator"] == "roots-clinics")
    assert nat["root"] == "NAT" and nat["period"] is None  # the nation has none of B's or C's figures
    page = client.get("/?root=B").content.decode()
    assert 'id="root-choice"' in page and '<option value="B" selected>' in page and "2026-11: 72.0" in page


def test_completeness_is_counted_within_the_root(db):
    ind, b, b_units, c, c_units = _three_roots()
    today = date(2027, 3, 1)
    due = freshness.due_period(ind.frequency, today)
    _month(ind, due.code, c_units[:4])
    f = freshness.of([ind], today, root=c)[0]
    assert f.root == "C" and f.reported_share == 4 / 6
    assert f.missing_units == [u.code for u in c_units[4:]]
    f = freshness.of([ind], today, root=b)[0]
    assert f.root == "B" and f.reported_share == 0 and f.missing_units == sorted(u.code for u in b_units)
    # The demo's indicators count the nation's 48 districts only, never B's or C's units as missing.
    from stocktake.architecture.models import Indicator

    homicides = freshness.of([Indicator.objects.get(code="homicides")], today)[0]
    assert homicides.root == "NAT"
    assert not any(code.startswith(("B-", "C-")) for code in homicides.missing_units)
    assert len(homicides.missing_units) <= 48


def test_proposals_plans_and_summaries_read_the_root_the_indicator_reports_under(db):
    from stocktake.monitoring import series
    from stocktake.plans import queries
    from stocktake.routines import proposals

    ind, b, b_units, c, c_units = _three_roots()
    assert series.root_unit().code == "NAT" and series.indicator_root(ind) == b  # reported under B and C only
    evidence = proposals.evidence_for(ind.outcome)
    assert [e.status for e in evidence] != ["no_data"]  # B's figures (60 against a plan from 50), not the nation's
    summary = series.summarise(ind)
    assert summary.latest == 60.0 and summary.latest_period == "2026-10"
    assert series.Plan.build(ind).root_id == b.pk
    target = queries.national_target(ind)
    assert queries.history_trend(ind, target) == 0.0  # no values before the baseline, under any root
    homicides = __import__("stocktake.architecture.models", fromlist=["Indicator"]).Indicator.objects.get(
        code="homicides"
    )
    assert series.indicator_root(homicides).code == "NAT"  # the demo's indicators stay with the nation
