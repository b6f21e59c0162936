"""Coverage is part of every aggregate: a month arriving unit by unit does not move the official figure until
enough of the units beneath have reported (the indicator's completeness rule, 90% by default)."""

import csv
import io
from datetime import date

from django.utils import timezone

from stocktake.architecture import actions as architecture_actions
from stocktake.architecture.models import OrgUnit, Period
from stocktake.monitoring import actions, series, tables
from stocktake.monitoring.models import Rollup
from tests.factories import indicator, record


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
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_a_month_arriving_unit_by_unit_does_not_move_the_official_figure_until_complete(db, sign_in):
    ind = indicator("cov-beds", target=(400, 600), report_depth=3)
    nation = OrgUnit.objects.get(code="NAT")
    districts = list(OrgUnit.objects.filter(depth=3).order_by("code"))
    assert len(districts) == 48  # the rule needs ceil(0.9 * 48) = 44 of them
    _month(ind, "2026-10", districts)
    assert Rollup.objects.get(indicator=ind, org_unit=nation, period__code="2026-10").expected == 48
    for n, unit in enumerate(districts[:44], start=1):
        record(ind, unit, "2026-11", 99.0, state="validated")
        s = series.summarise(ind, nation)
        if n < 44:
            assert (s.latest_period, s.latest) == ("2026-10", 480.0), n
            assert s.provisional_period == "2026-11" and s.provisional_incomplete
            assert (s.provisional_coverage.reported, s.provisional_coverage.expected) == (n, 48)
        if n in (1, 43):  # the pages and the API say the same, with the coverage
            c = sign_in("manager")
            row = next(r for r in c.get("/api/monitoring/portfolio").json() if r["indicator"] == "cov-beds")
            assert (row["period"], row["provisional_period"]) == ("2026-10", "2026-11")
            assert row["provisional_incomplete"] and row["provisional_units_reported"] == n
            assert row["provisional_units_expected"] == 48 and row["units_reported"] == 48
            page = c.get("/indicators/cov-beds/").content.decode()
            assert 'id="provisional-coverage"' in page and f"{n} of 48 units reported" in page
            assert tables.latest_official_periods([ind], nation)[ind.pk] == Period.objects.get(code="2026-10").pk
    s = series.summarise(ind, nation)
    assert (s.latest_period, s.latest) == ("2026-11", 44 * 99.0) and s.provisional_period is None
    assert (s.coverage.reported, s.coverage.expected) == (44, 48)


def test_a_stricter_rule_waits_for_every_unit(db):
    ind = indicator("cov-strict", report_depth=3, completeness=1.0)
    nation = OrgUnit.objects.get(code="NAT")
    districts = list(OrgUnit.objects.filter(depth=3).order_by("code"))
    _month(ind, "2026-10", districts)
    _month(ind, "2026-11", districts[:47])
    assert series.summarise(ind, nation).latest_period == "2026-10"
    _month(ind, "2026-11", districts[47:])
    assert series.summarise(ind, nation).latest_period == "2026-11"


def test_heat_map_and_league_never_colour_or_rank_on_a_handful_of_units(db, sign_in):
    ind = indicator("cov-grid", target=(400, 600), report_depth=3)
    districts = list(OrgUnit.objects.filter(depth=3).order_by("code"))
    _month(ind, "2026-10", districts)
    few = [d for d in districts if d.code.startswith("R01-")][:2] + [d for d in districts if d.code.startswith("R02-")][
        :1
    ]
    _month(ind, "2026-11", few, value=50.0)
    c = sign_in("manager")
    # The regions' heat map: 2026-11 cells stand for 2 or 1 of each region's districts: grey, and saying so.
    page = c.get("/monitoring/heatmap/cov-grid/").content.decode()
    assert page.count('data-status="incomplete"') == 2  # R01 and R02 (the other regions have no 2026-11 row)
    assert 'data-period="2026-11"' in page and "incomplete" in page
    rows = _csv(c.get("/monitoring/heatmap/cov-grid/?format=csv"))
    head = rows[0]
    r01 = next(r for r in rows if r[0] == "R01")
    assert r01[head.index("2026-11 status")] == "Incomplete"
    assert float(r01[head.index("2026-11 coverage (%)")]) < 90
    assert float(r01[head.index("2026-10 coverage (%)")]) == 100.0
    # The league defaults to the latest complete month; the incomplete month ranks no region on 2 districts.
    league = c.get("/api/monitoring/indicators/cov-grid/league?depth=2").json()
    # (a count is ranked by the gap to each region's own plan: without baselines here no region has one)
    assert {r["period"] for r in league} == {"2026-10"} and not any(r["incomplete"] for r in league)
    nov = c.get("/api/monitoring/indicators/cov-grid/league?depth=2&period=2026-11").json()
    assert nov and all(r["rank"] is None and r["incomplete"] for r in nov)
    assert {r["unit"] for r in nov} == {"R01", "R02"}
    html = c.get("/monitoring/league/cov-grid/?depth=2&period=2026-11").content.decode()
    assert 'id="period-coverage"' in html and "3 of 48 units reported" in html


def test_partial_periods_are_marked_in_the_api_csv_and_page(db, sign_in):
    ind = indicator("cov-part", report_depth=3)
    districts = list(OrgUnit.objects.filter(depth=3).order_by("code"))
    for m in ("2025-01", "2025-02", "2025-03"):
        _month(ind, m, districts)
    c = sign_in("manager")
    years = c.get("/api/collection/rollups/cov-part/NAT?kind=Y").json()
    assert years == [
        {
            "period": "2025",
            "label": "2025",
            "start": "2025-01-01",
            "end": "2025-12-31",
            "value": 3 * 48 * 10.0,
            "partial": True,
            "partial_reason": "built from 3 of its 12 sub-periods",
        }
    ]
    quarter = c.get("/api/collection/rollups/cov-part/NAT?kind=Q").json()
    assert [q["partial"] for q in quarter] == [False]
    now = timezone.localdate()
    this_month = f"{now.year:04d}-{now.month:02d}"
    _month(ind, this_month, districts)
    rows = _csv(c.get("/indicators/cov-part/?format=csv"))
    head = rows[0]
    by_period = {r[0]: r for r in rows[1:]}
    assert by_period[this_month][head.index("Partial")] == "yes"
    assert by_period[this_month][head.index("Partial reason")].startswith("period not ended")
    assert by_period["2025-01"][head.index("Partial")] == ""
    page = c.get("/indicators/cov-part/").content.decode()
    assert f'data-period="{this_month}"><td>{this_month} <span class="partial-note"' in page
    assert date.fromisoformat(years[0]["end"]) < now
