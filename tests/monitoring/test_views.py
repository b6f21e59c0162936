"""The monitoring pages through Django's test client: permissions, numbers, drill-down, exports."""

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook

from stocktake.architecture.models import Indicator, OrgUnit, Period, Priority
from stocktake.delivery import status as S
from stocktake.monitoring import series, tables
from tests import factories


def spec_of(html, name):
    return json.loads(re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', html, re.S).group(1))


def csv_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_monitoring_index_links_every_view_for_visible_indicators(client, db):
    html = client.get("/monitoring/").content.decode()
    assert 'href="/monitoring/heatmap/"' in html
    assert 'href="/monitoring/heatmap/ae-4h/"' in html and 'href="/monitoring/league/ae-4h/"' in html
    assert "reading-age-11" not in html  # unpublished: the public does not see it


def test_the_public_sees_only_published_priorities(client, sign_in, db):
    hidden = Priority.objects.filter(published=False)
    assert hidden.exists()
    html = client.get("/", follow=True).content.decode()  # the public site (the portfolio is for officials)
    for p in hidden:
        assert p.name not in html
    assert client.get("/indicators/reading-age-11/").status_code == 404
    assert client.get("/monitoring/heatmap/reading-age-11/").status_code == 404
    assert client.get("/monitoring/league/reading-age-11/?format=csv").status_code == 404
    assert "reading-age-11" not in client.get("/monitoring/heatmap/?format=csv").content.decode()
    # the ministry that owns it sees it, another ministry does not
    assert sign_in("education-data").get("/monitoring/heatmap/reading-age-11/").status_code == 200
    assert sign_in("health-data").get("/monitoring/league/reading-age-11/").status_code == 404
    assert sign_in("observer").get("/indicators/reading-age-11/").status_code == 200


def test_portfolio_marks_unverified_data_and_offers_views(client, db):
    # the delivery unit: every state (the public: tests/web/test_publication_boundary.py)
    client.force_login(factories.user("validator"))
    html = client.get("/").content.decode()
    assert "2026-10:" in html and "unverified" in html  # the demo's latest month is only submitted
    assert 'href="/monitoring/heatmap/ae-4h/"' in html
    ae = Indicator.objects.get(code="ae-4h")
    summary = series.summarise(ae)
    assert summary.latest_period == "2026-09" and summary.provisional_period == "2026-10"


def test_portfolio_exports_carry_the_page_numbers(client, db):
    # the delivery unit: every state (the public: tests/web/test_publication_boundary.py)
    client.force_login(factories.user("validator"))
    rows = csv_rows(client.get("/?format=csv"))
    header, body = rows[0], rows[1:]
    by_code = {r[header.index("Indicator")]: r for r in body}
    ae = Indicator.objects.get(code="ae-4h")
    s = series.summarise(ae)
    row = by_code[ae.name]
    assert row[header.index("Status")] == s.status.label
    assert float(row[header.index("Latest")]) == pytest.approx(s.latest)
    wb = load_workbook(io.BytesIO(client.get("/?format=xlsx").content))
    assert [c.value for c in wb.active[1]] == header
    assert wb.active.max_row == len(rows)
    svg = client.get("/?format=svg")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content[:200]
    assert client.get("/?format=pdf").status_code == 400


def test_trajectory_chart_has_forecast_band_and_overlay(client, db):
    html = client.get("/indicators/homicides/?overlay=R05").content.decode()
    spec = spec_of(html, "trajectory-spec")
    marks = [layer["mark"] for layer in spec["layer"]]
    assert {"type": "area", "opacity": 0.18, "color": "#8250df"} in marks
    dashed = [m for m in marks if isinstance(m, dict) and m.get("strokeDash")]
    assert dashed and dashed[0]["type"] == "line"
    overlay = spec["layer"][-1]["data"]["values"]
    assert overlay and overlay[0]["series"].startswith("Southern Region")
    assert "Chance of meeting the target" in html and "Against peers" in html and "Against itself" in html
    png = client.get("/indicators/homicides/?format=png")
    assert png["Content-Type"] == "image/png" and png.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_heatmap_cells_follow_the_status_rule_and_drill_down(client, db):
    # the delivery unit: every state (the public: tests/web/test_publication_boundary.py)
    client.force_login(factories.user("validator"))
    ae = Indicator.objects.get(code="ae-4h")
    html = client.get("/monitoring/heatmap/ae-4h/").content.decode()
    assert html.count('<tr data-unit="R0') == 6  # regions under the nation
    region = OrgUnit.objects.get(code="R05")
    html = client.get("/monitoring/heatmap/ae-4h/?unit=R05").content.decode()
    districts = set(re.findall(r'<tr data-unit="(R05-D\d\d)"', html))
    assert districts == set(region.children.values_list("code", flat=True))
    # every cell's colour is the status the rule gives that district's official value against its plan
    plan = series.Plan.build(ae, [d.pk for d in region.children.all()])
    period = Period.objects.get(code="2026-09")
    for d in region.children.all():
        value = dict((r["period__code"], v) for r, v in series.series(ae, d, official=True))["2026-09"]
        expected = plan.assess(d.pk, value, "2026-09").code
        row = re.search(rf'<tr data-unit="{d.code}">(.*?)</tr>', html, re.S).group(1)
        cells = re.findall(r'data-status="([a-z_]+)"', row)
        assert cells[-2] == expected  # the column before the unverified last month
        assert period.code in html
    deeper = client.get("/monitoring/heatmap/ae-4h/?unit=R05-D01").content.decode()
    assert 'data-unit="R05-D01-H1"' in deeper and 'data-unit="R05-D01-H2"' in deeper
    rows = csv_rows(client.get("/monitoring/heatmap/ae-4h/?unit=R05&format=csv"))
    assert {r[0] for r in rows[1:]} == districts


def test_national_heatmap_of_districts_skips_a_level(client, db):
    rows = csv_rows(client.get("/monitoring/heatmap/homicides/?depth=3&periods=6&format=csv"))
    assert len(rows) == 1 + 48 and len(rows[0]) == 2 + 4 * 6  # value, status, coverage, partial
    assert client.get("/monitoring/heatmap/homicides/?depth=x").status_code == 400


def test_units_by_indicators_heatmap(client, db):
    html = client.get("/monitoring/heatmap/").content.decode()
    statuses = set(re.findall(r'data-status="([a-z_]+)"', html))
    assert S.OFF_TRACK in statuses and S.ON_TRACK in statuses
    xlsx = load_workbook(io.BytesIO(client.get("/monitoring/heatmap/?unit=R02&format=xlsx").content)).active
    assert xlsx.max_row == 1 + 8  # the region's districts
    fills = {
        c.fill.fgColor.rgb for row in xlsx.iter_rows(min_row=2) for c in row if c.value in ("Off track", "On track")
    }
    assert "00CF222E" in fills or "FFCF222E" in fills


def test_league_table_ranks_best_first_with_movement(client, db):
    # the delivery unit: every state (the public: tests/web/test_publication_boundary.py)
    client.force_login(factories.user("validator"))
    homicides = Indicator.objects.get(code="homicides")
    root = series.root_unit()
    period = Period.objects.get(code="2026-09")
    rows = tables.league(homicides, root, 3, period, root)
    assert len(rows) == 48
    # a count: ranked by the gap to each district's own plan (as a share of its planned change), not by the count
    plan = series.Plan.build(homicides, [r.unit.pk for r in rows], root=root)
    keys = [tables.relative_gap(plan, r.unit.pk, r.value, r.planned, homicides.direction) for r in rows]
    assert keys == sorted(keys, reverse=True)
    assert [r.value for r in rows] != sorted(r.value for r in rows)  # not the fewest homicides first
    previous = tables.league(homicides, root, 3, Period.objects.get(code="2026-08"), root)
    prev_rank = {r.unit.pk: r.rank for r in previous}
    assert all(r.previous_rank == prev_rank[r.unit.pk] and r.movement == prev_rank[r.unit.pk] - r.rank for r in rows)
    body = csv_rows(client.get("/monitoring/league/homicides/?period=2026-09&format=csv"))
    assert [int(r[0]) for r in body[1:]] == [r.rank for r in rows]
    assert [r[3] for r in body[1:]] == [r.unit.code for r in rows]
    html = client.get("/monitoring/league/homicides/?period=2026-09").content.decode()
    assert html.count("<tr data-unit=") == 48
    assert client.get("/monitoring/league/homicides/?period=1999-01").status_code == 404


def test_portfolio_shows_alert_badges_to_signed_in_users_only(client, sign_in, db):
    assert "/monitoring/alerts/" not in client.get("/", follow=True).content.decode()
    html = sign_in("duhead").get("/").content.decode()
    assert re.search(r'href="/monitoring/alerts/">\d+ alerts?</a>', html)


def test_unverified_actuals_are_on_the_chart_and_marked(client, db):
    # the delivery unit: every state (the public: tests/web/test_publication_boundary.py)
    client.force_login(factories.user("validator"))
    html = client.get("/indicators/ae-4h/").content.decode()
    spec = spec_of(html, "trajectory-spec")
    actual = [r for r in spec["layer"][0]["data"]["values"] if r["series"] == "Actual"]
    assert actual[-1]["date"] == "2026-10-31"  # the submitted month is drawn...
    ringed = [layer for layer in spec["layer"] if isinstance(layer["mark"], dict) and layer["mark"].get("stroke")]
    assert [r["date"] for r in ringed[0]["data"]["values"]] == ["2026-10-31"]  # ...and ringed as unverified
    band = next(layer for layer in spec["layer"] if isinstance(layer["mark"], dict) and layer["mark"]["type"] == "area")
    assert band["data"]["values"][0]["date"] == "2026-09-30"  # the forecast starts from the last official value


def test_cached_grids_follow_new_data(client, db):
    # the delivery unit: every state (the public: tests/web/test_publication_boundary.py)
    client.force_login(factories.user("validator"))
    from stocktake.monitoring import actions

    url = "/monitoring/league/homicides/?period=2026-09"
    first = client.get(url).content.decode()
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')  # each page masks the sign-out form's anew
    assert token.sub("", first) == token.sub("", client.get(url).content.decode())
    district = OrgUnit.objects.get(code="R03-D05")
    html = client.get("/monitoring/heatmap/homicides/?unit=R03").content.decode()
    actions.record_value(
        indicator=Indicator.objects.get(code="homicides"),
        org_unit=district,
        period=Period.objects.get(code="2026-09"),
        value=999,
        state="validated",
    )
    after = client.get(url).content.decode()
    assert re.search(r'<tr data-unit="R03-D05" data-status="off_track"><td class="num">48</td>', after)
    assert "999" in client.get("/monitoring/heatmap/homicides/?unit=R03").content.decode() and "999" not in html


@pytest.mark.parametrize(
    "code,parent_code,depth",
    [
        ("ae-4h", None, 2),
        ("ae-4h", None, 4),
        ("homicides", None, 3),
        ("ae-4h", "R05", 3),
        ("ae-4h", "R05", 4),
        ("ae-4h", "R05-D01", 4),
    ],
)
def test_grids_read_exactly_the_units_under_the_parent(db, code, parent_code, depth):
    """Heat maps and league tables read a level as an index range (the depth under the root, the parent's
    children, or the ids); each way gives the same plan and cells as looking every unit up by id."""
    from stocktake.monitoring.models import Rollup

    ind = Indicator.objects.get(code=code)
    root = series.root_unit()
    parent = OrgUnit.objects.get(code=parent_code) if parent_code else root
    units = tables.rows_under(parent, depth)
    ids = [u.pk for u in units]
    assert ids and all(u.path.startswith(parent.path) and u.depth == depth for u in units)
    by_level = series.Plan.build(ind, ids, root=root, level=(parent, depth))
    by_ids = series.Plan.build(ind, ids, root=root)
    assert by_ids.national_base is not None and by_level.national_base == pytest.approx(by_ids.national_base, rel=1e-12)
    # the same sums, though PostgreSQL may add the floats in another order under the two plans (last digit)
    assert by_level.unit_bases == pytest.approx(by_ids.unit_bases, rel=1e-12) and set(by_level.unit_bases) == set(ids)
    periods = tables.recent_periods(ind, 6, root)
    rows = Rollup.objects.filter(indicator=ind, org_unit_id__in=ids, period__in=periods)
    expected = {(r.org_unit_id, r.period_id): r.official_value if r.official_count else r.value for r in rows}
    hm = tables.units_by_periods(ind, parent, depth, periods, root)
    assert {k: c.value for k, c in hm.cells.items()} == expected
    wanted = {
        (u, p.pk): by_ids.assess(u, expected[(u, p.pk)], p.code, p.end)
        for u in ids
        for p in periods
        if (u, p.pk) in expected
    }
    # Same status; the shortfall agrees to rounding, as the baselines do.
    assert {k: c.status.code for k, c in hm.cells.items()} == {k: s.code for k, s in wanted.items()}
    assert [hm.cells[k].status.share for k in wanted] == pytest.approx([s.share for s in wanted.values()], nan_ok=True)
    period = periods[-2]
    league = tables.league(ind, parent, depth, period, root)
    assert {r.unit.pk: r.value for r in league} == {
        u: v for (u, p), v in expected.items() if p == period.pk and v is not None
    }
