"""Problems, trees, reviews and stakeholders through their actions: each refusal names the field and saves nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from stocktake.accounts.models import AuditEntry, Person
from stocktake.architecture.models import Indicator, OrgUnit, Period, Priority
from stocktake.demo import problems as demo
from stocktake.monitoring import actions as monitoring_actions
from stocktake.monitoring import alerts
from stocktake.problems import actions, mece
from stocktake.problems.models import Hypothesis, PriorityReview, Problem, ProblemLog, Stakeholder
from stocktake.routines.models import ActionItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def priority():
    return Priority.objects.get(code="ae-waits")


@pytest.fixture
def owner():
    return Person.objects.get(user__username="manager")


def _problem(priority, owner, **kw):
    return actions.open_problem(priority=priority, title="Waits rising", owner=owner, level=kw.pop("level", 2), **kw)


def _errors(exc) -> dict:
    return exc.value.message_dict


def test_a_problem_without_priority_or_owner_or_with_a_level_outside_1_to_4_is_refused(priority, owner):
    before = Problem.objects.count()
    with pytest.raises(ValidationError) as exc:
        actions.open_problem(priority=None, title="x", owner=None, level=5)
    errors = _errors(exc)
    assert "priority" in errors and "owner" in errors
    assert "from 1 to 4" in errors["level"][0]
    with pytest.raises(ValidationError) as exc:
        actions.open_problem(priority=priority, title="x", owner=owner, level="high")
    assert "whole number" in _errors(exc)["level"][0]
    assert Problem.objects.count() == before


def test_opening_logs_and_audits_in_the_same_transaction(priority, owner):
    problem = _problem(priority, owner, org_units=[OrgUnit.objects.get(code="R01-D01")])
    assert problem.log.get().kind == ProblemLog.Kind.OPENED
    assert AuditEntry.objects.filter(model="problems.problem", object_id=str(problem.pk), action="create").exists()
    assert [u.code for u in problem.org_units.all()] == ["R01-D01"]


def test_escalation_needs_a_reason_and_is_logged_with_both_levels(priority, owner):
    problem = _problem(priority, owner)
    with pytest.raises(ValidationError) as exc:
        actions.change_level(problem, 3, reason="  ")
    assert "reason" in _errors(exc)
    problem.refresh_from_db()
    assert problem.level == 2
    actions.change_level(problem, 3, reason="Politically salient", user=None)
    actions.change_level(problem, 1, reason="Cause found", user=None)
    kinds = [(e.kind, e.level_from, e.level_to) for e in problem.log.all()][1:]
    assert kinds == [("escalated", 2, 3), ("deescalated", 3, 1)]
    audit = AuditEntry.objects.filter(model="problems.problem", object_id=str(problem.pk), action="change")
    assert {a.reason for a in audit} >= {"Politically salient", "Cause found"}


def test_resolving_needs_a_note(priority, owner):
    problem = _problem(priority, owner)
    with pytest.raises(ValidationError) as exc:
        actions.set_status(problem, "resolved")
    assert "note" in _errors(exc)
    actions.set_status(problem, "resolved", note="Back on trajectory")
    problem.refresh_from_db()
    assert problem.status == "resolved"


def test_an_action_on_a_problem_goes_on_the_routines_tracker(priority, owner):
    problem = _problem(priority, owner)
    due = timezone.localdate() + timedelta(days=14)
    tracked = actions.add_problem_action(problem, description="Call the trust", owner=owner, due=due)
    item = ActionItem.objects.get(pk=tracked.action_id)
    assert (item.priority, item.owner, item.due, item.state) == (priority, owner, due, "open")
    with pytest.raises(ValidationError) as exc:
        actions.add_problem_action(problem, description="", owner=owner, due=due)
    assert "description" in _errors(exc)


def test_an_alert_from_a_rule_with_the_option_opens_one_level_2_problem_per_unit():
    """The demo's homicide rule (option: level 2) opened problems for the districts it found, one each."""
    opened = Problem.objects.filter(alert__rule__problem_option__isnull=False)
    assert opened.exists()
    assert set(opened.values_list("level", flat=True)) == {2}
    for p in opened:
        assert list(p.org_units.all()) == [p.alert.org_unit]
        assert p.owner == p.alert.rule.problem_option.owner


def test_a_new_alert_opens_a_problem_through_the_listener_and_a_repeat_adds_to_its_log():
    indicator = Indicator.objects.get(code="homicides")
    rule = monitoring_actions.create_alert_rule(indicator=indicator, kind="beyond_band", depth=3, interface="system")
    leader = Person.objects.get(name="Carlos Mendes")
    actions.set_alert_option(rule, level=2, owner=leader)
    raised = alerts.evaluate([indicator.pk], email=False)
    mine = [a for a in raised if a.rule_id == rule.pk]
    assert mine, "the demo has districts beyond their band"
    problems = Problem.objects.filter(alert__rule=rule)
    assert problems.count() == len({a.org_unit_id for a in mine})
    assert set(problems.values_list("level", flat=True)) == {2}
    # the same district again (another period) adds to the open problem's log instead of a second problem
    first = mine[0]
    other = Period.objects.filter(kind=first.period.kind).exclude(pk=first.period_id).first()
    again = monitoring_actions.raise_alert(
        rule=rule, org_unit_id=first.org_unit_id, period_id=other.pk, message="again"
    )
    assert actions.open_from_alert(again) == problems.get(org_units=first.org_unit)
    assert problems.count() == len({a.org_unit_id for a in mine})
    assert problems.get(org_units=first.org_unit).log.filter(text__contains="again").exists()


def test_without_the_option_an_alert_opens_nothing():
    indicator = Indicator.objects.get(code="homicides")
    rule = monitoring_actions.create_alert_rule(indicator=indicator, kind="beyond_band", depth=3, interface="system")
    alerts.evaluate([indicator.pk], email=False)
    assert not Problem.objects.filter(alert__rule=rule).exists()


# Hypothesis trees ---------------------------------------------------------------------------------


def test_a_tree_takes_any_depth_and_refuses_a_cycle(priority, owner):
    tree = actions.create_tree(problem=_problem(priority, owner), issue="Why?")
    a = actions.add_hypothesis(tree, text="Triage is slow")
    b = actions.add_hypothesis(tree, text="Minor injuries wait", parent=a)
    c = actions.add_hypothesis(tree, text="No senior at night", parent=b)
    with pytest.raises(ValidationError) as exc:
        actions.update_hypothesis(a, parent=c)
    assert "cycle" in _errors(exc)["parent"][0]
    with pytest.raises(ValidationError):
        actions.update_hypothesis(a, parent=a)
    a.refresh_from_db()
    assert a.parent_id is None
    assert Hypothesis.objects.get(pk=c.pk).parent_id == b.pk


def test_a_verdict_needs_evidence(priority, owner):
    tree = actions.create_tree(problem=_problem(priority, owner), issue="Why?")
    h = actions.add_hypothesis(tree, text="Beds are short")
    with pytest.raises(ValidationError) as exc:
        actions.update_hypothesis(h, verdict="supported")
    assert "evidence_note" in _errors(exc)
    actions.update_hypothesis(h, verdict="rejected", evidence_note="Breach audit: 5% after decision to admit")
    assert Hypothesis.objects.get(pk=h.pk).verdict == "rejected"


def test_mece_warns_of_one_branch_overlap_and_all_rejected_and_the_reviewer_confirms(priority, owner):
    tree = actions.create_tree(problem=_problem(priority, owner), issue="Why are waits long?")
    a = actions.add_hypothesis(tree, text="Minor injuries wait behind urgent cases at triage")
    kinds = [w["kind"] for w in mece.check(tree)]
    assert kinds == ["gap"]  # one branch alone
    actions.add_hypothesis(tree, text="Minor injuries wait behind urgent cases in triage")
    assert [w["kind"] for w in mece.check(tree)] == ["overlap"]
    with pytest.raises(ValidationError) as exc:
        actions.confirm_mece(tree)
    assert "note" in _errors(exc)
    actions.confirm_mece(tree, note="Same wording, different departments")
    tree.refresh_from_db()
    assert tree.mece_confirmed_at is not None
    actions.add_hypothesis(tree, text="Beds", parent=a)  # the tree changed: confirm again
    tree.refresh_from_db()
    assert tree.mece_confirmed_at is None


# Priority reviews -------------------------------------------------------------------------------


def _review(priority, owner, **kw):
    fields = dict(
        priority=priority,
        title="Review",
        terms_of_reference="Find why",
        starts_on=timezone.localdate() - timedelta(weeks=2),
        weeks=6,
        lead=owner,
    )
    return actions.create_review(**{**fields, **kw})


def test_a_review_runs_6_to_12_weeks(priority, owner):
    with pytest.raises(ValidationError) as exc:
        _review(priority, owner, weeks=20)
    assert "6 to 12 weeks" in _errors(exc)["weeks"][0]
    assert not PriorityReview.objects.filter(title="Review").exists()


def test_work_after_the_weeks_is_refused_until_an_extension_is_recorded(priority, owner):
    review = _review(priority, owner)
    unit = OrgUnit.objects.get(code="R01-D01")
    late = review.starts_on + timedelta(weeks=7)
    with pytest.raises(ValidationError) as exc:
        actions.add_fieldwork(review, org_unit=unit, visited_on=late, who="Nurses", findings="Queues")
    assert "record an extension" in _errors(exc)["visited_on"][0]
    with pytest.raises(ValidationError):
        actions.extend_review(review, weeks=2, reason="")
    actions.extend_review(review, weeks=2, reason="Winter pressures delayed visits")
    review = PriorityReview.objects.get(pk=review.pk)
    note = actions.add_fieldwork(review, org_unit=unit, visited_on=late, who="Nurses", findings="Queues")
    assert note.pk and review.due_on == review.starts_on + timedelta(weeks=8)


def test_the_action_plan_goes_on_the_tracker_in_order(priority, owner):
    review = _review(priority, owner)
    due = timezone.localdate() + timedelta(weeks=4)
    actions.add_review_action(review, description="Second", owner=owner, due=due, rank=2)
    actions.add_review_action(review, description="First", owner=owner, due=due, rank=1)
    plan = [t.action.description for t in review.action_plan.order_by("rank")]
    assert plan == ["First", "Second"]
    assert ActionItem.objects.filter(description__in=plan, priority=priority).count() == 2


def test_the_demo_ae_review_follows_the_seed():
    review = PriorityReview.objects.get(title=demo.AE_REVIEW)
    assert review.weeks == 8 and review.stage == "report"
    assert review.fieldwork.count() == 3
    assert "see and treat" in review.action_plan.order_by("rank").first().action.description.lower()
    assert review.problem.level == 3


# Stakeholders -----------------------------------------------------------------------------------


def test_a_stakeholder_off_the_scale_is_refused():
    reading = Priority.objects.get(code="reading-11")
    with pytest.raises(ValidationError) as exc:
        actions.add_stakeholder(priority=reading, name="Press", power=6, support=0)
    errors = _errors(exc)
    assert "scale of 1 to 5" in errors["power"][0] and "scale of 1 to 5" in errors["support"][0]
    assert not Stakeholder.objects.filter(name="Press").exists()
    s = Stakeholder.objects.get(priority=reading, name="Teachers' union")
    with pytest.raises(ValidationError):
        actions.move_stakeholder(s, power=3, support=9)
    s.refresh_from_db()
    assert (s.power, s.support) == (5, 3)


def test_the_demo_reading_map_has_every_zone_and_movement():
    reading = Priority.objects.get(code="reading-11")
    stakeholders = list(Stakeholder.objects.filter(priority=reading))
    assert {s.zone for s in stakeholders} == {"champions", "skeptics", "moveable_middle", "less_influential"}
    moved = [s for s in stakeholders if s.placements.count() == 2]
    assert moved
