"""The plans write path: bad input refused with the reason and nothing changed; every change audited."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from stocktake.accounts.models import AuditEntry, Person
from stocktake.architecture.models import Indicator, Priority
from stocktake.plans import actions, queries
from stocktake.plans.models import ChainLink, DeliveryChain, Milestone, Strategy, StrategyImpact


@pytest.fixture
def ae(db):
    return Priority.objects.get(code="ae-waits")


def test_a_strategy_with_two_leaders_is_refused(ae):
    before = Strategy.objects.count()
    two = list(Person.objects.filter(role="accountable_leader")[:2])
    with pytest.raises(ValidationError, match="single accountable leader; 2 were named"):
        actions.create_strategy(priority=ae, name="Two heads", leaders=two)
    assert Strategy.objects.count() == before


def test_negative_cost_is_refused(ae):
    with pytest.raises(ValidationError, match="cost"):
        actions.create_strategy(priority=ae, name="Cheap", cost=-5)
    assert not Strategy.objects.filter(name="Cheap").exists()


def test_ramp_ending_before_it_starts_and_indicator_of_another_plan_are_refused(ae):
    s = Strategy.objects.filter(priority=ae).first()
    ind = Indicator.objects.get(code="ae-4h")
    with pytest.raises(ValidationError, match="ramp ends .* before it starts"):
        actions.set_impact(
            strategy=s, indicator=ind, start_date=date(2026, 1, 1), effect=1.0, end_date=date(2025, 1, 1)
        )
    with pytest.raises(ValidationError, match="belongs to another priority's plan"):
        actions.set_impact(
            strategy=s, indicator=Indicator.objects.get(code="stunting"), start_date=date(2026, 1, 1), effect=1.0
        )
    assert not StrategyImpact.objects.filter(strategy=s, indicator__code="stunting").exists()


def test_revising_an_impact_keeps_its_history_in_the_audit(ae):
    impact = StrategyImpact.objects.filter(strategy__priority=ae).first()
    old = impact.effect
    actions.set_impact(
        strategy=impact.strategy,
        indicator=impact.indicator,
        effect=old + 1,
        user=None,
        interface="cli",
        reason="new pilot data",
    )
    entry = AuditEntry.objects.filter(model="plans.strategyimpact", object_id=str(impact.pk), action="change").first()
    assert entry.before["effect"] == old and entry.after["effect"] == old + 1 and entry.reason == "new pilot data"


def test_chain_cycle_and_link_to_another_chain_are_refused(ae):
    chain = DeliveryChain.objects.get(priority=ae)
    actors = list(chain.actors.order_by("level", "id"))
    leader, front = actors[0], actors[-1]
    n = ChainLink.objects.count()
    with pytest.raises(
        ValidationError, match="loop: Emergency department teams -> Minister of Health|loop: .*Minister of Health"
    ):
        actions.add_link(chain=chain, source=front, target=leader, kind="influence")
    other = DeliveryChain.objects.get(priority__code="homicides").actors.first()
    with pytest.raises(ValidationError, match="belongs to another chain"):
        actions.add_link(chain=chain, source=leader, target=other)
    # feedback back up the chain is fine: it is not part of the hierarchy
    actions.add_link(chain=chain, source=front, target=leader, kind="feedback", strength=2)
    assert ChainLink.objects.count() == n + 1


def test_withdrawing_a_strategy_that_feeds_a_trajectory_asks_first_and_keeps_it(ae):
    s = Strategy.objects.filter(priority=ae, impacts__isnull=False).first()
    ind = s.impacts.first().indicator
    before = queries.composed_for(ind).composed.at_target_date
    with pytest.raises(actions.NeedsConfirmation, match="feeds the composed trajectory of ae-4h"):
        actions.withdraw_strategy(s, reason="dropped")
    assert Strategy.objects.get(pk=s.pk).withdrawn_at is None
    actions.withdraw_strategy(s, confirm=True, reason="dropped in the spending review")
    s.refresh_from_db()
    assert s.withdrawn_at is not None and s.impacts.exists()  # kept, with its impacts
    after = queries.composed_for(ind).composed.at_target_date
    assert after == pytest.approx(before - s.impacts.first().effect)
    assert AuditEntry.objects.filter(model="plans.strategy", object_id=str(s.pk), action="change").exists()


def test_milestone_done_gets_a_date_and_bad_status_combinations_are_refused(ae):
    m = Milestone.objects.filter(strategy__priority=ae).exclude(status="done").first()
    actions.update_milestone(m, status="done")
    m.refresh_from_db()
    assert m.completed_on is not None and not m.is_late()
    with pytest.raises(ValidationError, match="must be marked done"):
        actions.update_milestone(m, status="on_track", completed_on=date(2026, 1, 1))


def test_rubric_rating_history_is_kept_and_the_latest_counts(ae):
    actions.rate_criterion(priority=ae, criterion="risks", rating="red", note="first")
    actions.rate_criterion(priority=ae, criterion="risks", rating="green", note="second")
    assert queries.current_ratings(ae)["risks"].note == "second"
    assert ae.rubric_ratings.filter(criterion="risks").count() >= 2
    with pytest.raises(ValidationError, match="unknown rating 'blue'"):
        actions.rate_criterion(priority=ae, criterion="risks", rating="blue")
