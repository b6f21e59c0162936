"""Heat maps, league tables, exports and the forecast in headless Chromium, as a person would use them."""

import csv
import io

import pytest

from tests.browser.signin import sign_in

pytestmark = pytest.mark.browser

COLOURS = {"on_track": "rgb(26, 127, 55)", "slightly_off": "rgb(212, 167, 44)", "off_track": "rgb(207, 34, 46)"}


def assert_cells_coloured_by_status(page, selector="#heatmap td.cell[data-status]"):
    cells = page.locator(selector)
    assert cells.count() > 0
    pairs = cells.evaluate_all("els => els.map(e => [e.dataset.status, getComputedStyle(e).backgroundColor])")
    for status, colour in pairs:
        if status in COLOURS:
            assert colour == COLOURS[status], (status, colour)


def test_heatmap_from_portfolio_drills_region_district_facility(page, demo_server):
    sign_in(page, demo_server)
    page.click('tbody:has(tr[data-indicator="ae-4h"]) summary')  # open the priority to its indicators
    page.click('tr[data-indicator="ae-4h"] >> text=Heat map')  # one click from the portfolio
    page.wait_for_url("**/monitoring/heatmap/ae-4h/")
    assert page.locator("#heatmap tbody tr").count() == 6  # regions
    assert_cells_coloured_by_status(page)
    page.click('tr[data-unit="R05"] a.drill')  # HTMX swap, URL pushed
    page.wait_for_url("**unit=R05")
    page.wait_for_selector('tr[data-unit="R05-D01"]')
    assert page.locator("#parent").inner_text() == "Southern Region"
    assert_cells_coloured_by_status(page)
    page.click('tr[data-unit="R05-D01"] a.drill')
    page.wait_for_url("**unit=R05-D01")
    page.wait_for_selector('tr[data-unit="R05-D01-H1"]')
    assert page.locator("#heatmap tbody tr").count() == 2  # the district's two hospitals
    assert_cells_coloured_by_status(page)
    assert page.errors == []


def test_every_indicator_heatmap_shows_known_off_track_region(page, demo_server):
    sign_in(page, demo_server)
    page.click("#heatmap-link")
    page.wait_for_url("**/monitoring/heatmap/")
    col = page.locator('th[data-indicator="homicides"]').get_attribute("data-col")
    # Southern Region's homicides rise while the plan falls (the demo makes it so): off track, in red
    cell = page.locator(f'tr[data-unit="R05"] td[data-col="{col}"]')
    assert cell.get_attribute("data-status") == "off_track"
    assert cell.evaluate("e => getComputedStyle(e).backgroundColor") == COLOURS["off_track"]
    assert_cells_coloured_by_status(page)


def test_league_table_csv_download_matches_the_page(page, demo_server):
    sign_in(page, demo_server)
    page.click('tbody:has(tr[data-indicator="homicides"]) summary')  # open the priority to its indicators
    page.click('tr[data-indicator="homicides"] >> text=League')
    page.wait_for_url("**/monitoring/league/homicides/")
    rows = page.locator("#league tbody tr")
    assert rows.count() == 48
    on_page = rows.evaluate_all(
        "trs => trs.map(t => [t.dataset.unit, t.cells[0].innerText.trim(), t.cells[3].innerText.trim()])"
    )
    with page.expect_download() as dl:
        page.click('#exports a[data-format="csv"]')
    body = list(csv.reader(io.StringIO(open(dl.value.path(), encoding="utf-8").read())))
    header = body[0]
    assert header[:5] == ["Rank", "Previous rank", "Movement", "Code", "Org unit"]
    from_file = [[r[3], r[0], f"{float(r[5]):.0f}"] for r in body[1:]]
    assert from_file == [[u, rank, value.split()[0].replace(",", "")] for u, rank, value in on_page]
    assert (
        page.locator('#league tr[data-status="off_track"] .status').first.evaluate(
            "e => getComputedStyle(e).backgroundColor"
        )
        == COLOURS["off_track"]
    )


def test_trajectory_chart_draws_forecast_and_overlay(page, demo_server):
    page.goto(demo_server + "/indicators/homicides/")
    page.wait_for_selector("#trajectory-chart.chart-ready svg")
    svg = page.locator("#trajectory-chart svg")
    dashed = svg.locator("path[aria-roledescription='line mark']").evaluate_all(
        "ps => ps.filter(p => (p.getAttribute('stroke-dasharray') || '') === '4,4').length"
    )
    assert dashed == 1  # the forecast
    assert svg.locator("path[aria-roledescription='area mark']").count() == 1  # its band
    page.select_option("select[name=overlay]", "R05")
    page.click("#overlay-form button")
    page.wait_for_url("**overlay=R05")
    page.wait_for_selector("#trajectory-chart.chart-ready svg")
    assert page.locator("#trajectory-chart svg path[aria-roledescription='line mark']").count() == 4
    assert "%" in page.locator("#forecast-card .big").inner_text()
    assert page.errors == []
