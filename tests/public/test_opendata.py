"""Open data and the public API give the pages' numbers: published values only, the same everywhere."""

import csv
import io
import re

from stocktake.architecture.models import Indicator, Priority
from stocktake.public import actions
from tests import factories
from tests.factories import sign_in

from .helpers import commitment


def _page_latest(html: str, code: str) -> str:
    block = html.split(f'id="indicator-{code}"', 1)[1]
    return re.search(r'<span class="figure">([^<]+)</span>', block).group(1)


def test_csv_json_api_and_page_agree_on_every_published_figure_and_show_nothing_else(db):
    ind = commitment("pub-open")
    factories.record(ind, "NAT", "2026-01", 81.25, state="published")
    factories.record(ind, "NAT", "2026-02", 83.5, state="published")
    factories.record(ind, "NAT", "2026-03", 97.75, state="validated")
    c = sign_in(None)
    rows = list(csv.DictReader(io.StringIO(c.get(f"/public/data/{ind.code}.csv").content.decode())))
    assert [(r["period"], float(r["value"])) for r in rows] == [("2026-01", 81.25), ("2026-02", 83.5)]
    body = c.get(f"/public/data/{ind.code}.json").json()
    assert [(r["period"], r["value"]) for r in body["rows"]] == [("2026-01", 81.25), ("2026-02", 83.5)]
    assert body["licence"]["url"].startswith("https://creativecommons.org/")
    assert {d["column"] for d in body["dictionary"]} == set(rows[0])
    api = c.get(f"/api/public/series/{ind.code}").json()
    assert [(r["period"], r["value"]) for r in api] == [("2026-01", 81.25), ("2026-02", 83.5)]
    one = c.get(f"/api/public/commitments/{ind.outcome.priority.code}").json()
    (i,) = one["indicators"]
    assert (i["latest_value"], i["latest_period"], i["target_value"]) == (83.5, "2026-02", 90.0)
    page = c.get(f"/public/commitments/{ind.outcome.priority.code}/").content.decode()
    assert _page_latest(page, ind.code) == ind.fmt(i["latest_value"]) == "83.5%"


def test_every_demo_commitment_agrees_between_api_and_page(db):
    for p in Priority.objects.filter(published=True):
        actions.publish(p, user=factories.user("duhead"), published=True)
    c = sign_in(None)
    listed = c.get("/api/public/commitments").json()
    assert {x["code"] for x in listed} == set(Priority.objects.filter(published=True).values_list("code", flat=True))
    for x in listed:
        page = c.get(f"/public/commitments/{x['code']}/").content.decode()
        for i in x["indicators"]:
            ind = Indicator.objects.get(code=i["code"])
            assert _page_latest(page, i["code"]) == ind.fmt(i["latest_value"])
            national = [r for r in c.get(f"/api/public/series/{i['code']}").json() if r["org_unit_level"] == 1]
            if i["latest_period"]:
                (row,) = [r for r in national if r["period"] == i["latest_period"]]
                assert row["value"] == round(i["latest_value"], 6)


def test_unit_rows_are_in_the_files_only_when_unit_figures_are_published(db):
    priority = Priority.objects.get(code="homicides")
    actions.publish(priority, user=factories.user("duhead"), published=True)
    code = priority.outcomes.first().indicators.first().code
    c = sign_in(None)
    assert {r["org_unit_level"] for r in c.get(f"/api/public/series/{code}").json()} == {1}
    actions.publish(priority, user=factories.user("duhead"), show_units=True)
    assert {r["org_unit_level"] for r in c.get(f"/api/public/series/{code}").json()} >= {1, 2}


def test_what_is_not_public_is_a_404_everywhere(db):
    c = sign_in(None)
    for url in [
        "/api/public/commitments/reading-11",
        "/api/public/series/reading-age-11",
        "/public/data/reading-age-11.csv",
        "/public/commitments/ae-waits/",
    ]:
        assert c.get(url).status_code == 404, url
    assert c.get("/api/public/commitments").json() == []
