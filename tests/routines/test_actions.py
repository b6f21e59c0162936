"""The write path: validation, history and audit of rounds, assessments, meetings and actions."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from stocktake.accounts.models import AuditEntry
from stocktake.architecture.models import Outcome, Priority
from stocktake.routines import actions, proposals
from stocktake.routines.models import ActionItem, AssessmentRound, Meeting, Routine

pytestmark = pytest.mark.django_db

GOOD = dict(
    likelihood=2,
    likelihood_rationale="Problematic: two regions far behind.",
    evidence=2,
    evidence_rationale="Off track in the north.",
)


@pytest.fixture
def rnd():
    """Dated before every demo round, so it starts blank (a later one starts from the last round's judgements:
    tests/routines/test_carry_over.py)."""
    return actions.create_round(name="Test round", date=date(2025, 1, 31))


@pytest.fixture
def outcome():
    return Outcome.objects.get(code="ae-waits-outcome")


def test_assessment_keeps_proposal_decision_and_every_version(rnd, outcome, admin_user):
    proposal = proposals.propose(outcome)
    a = actions.assess(rnd, outcome, user=admin_user, proposal=proposal, **GOOD)
    assert a.proposed_evidence == proposal.rating and a.proposal_reasons == proposal.text
    a = actions.assess(
        rnd, outcome, user=admin_user, reason="New data in", likelihood=1, likelihood_rationale="Highly problematic"
    )
    assert a.version == 2 and a.likelihood == 1
    assert [v.data["likelihood"] for v in a.versions.all()] == [2, 1]
    entries = AuditEntry.objects.filter(model="routines.assessment", object_id=str(a.pk))
    assert {e.action for e in entries} == {"create", "change"}
    assert entries.filter(reason="New data in").exists()


def test_unchanged_assessment_writes_no_new_version(rnd, outcome):
    a = actions.assess(rnd, outcome, **GOOD)
    assert actions.assess(rnd, outcome, **GOOD).version == a.version == 1


@pytest.mark.parametrize(
    "fields,field,words",
    [
        ({"likelihood": 3}, "likelihood_rationale", "needs a rationale"),
        ({"likelihood": 5, "likelihood_rationale": "x"}, "likelihood", "from 1 to 4"),
        ({"planning": "green", "planning_rationale": "x"}, "planning", "whole number"),
        ({"challenge": "Z", "challenge_rationale": "x"}, "challenge", "H, M, L"),
        ({"stage": 2}, "stage_rationale", "needs a rationale"),
    ],
)
def test_bad_ratings_are_refused_with_the_field_named(rnd, outcome, fields, field, words):
    with pytest.raises(ValidationError) as exc:
        actions.assess(rnd, outcome, **fields)
    assert words in " ".join(exc.value.message_dict[field])
    assert not rnd.assessments.exists()


def test_closed_round_refuses_changes_and_reopening_needs_a_reason(rnd, outcome, admin_user):
    actions.close_round(rnd, user=admin_user)
    with pytest.raises(ValidationError, match="closed"):
        actions.assess(rnd, outcome, **GOOD)
    with pytest.raises(ValidationError, match="reason"):
        actions.reopen_round(rnd, reason=" ", user=admin_user)
    actions.reopen_round(rnd, reason="Late data from the Ministry of Health", user=admin_user)
    rnd.refresh_from_db()
    assert rnd.state == "open"
    assert AuditEntry.objects.filter(
        model="routines.assessmentround", object_id=str(rnd.pk), reason="Late data from the Ministry of Health"
    ).exists()
    assert [e.state for e in rnd.events.all()] == ["closed", "open"]
    actions.assess(rnd, outcome, **GOOD)


def test_meeting_needs_priorities():
    routine = Routine.objects.get(name="Prime Minister's stocktake")
    with pytest.raises(ValidationError) as exc:
        actions.create_meeting(routine=routine, date=date(2027, 1, 4), priorities=[])
    assert "at least one priority" in exc.value.message_dict["priorities"][0]


def test_action_needs_owner_and_a_future_due_date(person):
    p = Priority.objects.get(code="homicides")
    with pytest.raises(ValidationError) as exc:
        actions.create_action(
            priority=p, description="Visit", owner=None, due=date(2020, 1, 1), today=date(2026, 11, 1)
        )
    assert set(exc.value.message_dict) == {"owner", "due"}
    assert "in the past" in exc.value.message_dict["due"][0]
    a = actions.create_action(
        priority=p, description="Visit", owner=person("manager"), due=date(2026, 12, 1), today=date(2026, 11, 1)
    )
    assert a.state == "open"


def test_closed_action_stays_with_its_note(person):
    p = Priority.objects.get(code="homicides")
    a = actions.create_action(
        priority=p, description="Visit", owner=person("manager"), due=date.today() + timedelta(days=3)
    )
    with pytest.raises(ValidationError, match="note"):
        actions.close_action(a, note="")
    actions.close_action(a, note="Visited; report filed")
    a = ActionItem.objects.get(pk=a.pk)
    assert a.state == "closed" and a.closing_note == "Visited; report filed" and a.closed_at
    with pytest.raises(ValidationError, match="already closed"):
        actions.close_action(a, note="again")


def test_minutes_mark_a_meeting_held():
    m = Meeting.objects.filter(state="scheduled").first()
    with pytest.raises(ValidationError):
        actions.record_minutes(m, minutes="  ")
    m = actions.record_minutes(m, minutes="Discussed.")
    assert m.state == "held" and m.held_at


def test_schedule_staggers_a_ministers_priorities_and_is_idempotent(person):
    prios = list(Priority.objects.filter(lead_organisation__code="moh")) + [Priority.objects.get(code="homicides")]
    r = actions.create_routine(
        name="Health stocktake",
        kind="stocktake",
        chair=person("pm"),
        frequency="monthly",
        starts_on=date(2027, 1, 4),
        priorities=prios,
    )
    made = actions.schedule_routine(r, start=date(2027, 1, 4), months=6)
    assert len(made) == 6 * len(prios)
    weeks = [(m.date.isocalendar()[:2]) for m in made if m.priorities.get().lead_organisation.code == "moh"]
    assert len(weeks) == len(set(weeks))
    assert actions.schedule_routine(r, start=date(2027, 1, 4), months=6) == []


def test_demo_has_rounds_that_move_and_overdue_actions():
    assert AssessmentRound.objects.count() == 3
    assert ActionItem.objects.filter(state="closed").exists()
    assert ActionItem.objects.filter(state="open", due__lt=date(2026, 11, 24)).exists()
