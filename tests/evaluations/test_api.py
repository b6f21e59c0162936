"""The API: same numbers as the page, writes only by the delivery unit, nothing unpublished for the public."""

import re

import pytest
from django.test import Client

from stocktake.evaluations.models import Evaluation

from .conftest import COMPARISON, TREATED, WINDOWS

pytestmark = pytest.mark.django_db


def payload(**change):
    data = {
        "indicator": "homicides",
        "name": "API design",
        "treated": [{"unit": u, "start": s} for u, s in TREATED],
        "comparison": COMPARISON,
        **WINDOWS,
    }
    data.update(change)
    return data


def post(c, data):
    return c.post("/api/evaluations/", data, content_type="application/json")


def test_create_read_and_the_same_numbers_as_the_page(login):
    c = login("manager")
    r = post(c, payload())
    assert r.status_code == 201, r.content
    body = r.json()
    ev = Evaluation.objects.get(pk=body["id"])
    got = c.get(f"/api/evaluations/{ev.pk}").json()
    assert got["result"]["estimates"] == body["result"]["estimates"]
    page = c.get(f"/evaluations/{ev.pk}/").content.decode()
    for est in got["result"]["estimates"]:
        row = page.split(f'data-method="{est["method"]}"')[1].split("</tr>")[0]
        shown = float(re.search(r'class="num effect">([^<]+)<', row).group(1).replace("\u2212", "-"))
        assert shown == pytest.approx(est["effect"], abs=5e-4)
    verdict = page.split('id="verdict">')[1].split("</div>")[0]
    for sentence in got["result"]["verdict"]:
        assert sentence.replace('"', "&quot;").replace("'", "&#x27;") in verdict
    assert got["treated"] == [
        {"unit": u, "name": got["treated"][i]["name"], "start": s, "distance": None} for i, (u, s) in enumerate(TREATED)
    ]


def test_bad_input_names_the_field_and_stores_nothing(login):
    c = login("manager")
    for change, field in [
        (dict(comparison=["R01-D01"]), "comparison"),
        (dict(comparison=[]), "comparison"),
        (dict(pre_start="2024Q1"), "pre_start"),
        (dict(post_end="2031-01"), "post_end"),
        (dict(indicator="nothing"), "indicator"),
        (dict(treated=[{"unit": "NOWHERE", "start": "2024-07"}]), "treated"),
    ]:
        r = post(c, payload(**change))
        assert r.status_code == 400, (change, r.content)
        assert field in r.json()["errors"], (change, r.json())
    assert not Evaluation.objects.filter(name="API design").exists()


def test_only_the_delivery_unit_creates(login):
    assert post(login("observer"), payload()).status_code == 403
    assert post(Client(), payload()).status_code in (401, 403)
    assert not Evaluation.objects.filter(name="API design").exists()


def test_the_public_sees_nothing_unpublished(login, demo_evaluation):
    r = post(login("manager"), payload())
    pk = r.json()["id"]
    public = Client()
    assert public.get(f"/api/evaluations/{pk}").status_code == 404
    assert public.get(f"/api/evaluations/{pk}/panel.csv").status_code == 404
    listed = {e["id"] for e in public.get("/api/evaluations/").json()}
    assert pk not in listed and demo_evaluation.pk in listed
    shown = public.get(f"/api/evaluations/{demo_evaluation.pk}").json()
    assert shown["published_values_only"] is True and shown["result"]["direction"] == "fell"
    assert login("pm").get(f"/api/evaluations/{pk}").status_code == 200  # the head of government reads drafts
    # Observers read published material only (docs/decisions/0005-observers-read-published-values.md).
    assert login("observer").get(f"/api/evaluations/{pk}").status_code == 404


def test_panel_csv_from_the_api_matches_the_page(login, demo_evaluation):
    c = login("observer")
    api = c.get(f"/api/evaluations/{demo_evaluation.pk}/panel.csv")
    page = c.get(f"/evaluations/{demo_evaluation.pk}/panel.csv")
    assert api.status_code == 200 and api.content == page.content
