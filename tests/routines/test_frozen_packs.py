"""Frozen packs and reports (issue 16, item 5): a meeting's pack and a round's report show the data as it stood
when they were issued, reproducible after later corrections, new values and new rounds; `?as_of=now` is the
live view, labelled as such."""

from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from stocktake.architecture import actions as architecture_actions
from stocktake.architecture.models import OrgUnit, Priority
from stocktake.collection import actions as collection_actions
from stocktake.monitoring import asof, series
from stocktake.monitoring.models import DataValue
from stocktake.routines import actions, frozen, pack, reports
from tests import factories

MONTHS = ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]


def _publish(values):
    """Validate, then publish, as the demo's validator (not the data lead who submitted them)."""
    validator = factories.user("validator")
    collection_actions.validate(collection_actions.as_seen(values), user=validator)
    fresh = list(
        DataValue.objects.filter(pk__in=[v.pk for v in values]).select_related("indicator", "org_unit", "period")
    )
    collection_actions.publish(collection_actions.as_seen(fresh), user=validator)


@pytest.fixture
def world(db, person):
    """An indicator with a target and published values at two hospitals for six months, on a meeting's agenda."""
    ind = factories.indicator("frozen-beds", target=(40, 80), unit="%", aggregation="mean", completeness=0.01)
    root = series.root_unit()
    units = list(OrgUnit.objects.filter(depth=ind.report_depth, code__startswith="R01").order_by("code")[:2])
    values = [
        factories.record(ind, u, m, 40 + 2 * k + i, by="health-data")
        for k, m in enumerate(MONTHS)
        for i, u in enumerate(units)
    ]
    _publish(values)
    routine = actions.create_routine(
        name="Frozen stocktake",
        kind="stocktake",
        chair=person("pm"),
        frequency="monthly",
        starts_on=date(2026, 11, 2),
        priorities=[ind.outcome.priority],
    )
    meeting = actions.create_meeting(routine=routine, date=date(2026, 11, 2), priorities=[ind.outcome.priority])
    return {"indicator": ind, "root": root, "units": units, "meeting": meeting}


def _correct_and_add(world):
    """After the pack is issued: correct October at one hospital, add November, publish both, judge a new round,
    and revise the target (80 by 2027 becomes 95 by 2027, its trajectory redrawn)."""
    ind, (a, b) = world["indicator"], world["units"]
    target = series.national_target(ind)
    architecture_actions.revise_target(
        target, target_value=95, user=factories.user("manager"), interface="system", reason="Raised after the meeting"
    )
    corrected = factories.record(ind, a, "2026-10", 75, by="health-data")
    november = [factories.record(ind, u, "2026-11", 77, by="health-data") for u in (a, b)]
    _publish([corrected, *november])
    rnd = actions.create_round(name="After the meeting", date=date(2026, 11, 30))
    actions.assess(rnd, ind.outcome, likelihood=1, likelihood_rationale="Corrected data")
    return rnd


def _indicator_summary(ctx, code):
    return next(
        i["summary"]
        for p in ctx["performance"]
        for o in p["outcomes"]
        for i in o["indicators"]
        if i["indicator"].code == code
    )


def _pack_pdf(client, meeting, query=""):
    response = client.get(f"/routines/meetings/{meeting.pk}/pack.pdf{query}")
    assert response.status_code == 200, response.content[:500]
    return response.content


def test_the_history_rolls_up_to_what_the_live_rollups_hold(world):
    """With nothing changed since, the as-of reader gives the live rollups' rows, plan and summary at every unit."""
    ind, root = world["indicator"], world["root"]
    live, then = asof.reader(None), asof.reader(timezone.now())
    for unit in [root, *world["units"], world["units"][0].parent]:
        assert then.rows(ind, unit) == live.rows(ind, unit)
    ids = [root.pk, world["units"][0].parent_id]
    assert then.plan(ind, ids, root).national_base == pytest.approx(live.plan(ind, ids, root).national_base)
    assert series.summarise(ind, root, then.plan(ind, ids, root), rows=then.rows(ind, root)).latest == pytest.approx(
        series.summarise(ind, root, live.plan(ind, ids, root)).latest
    )


def test_a_value_is_read_in_the_state_its_decisions_had_given_it_then(world):
    """Submitted at the moment: not official then, whatever was decided later."""
    ind, (a, _) = world["indicator"], world["units"]
    dv = factories.record(ind, a, "2026-12", 60, by="health-data")
    before = timezone.now()
    _publish([dv])
    at = {(u, p): s for u, p, _, _, _, s in asof.values_as_of(ind, before)}
    assert at[(a.pk, dv.period_id)] == "submitted"
    assert {(u, p): s for u, p, _, _, _, s in asof.values_as_of(ind, timezone.now())}[
        (a.pk, dv.period_id)
    ] == "published"


def test_an_issued_pack_is_unchanged_by_later_corrections_and_rounds(world, sign_in):
    """The issue's case: a pack issued for 2 November keeps its figures and assessments, byte for byte;
    the live view shows the correction, November and the new round."""
    meeting, ind = world["meeting"], world["indicator"]
    actions.issue_pack(meeting, user=factories.user("duhead"))
    meeting.refresh_from_db()
    manager = sign_in("duhead")
    pdf_before = _pack_pdf(manager, meeting)
    page_before = manager.get(f"/routines/meetings/{meeting.pk}/").content.decode()
    moment = frozen.pack_moment(meeting)
    ctx_before = pack.build(meeting, as_of=moment)
    body_before = render_to_string("routines/_pack_body.html", ctx_before)
    ctx_before_planned = _indicator_summary(ctx_before, ind.code).planned

    rnd = _correct_and_add(world)

    assert _pack_pdf(manager, meeting) == pdf_before
    ctx_after = pack.build(meeting, as_of=moment)
    assert render_to_string("routines/_pack_body.html", ctx_after) == body_before
    frozen_summary = _indicator_summary(ctx_after, ind.code)
    assert frozen_summary.latest_period == "2026-10"
    assert frozen_summary.latest == pytest.approx((50 + 51) / 2)  # a mean of the two hospitals, before correction
    # the target and trajectory in force then, not the revision made after the meeting
    assert frozen_summary.target.target_value == 80 and frozen_summary.planned == ctx_before_planned
    outcome = ctx_after["performance"][0]["outcomes"][0]
    assert outcome["assessment"] is None or outcome["assessment"].round != rnd
    page = manager.get(f"/routines/meetings/{meeting.pk}/").content.decode()
    assert "data as issued on" in page.lower() and 'id="as-of-now"' in page
    assert page.count("2026-11") == page_before.count("2026-11")

    live = pack.build(meeting)
    live_summary = _indicator_summary(live, ind.code)
    assert live_summary.latest_period == "2026-11" and live_summary.latest == pytest.approx(77)
    assert live_summary.target.target_value == 95 and live_summary.planned != ctx_before_planned
    assert live["performance"][0]["outcomes"][0]["assessment"].round == rnd
    now_page = manager.get(f"/routines/meetings/{meeting.pk}/?as_of=now").content.decode()
    assert "today&#x27;s data, not as issued" in now_page.lower() or "today's data, not as issued" in now_page.lower()
    assert _pack_pdf(manager, meeting, "?as_of=now") != pdf_before


def test_a_held_meeting_not_issued_is_frozen_when_it_was_held(world):
    meeting = world["meeting"]
    assert frozen.pack_moment(meeting) is None  # scheduled, not issued: the pack is live (a draft)
    meeting = actions.record_minutes(meeting, minutes="Discussed beds.")
    assert frozen.pack_moment(meeting) == meeting.held_at
    _correct_and_add(world)
    summary = _indicator_summary(pack.build(meeting, as_of=frozen.pack_moment(meeting)), world["indicator"].code)
    assert summary.latest_period == "2026-10"


def test_a_held_meeting_cannot_be_issued_again(world):
    from django.core.exceptions import ValidationError

    meeting = actions.record_minutes(world["meeting"], minutes="Discussed beds.")
    with pytest.raises(ValidationError) as exc:
        actions.issue_pack(meeting)
    assert "state" in exc.value.message_dict


def test_a_closed_rounds_report_is_unchanged_by_later_corrections(world, sign_in):
    ind = world["indicator"]
    rnd = actions.create_round(name="October review", date=date(2026, 10, 31))
    actions.assess(rnd, ind.outcome, likelihood=3, likelihood_rationale="On the way")
    rnd = actions.close_round(rnd)
    priorities = Priority.objects.filter(pk=ind.outcome.priority_id)
    moment = frozen.report_moment(rnd)
    assert moment is not None
    before = reports.delivery_report(rnd, priorities, as_of=moment)
    body_before = render_to_string("routines/_report_body.html", before)
    client = sign_in("duhead")
    pdf_before = client.get(f"/routines/rounds/{rnd.pk}/report.pdf").content

    actions.reopen_round(rnd, reason="A late correction")
    later = _correct_and_add(world)
    assert later.date > rnd.date

    after = reports.delivery_report(rnd, priorities, as_of=moment)
    assert render_to_string("routines/_report_body.html", after) == body_before
    assert client.get(f"/routines/rounds/{rnd.pk}/report.pdf", {"as_of": moment.isoformat()}).content == pdf_before
    page = after["pages"][0]["outcomes"][0]
    assert page["assessment"].likelihood == 3
    live = reports.delivery_report(rnd, priorities)
    assert live["pages"][0]["outcomes"][0]["indicators"][0]["summary"].latest_period == "2026-11"


def test_the_monthly_note_as_of_a_moment_ignores_later_rounds(world, sign_in):
    client = sign_in("duhead")
    moment = timezone.now()
    _correct_and_add(world)
    then = client.get("/routines/note/", {"as_of": moment.isoformat()})
    assert then.status_code == 200
    assert then.context["round"].name != "After the meeting"
    assert client.get("/routines/note/").context["round"].name == "After the meeting"


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01", "2026-11-02T25:00"])
def test_a_bad_as_of_is_refused_naming_the_parameter(world, sign_in, bad):
    response = sign_in("duhead").get(f"/routines/meetings/{world['meeting'].pk}/", {"as_of": bad})
    assert response.status_code == 400
    assert "as_of" in response.content.decode()


def test_a_date_means_the_end_of_that_day():
    day = date(2026, 11, 2)
    assert frozen.parse_as_of("2026-11-02", None) == frozen.end_of_day(day)
    assert frozen.parse_as_of("now", frozen.end_of_day(day)) is None
    assert frozen.parse_as_of("", frozen.end_of_day(day)) == frozen.end_of_day(day)
    assert frozen.end_of_day(day) - timedelta(days=1) < frozen.end_of_day(day)


def test_the_api_gives_the_pack_as_issued_and_now_on_request(world, sign_in):
    meeting, ind = world["meeting"], world["indicator"]
    client = sign_in("duhead")
    draft = client.get(f"/api/routines/meetings/{meeting.pk}/pack").json()
    assert draft["frozen"] is False and draft["issued_at"] is None
    actions.issue_pack(meeting)
    _correct_and_add(world)
    issued = client.get(f"/api/routines/meetings/{meeting.pk}/pack").json()
    mine = next(f for f in issued["figures"] if f["indicator"] == ind.code)
    assert issued["frozen"] is True and issued["as_of"] == issued["issued_at"]
    assert (mine["latest_period"], mine["latest"]) == ("2026-10", 50.5)
    now = client.get(f"/api/routines/meetings/{meeting.pk}/pack", {"as_of": "now"}).json()
    assert now["frozen"] is False
    assert next(f for f in now["figures"] if f["indicator"] == ind.code)["latest_period"] == "2026-11"
    assert next(a for a in now["assessments"] if a["outcome"] == ind.outcome.code)["round"] == "After the meeting"
    bad = client.get(f"/api/routines/meetings/{meeting.pk}/pack", {"as_of": "soon"})
    assert bad.status_code == 400 and "as_of" in bad.json()["detail"]
    assert sign_in(None).get(f"/api/routines/meetings/{meeting.pk}/pack").status_code in (401, 403)


def test_the_delivery_unit_issues_a_pack_from_the_meeting_page(world, sign_in):
    from stocktake.accounts.models import AuditEntry

    meeting = world["meeting"]
    page = sign_in("duhead").get(f"/routines/meetings/{meeting.pk}/").content.decode()
    assert 'id="issue-form"' in page and "live data, not yet issued" in page.lower()
    assert sign_in("observer").post(f"/routines/meetings/{meeting.pk}/issue/").status_code == 403
    response = sign_in("duhead").post(f"/routines/meetings/{meeting.pk}/issue/")
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.issued_at is not None
    assert AuditEntry.objects.filter(object_id=str(meeting.pk), reason="Pack issued").exists()


def test_a_frozen_pack_shows_problems_and_milestones_as_they_stood(world, person):
    """Other apps' sections read their records as of the moment from the audit trail: a problem escalated and
    one opened after the issue, a milestone done and one added after it, leave the issued pack as it was."""
    from stocktake.plans import actions as plan_actions
    from stocktake.problems import actions as problem_actions

    meeting, ind = world["meeting"], world["indicator"]
    priority, pm = ind.outcome.priority, factories.user("pm")
    problem = problem_actions.open_problem(
        priority=priority, title="Sentinel beds short", owner=person("pm"), level=1, user=pm, interface="system"
    )
    strategy = plan_actions.create_strategy(priority=priority, name="Sentinel strategy", user=pm, interface="system")
    due = plan_actions.add_milestone(
        strategy=strategy, name="Sentinel milestone due", due_date=date(2026, 11, 20), user=pm, interface="system"
    )
    actions.issue_pack(meeting, user=factories.user("duhead"))
    meeting.refresh_from_db()
    moment = frozen.pack_moment(meeting)
    before = render_to_string("routines/_pack_body.html", pack.build(meeting, as_of=moment))
    assert "Sentinel beds short" in before and "Sentinel milestone due" in before

    problem_actions.change_level(problem, 3, reason="Worse than thought", user=pm, interface="system")
    problem_actions.open_problem(
        priority=priority, title="Sentinel opened later", owner=person("pm"), level=2, user=pm, interface="system"
    )
    plan_actions.update_milestone(due, status="done", completed_on=date(2026, 11, 10), user=pm, interface="system")
    plan_actions.add_milestone(
        strategy=strategy, name="Sentinel milestone later", due_date=date(2026, 11, 25), user=pm, interface="system"
    )

    assert render_to_string("routines/_pack_body.html", pack.build(meeting, as_of=moment)) == before
    live = render_to_string("routines/_pack_body.html", pack.build(meeting))
    assert "Sentinel opened later" in live and "Sentinel milestone later" in live
    assert live.count("Sentinel milestone due</td><td>—</td><td>20 Nov 2026</td><td>Done") == 1  # done since
