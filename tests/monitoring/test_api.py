"""The monitoring API: same numbers as the pages, same permissions."""

import csv
import io

from stocktake.architecture.models import Indicator
from stocktake.monitoring import series
from stocktake.monitoring.models import AlertRule
from tests import factories


def test_portfolio_api_matches_the_status_rule_and_hides_unpublished(client, db):
    public = client.get("/api/monitoring/portfolio").json()
    codes = {r["indicator"] for r in public}
    assert "ae-4h" in codes and "reading-age-11" not in codes
    assert next(r for r in public if r["indicator"] == "ae-4h")["provisional"] is None  # published values only
    # the delivery unit: every state (the public: tests/web/test_publication_boundary.py)
    client.force_login(factories.user("validator"))
    rows = client.get("/api/monitoring/portfolio").json()
    ae = next(r for r in rows if r["indicator"] == "ae-4h")
    s = series.summarise(Indicator.objects.get(code="ae-4h"))
    assert ae["status"] == s.status.code and ae["provisional_period"] == "2026-10"
    assert 0 <= ae["probability"] <= 1


def test_forecast_heatmap_and_league_api(client, db):
    fc = client.get("/api/monitoring/indicators/homicides/forecast").json()
    assert fc["points"][-1]["date"] == "2027-03-31" and fc["method"] in ("linear", "seasonal")
    assert all(p["low"] <= p["mean"] <= p["high"] for p in fc["points"])
    hm = client.get("/api/monitoring/indicators/ae-4h/heatmap?unit=R02").json()
    assert len(hm["rows"]) == 8 and len(hm["periods"]) == 12
    assert client.get("/api/monitoring/indicators/ae-4h/heatmap?unit=R02-D01-H1").status_code == 400
    league = client.get("/api/monitoring/indicators/homicides/league?period=2026-09").json()
    page = list(
        csv.reader(io.StringIO(client.get("/monitoring/league/homicides/?period=2026-09&format=csv").content.decode()))
    )
    assert [r["unit"] for r in league] == [r[3] for r in page[1:]]
    assert client.get("/api/monitoring/indicators/reading-age-11/league").status_code == 404


def test_alert_rule_api_permissions_and_errors(client, sign_in, db):
    count = AlertRule.objects.count()
    assert client.get("/api/monitoring/alerts").status_code == 401
    body = {"indicator": "rail-ppm", "kind": "beyond_band", "depth": 2}
    assert (
        sign_in("health-data").post("/api/monitoring/alert-rules", body, content_type="application/json").status_code
        == 403
    )
    c = sign_in("manager")
    bad = c.post("/api/monitoring/alert-rules", {**body, "depth": 3}, content_type="application/json")
    assert bad.status_code == 400 and "depth" in bad.json()["errors"]
    assert AlertRule.objects.count() == count
    ok = c.post("/api/monitoring/alert-rules", body, content_type="application/json")
    assert ok.status_code == 201 and ok.json()["indicator"] == "rail-ppm"
    raised = c.post("/api/monitoring/alerts/evaluate?indicator=rail-ppm").json()
    assert isinstance(raised, list)
    assert len(c.get("/api/monitoring/alerts").json()) >= len(raised)
