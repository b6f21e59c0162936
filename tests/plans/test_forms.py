"""Editing a plan in the pages: accountable leaders edit their own priority only; refusals name the field."""

import pytest
from django.contrib.auth import get_user_model

from stocktake.accounts.models import Person
from stocktake.plans.models import Milestone, Risk, Strategy, StrategyImpact
from tests.factories import sign_in


@pytest.fixture
def leader_client(client, db):
    """Dr Okafor, accountable for A&E at the Ministry of Health, with an account of her own."""
    user = get_user_model().objects.create_user("aokafor", password="x")
    person = Person.objects.get(name="Dr Amelia Okafor")
    person.user = user
    person.save()
    return sign_in(user, client)


def test_accountable_leader_adds_a_strategy_to_her_own_plan_only(leader_client):
    body = {
        "name": "Discharge lounges",
        "cost": "3000000",
        "impact_score": "3",
        "difficulty_score": "2",
        "leaders": [Person.objects.get(name="Dr Helen Marsh").pk],
    }
    r = leader_client.post("/plans/ae-waits/strategies/new/", body)
    assert r.status_code == 302
    s = Strategy.objects.get(name="Discharge lounges")
    assert s.leader.name == "Dr Helen Marsh" and s.outcomes.exists()
    assert leader_client.post("/plans/homicides/strategies/new/", body).status_code == 403
    assert leader_client.get("/plans/homicides/risks/new/").status_code == 403


def test_two_leaders_in_the_form_are_refused_on_the_field(leader_client):
    two = list(Person.objects.filter(role="accountable_leader").values_list("pk", flat=True)[:2])
    r = leader_client.post("/plans/ae-waits/strategies/new/", {"name": "Twin heads", "leaders": two})
    assert r.status_code == 400
    assert "single accountable leader; 2 were named" in r.content.decode()
    assert not Strategy.objects.filter(name="Twin heads").exists()


def test_impact_and_milestone_forms(leader_client):
    s = Strategy.objects.get(name="Walk-in centres in town centres")
    from stocktake.architecture.models import Indicator

    ind = Indicator.objects.get(code="ae-4h")
    url = f"/plans/ae-waits/strategies/{s.pk}/impacts/"
    r = leader_client.post(
        url,
        {
            "indicator": ind.pk,
            "start_date": "2026-05-01",
            "effect": "2",
            "ramp": "linear",
            "ramp_periods": "6",
            "end_date": "2026-01-01",
        },
    )
    assert r.status_code == 400 and "before it starts" in r.content.decode()
    assert StrategyImpact.objects.get(strategy=s).start_date.isoformat() == "2025-04-01"
    r = leader_client.post(
        url, {"indicator": ind.pk, "start_date": "2025-06-01", "effect": "2.5", "ramp": "s_curve", "ramp_periods": "12"}
    )
    assert r.status_code == 302 and StrategyImpact.objects.get(strategy=s).effect == 2.5
    page = leader_client.get(f"/plans/ae-waits/strategies/{s.pk}/").content.decode()
    assert 'id="history"' in page and "effect:" in page  # the old estimate stays visible
    r = leader_client.post(
        f"/plans/ae-waits/strategies/{s.pk}/milestones/",
        {"name": "Leases signed", "due_date": "2026-02-01", "status": "on_track"},
    )
    assert r.status_code == 302 and Milestone.objects.filter(name="Leases signed", strategy=s).exists()


def test_risk_form(leader_client):
    r = leader_client.post(
        "/plans/ae-waits/risks/new/", {"title": "Flu outbreak", "likelihood": "3", "impact": "9", "status": "open"}
    )
    assert r.status_code == 400 and not Risk.objects.filter(title="Flu outbreak").exists()
    r = leader_client.post(
        "/plans/ae-waits/risks/new/",
        {
            "title": "Flu outbreak",
            "likelihood": "3",
            "impact": "4",
            "status": "open",
            "mitigation": "Vaccination drive",
        },
    )
    assert r.status_code == 302 and Risk.objects.get(title="Flu outbreak").score == 12


def test_data_leads_and_public_cannot_open_edit_forms(client, db):
    s = Strategy.objects.filter(priority__code="ae-waits").first()
    assert client.get(f"/plans/ae-waits/strategies/{s.pk}/edit/").status_code == 403
    sign_in("health-data", client)
    assert client.get("/plans/ae-waits/strategies/new/").status_code == 403


def test_draw_a_chain_in_the_pages(leader_client):
    from stocktake.plans.models import DeliveryChain

    r = leader_client.post(
        "/plans/ae-waits/chains/new/", {"name": "Walk-in centres chain", "levels": "Ministry, Provider, Centre"}
    )
    assert r.status_code == 302
    chain = DeliveryChain.objects.get(name="Walk-in centres chain")
    assert chain.levels == ["Ministry", "Provider", "Centre"]
    url = f"/plans/ae-waits/chains/{chain.pk}/actors/"
    for name, level, flags in [
        ("Primary care directorate", 0, {"leader": "on"}),
        ("GP providers", 1, {}),
        ("Walk-in centres", 2, {"frontline": "on"}),
    ]:
        assert leader_client.post(url, {"name": name, "level": level, "count": 1, **flags}).status_code == 302
    a, b, c = chain.actors.order_by("level")
    url = f"/plans/ae-waits/chains/{chain.pk}/links/"
    assert (
        leader_client.post(url, {"source": a.pk, "target": b.pk, "kind": "influence", "strength": 3}).status_code == 302
    )
    assert (
        leader_client.post(url, {"source": b.pk, "target": c.pk, "kind": "influence", "strength": 1}).status_code == 302
    )
    r = leader_client.post(url, {"source": c.pk, "target": a.pk, "kind": "influence", "strength": 3})
    assert r.status_code == 400 and "loop" in r.content.decode()
    html = leader_client.get("/plans/ae-waits/").content.decode()
    assert "GP providers → Walk-in centres" in html  # the weakest link on the new chain
