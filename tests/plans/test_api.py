"""The plans API: typed reads, permission-checked writes, clear refusals."""

import pytest
from django.contrib.auth import get_user_model

from stocktake.plans.models import ChainActor, DeliveryChain, Milestone, Risk, Strategy
from stocktake.plans.queries import milestones_for
from tests import factories
from tests.factories import sign_in


def test_read_a_whole_plan(client, db):
    # chains are internal until published (test_internal_material.py)
    client.force_login(factories.user("interior-data"))
    data = client.get("/api/plans/homicides").json()
    assert {s["name"] for s in data["strategies"]} >= {"Hot-spot policing in the most violent districts"}
    assert data["composed"][0]["indicator"] == "homicides" and data["composed"][0]["points"]
    assert data["chains"][0]["analysis"]["paths_without_feedback"]
    assert {r["criterion"] for r in data["rubric"]} >= {"aspiration", "feedback_loops"}
    assert client.get("/api/plans/reading-11").status_code == 404  # unpublished, another ministry
    assert sign_in("pm", client).get("/api/plans/reading-11").status_code == 200


def test_milestones_endpoint_matches_the_query_for_packs(client, db):
    from stocktake.architecture.models import Priority

    late = client.get("/api/plans/ae-waits/milestones?late_only=true").json()
    assert late and all(m["late"] for m in late)
    assert [m["id"] for m in late] == [
        m.pk for m in milestones_for(Priority.objects.get(code="ae-waits"), late_only=True)
    ]


def test_writes_need_edit_rights_and_change_nothing_otherwise(client, db):
    n = Strategy.objects.count()
    body = {"name": "Extra beds", "cost": "1000"}
    # the public is not signed in at all (the shared API auth refuses it); signed-in people without the right get 403
    assert client.post("/api/plans/ae-waits/strategies", body, content_type="application/json").status_code in (
        401,
        403,
    )
    sign_in("health-data", client)
    assert client.post("/api/plans/ae-waits/strategies", body, content_type="application/json").status_code == 403
    sign_in("education-data", client)
    assert (
        client.post(
            "/api/plans/reading-11/risks", {"title": "x", "likelihood": 1, "impact": 1}, content_type="application/json"
        ).status_code
        == 403
    )
    assert Strategy.objects.count() == n


def test_create_a_strategy_with_impact_milestone_risk_and_chain(client, db):
    from stocktake.accounts.models import Person

    sign_in("manager", client)
    leader = Person.objects.get(name="Carlos Mendes")
    r = client.post(
        "/api/plans/homicides/strategies",
        {
            "name": "Street lighting",
            "cost": "4000000",
            "leader_ids": [leader.pk],
            "impact_score": 2,
            "difficulty_score": 1,
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    sid = r.json()["id"]
    r = client.put(
        f"/api/plans/homicides/strategies/{sid}/impacts",
        {"indicator": "homicides", "start_date": "2026-01-01", "effect": -10, "ramp": "linear", "ramp_periods": 6},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    composed = client.get("/api/plans/homicides/composed/homicides").json()
    assert any("Street lighting" in p["contributions"] for p in composed["points"])
    r = client.post(
        f"/api/plans/homicides/strategies/{sid}/milestones",
        {"name": "Lights on in 12 districts", "due_date": "2026-06-30", "owner_id": leader.pk},
        content_type="application/json",
    )
    assert r.status_code == 201
    mid = r.json()["id"]
    r = client.patch(f"/api/plans/homicides/milestones/{mid}", {"evidence": None}, content_type="application/json")
    assert r.status_code == 400 and "evidence: may not be null" in r.json()["detail"]
    r = client.patch(f"/api/plans/homicides/milestones/{mid}", {"status": "done"}, content_type="application/json")
    assert r.json()["status"] == "done" and r.json()["completed_on"]
    r = client.post(
        "/api/plans/homicides/risks",
        {
            "title": "Cable theft",
            "likelihood": 3,
            "impact": 2,
            "strategy_id": sid,
            "mitigation": "Tamper-proof fittings",
        },
        content_type="application/json",
    )
    assert r.status_code == 201 and Risk.objects.filter(title="Cable theft").exists()
    r = client.post(
        "/api/plans/homicides/chains",
        {"name": "Lighting", "levels": ["State", "Municipality"], "strategy_id": sid},
        content_type="application/json",
    )
    cid = r.json()["id"]
    a = client.post(
        f"/api/plans/homicides/chains/{cid}/actors",
        {"name": "Secretary", "level": 0, "leader": True},
        content_type="application/json",
    ).json()["id"]
    b = client.post(
        f"/api/plans/homicides/chains/{cid}/actors",
        {"name": "Municipal works", "level": 1, "count": 48, "frontline": True},
        content_type="application/json",
    ).json()["id"]
    assert (
        client.post(
            f"/api/plans/homicides/chains/{cid}/links",
            {"source_id": a, "target_id": b},
            content_type="application/json",
        ).status_code
        == 201
    )
    r = client.post(
        f"/api/plans/homicides/chains/{cid}/links", {"source_id": b, "target_id": a}, content_type="application/json"
    )
    assert r.status_code == 400 and "loop" in r.json()["detail"]


@pytest.mark.parametrize(
    "body,message",
    [
        ({"name": "Twin", "leader_ids": "TWO"}, None),
        ({"name": "Negative", "cost": "-1"}, "cost"),
        ({"name": "Bad score", "impact_score": 9}, "impact_score"),
    ],
)
def test_bad_strategies_are_refused_with_the_field(client, db, body, message):
    sign_in("manager", client)
    n = Strategy.objects.count()
    r = client.post("/api/plans/ae-waits/strategies", body, content_type="application/json")
    assert r.status_code in (400, 422)
    if message:
        assert message in r.json()["detail"]
    assert Strategy.objects.count() == n


def test_two_leaders_through_the_api(client, db):
    from stocktake.accounts.models import Person

    sign_in("manager", client)
    ids = list(Person.objects.filter(role="accountable_leader").values_list("pk", flat=True)[:2])
    r = client.post(
        "/api/plans/ae-waits/strategies", {"name": "Twin", "leader_ids": ids}, content_type="application/json"
    )
    assert r.status_code == 400 and "single accountable leader" in r.json()["detail"]


def test_link_to_an_actor_of_another_plan_is_refused(client, db):
    sign_in("manager", client)
    chain = DeliveryChain.objects.get(priority__code="ae-waits")
    mine = chain.actors.first()
    theirs = ChainActor.objects.filter(chain__priority__code="homicides").first()
    r = client.post(
        f"/api/plans/ae-waits/chains/{chain.pk}/links",
        {"source_id": mine.pk, "target_id": theirs.pk},
        content_type="application/json",
    )
    assert r.status_code == 400 and "belongs to another chain" in r.json()["detail"]


def test_withdraw_through_the_api_needs_confirmation(client, db):
    sign_in("duhead", client)
    s = Strategy.objects.get(name="Hot-spot policing in the most violent districts")
    url = f"/api/plans/homicides/strategies/{s.pk}/withdraw"
    r = client.post(url, {"reason": "Evaluation found displacement"}, content_type="application/json")
    assert r.status_code == 409 and "confirm" in r.json()["detail"]
    r = client.post(url, {"reason": "Evaluation found displacement", "confirm": True}, content_type="application/json")
    assert r.status_code == 200
    data = client.get("/api/plans/homicides").json()
    assert "Hot-spot policing in the most violent districts" not in data["composed"][0]["points"][-1]["contributions"]


def test_session_writes_need_the_csrf_token(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    sign_in("manager", client)
    m = Milestone.objects.filter(strategy__priority__code="ae-waits").first()
    r = client.patch(f"/api/plans/ae-waits/milestones/{m.pk}", {"evidence": "x"}, content_type="application/json")
    assert r.status_code == 403


def test_nul_characters_are_refused_on_every_database(client, db):
    sign_in("manager", client)
    r = client.post("/api/plans/ae-waits/strategies", {"name": "Bad\u0000name"}, content_type="application/json")
    assert r.status_code == 400 and "NUL" in r.json()["detail"]
    assert not Strategy.objects.filter(name__startswith="Bad").exists()


def test_theory_of_change_in_the_api(client, db):
    data = client.get("/api/plans/homicides").json()["theory_of_change"]
    impact = [n for n in data["nodes"] if n["stage"] == "impact"]
    assert impact[0]["indicator"] == "homicides"
    sign_in("manager", client)
    outcome = [n for n in data["nodes"] if n["stage"] == "outcome"][0]
    r = client.post(
        "/api/plans/homicides/toc/nodes",
        {"stage": "output", "text": "Guns seized", "organisation": "moi"},
        content_type="application/json",
    )
    assert r.status_code == 201
    new = r.json()["id"]
    assert (
        client.post(
            "/api/plans/homicides/toc/links",
            {"source_id": new, "target_id": outcome["id"], "organisation": "moi"},
            content_type="application/json",
        ).status_code
        == 201
    )
    r = client.post(
        "/api/plans/homicides/toc/links",
        {"source_id": outcome["id"], "target_id": new},
        content_type="application/json",
    )
    assert r.status_code == 400 and "runs forward" in r.json()["detail"]
    other = client.post(
        "/api/plans/ae-waits/toc/nodes", {"stage": "impact", "text": "Shorter waits"}, content_type="application/json"
    ).json()["id"]
    r = client.post(
        "/api/plans/homicides/toc/links", {"source_id": new, "target_id": other}, content_type="application/json"
    )
    assert r.status_code == 400 and "another priority" in r.json()["detail"]


def test_update_and_close_a_risk(client, db):
    sign_in("manager", client)
    risk = Risk.objects.get(title="Gang truce collapses")
    url = f"/api/plans/homicides/risks/{risk.pk}"
    r = client.patch(url, {"likelihood": 7}, content_type="application/json")
    assert r.status_code == 400 and "likelihood" in r.json()["detail"]
    r = client.patch(url, {"mitigation": "Mediation team on call", "likelihood": 3}, content_type="application/json")
    assert r.status_code == 200 and r.json()["score"] == 15
    html = client.get("/plans/homicides/").content.decode()
    assert "1 risk has no mitigation" not in html
    assert client.patch(url, {"status": "closed"}, content_type="application/json").json()["status"] == "closed"
    sign_in("interior-data", client)
    assert client.patch(url, {"status": "open"}, content_type="application/json").status_code == 403


def test_a_personal_token_reads_and_writes_unpublished_plans(client, db):
    from stocktake.accounts import actions

    user = get_user_model().objects.get(username="manager")
    _, secret = actions.issue_token(user, name="plans test", interface="cli")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get("/api/plans/reading-11", **auth).status_code == 200
    assert client.get("/api/plans/reading-11").status_code == 404
    r = client.post(
        "/api/plans/reading-11/rubric",
        {"criterion": "risks", "rating": "amber_green"},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 201
