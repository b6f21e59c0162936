"""The target page: only the delivery unit sets targets, with the benchmarks read against the proposal."""

import re

import pytest

from stocktake.accounts.models import AuditEntry
from stocktake.architecture.models import Indicator, Target
from stocktake.monitoring import forecasting, series
from tests.factories import sign_in


def form_of(target, **changes):
    data = {
        "baseline_value": target.baseline_value,
        "baseline_date": target.baseline_date.isoformat(),
        "target_value": target.target_value,
        "target_date": target.target_date.isoformat(),
        "status": target.status,
        "trajectory_method": target.trajectory_method,
        "stages": "[]",
        "rationale": target.rationale,
        "reason": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "who,status", [(None, 403), ("observer", 403), ("health-data", 403), ("pm", 403), ("manager", 200), ("duhead", 200)]
)
def test_only_the_delivery_unit_sets_targets(client, db, who, status):
    if who:
        sign_in(who, client)
    assert client.get("/indicators/ae-4h/target/").status_code == status
    page = client.get("/indicators/ae-4h/").content.decode()
    assert ('id="set-target"' in page) == (status == 200)


def test_a_committed_target_is_revised_from_the_page_only_with_a_reason(client, db):
    target = Target.objects.get(indicator__code="rail-ppm", org_unit=None)
    before = (target.target_value, target.revision)
    c = sign_in("duhead", client)
    html = c.get("/indicators/rail-ppm/target/").content.decode()
    assert 'id="benchmarks"' in html and "Against history" in html and 'data-yardstick="history"' in html
    data = form_of(target, status="committed", target_value=target.target_value + 0.5)
    response = c.post("/indicators/rail-ppm/target/", data)
    assert (
        response.status_code == 400
        and "A committed target can only be changed with a reason" in response.content.decode()
    )
    assert (Target.objects.get(pk=target.pk).target_value, Target.objects.get(pk=target.pk).revision) == before
    data["reason"] = "Minister raised the ambition"
    assert c.post("/indicators/rail-ppm/target/", data).status_code == 302
    target.refresh_from_db()
    assert target.target_value == before[0] + 0.5 and target.revision == before[1] + 1
    entry = AuditEntry.objects.filter(model="architecture.target", object_id=str(target.pk)).latest("pk")
    assert entry.interface == "web" and entry.reason == "Minister raised the ambition"
    assert entry.before["target_value"] == before[0] and entry.after["target_value"] == before[0] + 0.5
    # a target date before the baseline is refused on the field and changes nothing
    response = c.post("/indicators/rail-ppm/target/", form_of(target, target_date="2020-01-01", reason="x"))
    assert response.status_code == 400 and "target date must be after the baseline date" in response.content.decode()
    assert Target.objects.get(pk=target.pk).revision == target.revision


def test_the_reading_follows_the_numbers_typed(client, db):
    ind = Indicator.objects.get(code="ae-4h")
    target = ind.targets.get(org_unit=None)
    bench = forecasting.benchmarks(ind, series.root_unit(), dates=(target.baseline_date, target.target_date))
    assert bench.history is not None and bench.peers is not None
    c = sign_in("manager", client)
    url = "/indicators/ae-4h/target/reading/"
    # what the old trend reaches anyway is modest against history
    modest = form_of(target, target_value=bench.history.at_target_date - (1 if ind.direction == "up" else -1))
    html = c.post(url, modest, HTTP_HX_REQUEST="true").content.decode()
    assert re.search(r'data-yardstick="history" data-verdict="modest"', html)
    # far past the best region is beyond the evidence
    far = form_of(target, target_value=bench.peers.best + (10 if ind.direction == "up" else -10))
    html = c.post(url, far, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-yardstick="peers" data-verdict="beyond"' in html
    assert ind.fmt(bench.peers.best) in html
    # half a form reads nothing, and says what is missing
    html = c.post(url, {"baseline_value": "70"}, HTTP_HX_REQUEST="true").content.decode()
    assert "data-verdict" not in html and "Fill in the baseline and the target" in html
    assert sign_in("observer", client).post(url, far).status_code == 403


def test_a_new_target_starts_from_the_latest_official_value(client, db):
    ind = Indicator.objects.get(code="ae-attendances")  # the demo's one indicator without a national target
    assert not ind.targets.filter(org_unit=None).exists()
    c = sign_in("duhead", client)
    html = c.get(f"/indicators/{ind.code}/target/").content.decode()
    assert "Set the target" in html
    official = [(r["period__end"], v) for r, v in series.series(ind, series.root_unit(), official=True)]
    end, value = official[-1]
    assert f'value="{end.isoformat()}"' in html and f'value="{round(value, ind.decimals):g}"' in html.replace(
        '.0"', '"'
    )
    data = {
        "baseline_value": value,
        "baseline_date": end.isoformat(),
        "target_value": value * 0.9,
        "target_date": "2028-03-31",
        "status": "provisional",
        "trajectory_method": "linear",
        "stages": "[]",
        "rationale": "",
        "reason": "",
    }
    assert c.post(f"/indicators/{ind.code}/target/", data).status_code == 302
    created = Target.objects.get(indicator=ind, org_unit=None)
    assert created.target_value == pytest.approx(value * 0.9) and created.revisions.get().reason == "Initial target"
    assert created.points.count() > 0
