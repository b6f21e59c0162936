"""The portfolio, the indicator page and the back office, through Django's test client."""

import json
import re

import pytest

from stocktake.architecture.models import Indicator, Target
from stocktake.monitoring import series


def test_portfolio_shows_every_priority_with_status(client, admin_user):
    client.force_login(admin_user)  # the delivery unit sees unpublished priorities too
    html = client.get("/").content.decode()
    for name in [
        "Cut waiting times in emergency departments",
        "Every child reads well by age 11",
        "Halve violent deaths",
    ]:
        assert name in html
    statuses = set(re.findall(r'data-status="([a-z_]+)"', html))
    assert {"on_track", "off_track"} <= statuses
    assert "No accountable leader" in html  # the demo's birth-registration outcome has none


def test_portfolio_status_matches_the_status_rule(client, admin_user):
    client.force_login(admin_user)
    html = client.get("/").content.decode()
    for ind in Indicator.objects.filter(kind="performance"):
        expected = series.summarise(ind).status.code
        assert f'data-indicator="{ind.code}" data-status="{expected}"' in html


def test_indicator_page_carries_the_chart_spec(client, db):
    response = client.get("/indicators/ae-4h/")
    assert response.status_code == 200
    html = response.content.decode()
    spec = json.loads(
        re.search(r'<script id="trajectory-spec" type="application/json">(.*?)</script>', html, re.S).group(1)
    )
    series_names = {row["series"] for row in spec["layer"][0]["data"]["values"]}
    assert series_names == {"Actual", "Trajectory"}
    labels = {m["label"] for m in spec["layer"][1]["data"]["values"]}
    assert labels == {"Baseline", "Target"}


def test_indicator_page_drills_down_and_404s_on_unknowns(client, db):
    assert client.get("/indicators/ae-4h/?unit=R01").status_code == 200
    assert client.get("/indicators/ae-4h/?unit=NOPE").status_code == 404
    assert client.get("/indicators/no-such-indicator/").status_code == 404


def test_admin_refuses_to_change_a_committed_target_without_reason(client, admin_user):
    client.force_login(admin_user)
    target = Target.objects.get(indicator__code="rail-ppm", org_unit=None)
    form = {
        "indicator": target.indicator_id,
        "org_unit": "",
        "baseline_value": target.baseline_value,
        "baseline_date": target.baseline_date.isoformat(),
        "target_value": target.target_value + 1,
        "target_date": target.target_date.isoformat(),
        "status": "committed",
        "trajectory_method": target.trajectory_method,
        "stages": json.dumps(target.stages),
        "rationale": target.rationale,
        "reason": "",
        "revisions-TOTAL_FORMS": "1",
        "revisions-INITIAL_FORMS": "1",
        "revisions-MIN_NUM_FORMS": "0",
        "revisions-MAX_NUM_FORMS": "1000",
        "revisions-0-id": target.revisions.get().pk,
        "revisions-0-target": target.pk,
    }
    response = client.post(f"/admin/architecture/target/{target.pk}/change/", form)
    assert response.status_code == 200
    assert "A committed target can only be changed with a reason" in response.content.decode()
    assert Target.objects.get(pk=target.pk).target_value == target.target_value
    form["reason"] = "Minister raised the ambition"
    response = client.post(f"/admin/architecture/target/{target.pk}/change/", form)
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.revision == 2 and target.revisions.last().reason == "Minister raised the ambition"


def test_audit_entries_cannot_be_edited_or_deleted(db):
    from stocktake.accounts.models import AuditEntry

    entry = AuditEntry.objects.first()
    entry.reason = "tampered"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_api_health_and_openapi_schema(client, db):
    assert client.get("/api/health").json()["status"] == "ok"
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "Stocktake API"
