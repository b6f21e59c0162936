"""Pages, PDFs, Excel, iCalendar, the portfolio panels and the reminder command, on the demo data."""

import io
import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from stocktake.architecture.models import Indicator, Outcome, Priority
from stocktake.delivery import calendar as C
from stocktake.monitoring import series
from stocktake.routines import actions
from stocktake.routines.models import ActionItem, Assessment, AssessmentRound, Meeting

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(p.extract_text() for p in reader.pages)
    return reader, re.sub(r"\s+", " ", text)


def latest_round():
    return AssessmentRound.objects.order_by("-date").first()


def stocktake_meeting(code="ae-waits"):
    return (
        Meeting.objects.filter(routine__kind="stocktake", priorities__code=code, state="held").order_by("-date").first()
    )


def test_anonymous_is_sent_to_sign_in_and_cannot_write():
    c = Client()
    r = c.get("/routines/")
    assert r.status_code == 302 and "/login/" in r["Location"]
    r = c.post("/routines/rounds/new/", {"name": "X", "date": "2026-12-01"})
    assert r.status_code == 403
    assert not AssessmentRound.objects.filter(name="X").exists()
    assert c.get("/api/routines/rounds").status_code in (401, 403)


def test_observer_reads_but_cannot_write(sign_in, settings):
    c = sign_in("observer")
    # packs, notes and reports are built from unpublished (checked) values: not an observer's by default
    meeting = Meeting.objects.exclude(state=Meeting.State.CANCELLED).filter(date__lt=date.today()).first()
    assert c.get(f"/routines/meetings/{meeting.pk}/").status_code == 404
    settings.STOCKTAKE_OBSERVERS_READ_UNPUBLISHED = True  # decision 0005: a government may let them read
    assert c.get("/routines/").status_code == 200
    assert c.get(f"/routines/meetings/{meeting.pk}/").status_code == 200
    rnd = latest_round()
    o = Outcome.objects.get(code="homicides-outcome")
    before = Assessment.objects.get(round=rnd, outcome=o).likelihood
    r = c.post(f"/routines/rounds/{rnd.pk}/assess/{o.pk}/", {"likelihood": "4", "likelihood_rationale": "x"})
    assert r.status_code == 403
    assert Assessment.objects.get(round=rnd, outcome=o).likelihood == before
    r = c.put(
        f"/api/routines/rounds/{rnd.pk}/assessments/{o.code}",
        {"likelihood": 4, "likelihood_rationale": "x"},
        content_type="application/json",
    )
    assert r.status_code == 403


def test_data_lead_sees_only_their_ministrys_priorities(sign_in):
    c = sign_in("health-data")
    body = c.get(f"/routines/rounds/{latest_round().pk}/").content.decode()
    assert "Cut waiting times in emergency departments" in body
    assert "Halve violent deaths" not in body
    other = stocktake_meeting("homicides")
    assert c.get(f"/routines/meetings/{other.pk}/").status_code == 404
    codes = {a["priority"] for a in c.get("/api/routines/actions").json()}
    assert codes and codes <= {"ae-waits", "child-nutrition"}


def test_round_page_shows_the_proposal_and_assessing_through_the_page(sign_in):
    c = sign_in("manager")
    rnd = actions.create_round(name="Page round", date=date(2026, 12, 20))
    o = Outcome.objects.get(code="ae-waits-outcome")
    body = c.get(f"/routines/rounds/{rnd.pk}/").content.decode()
    assert "Data proposes evidence of progress" in body
    assert "chance of hitting the target" in body  # the forecast from monitoring informs the proposal
    r = c.post(f"/routines/rounds/{rnd.pk}/assess/{o.pk}/", {"likelihood": "2", "likelihood_rationale": ""})
    assert r.status_code == 400 and "needs a rationale" in r.content.decode()
    carried = Assessment.objects.get(round=rnd, outcome=o)  # the new round started from the last one's
    assert carried.version == 1 and carried.likelihood_rationale
    r = c.post(
        f"/routines/rounds/{rnd.pk}/assess/{o.pk}/",
        {"likelihood": "2", "likelihood_rationale": "Problematic", "key_issues": "Northern region"},
    )
    assert r.status_code == 302
    a = Assessment.objects.get(round=rnd, outcome=o)
    assert a.likelihood == 2 and a.proposed_evidence is not None and a.updated_by.username == "manager"


def test_comparison_table_has_rounds_and_arrows(sign_in):
    body = sign_in("duhead").get("/routines/rounds/compare/").content.decode()
    for r in AssessmentRound.objects.all():
        assert r.name in body
    assert 'data-move="up"' in body and 'data-move="down"' in body


def test_stocktake_pack_page_carries_over_actions_from_the_last_meeting(sign_in):
    m = stocktake_meeting()
    prev_actions = list(
        ActionItem.objects.filter(
            meeting__routine=m.routine, meeting__date__lt=m.date, priority__code="ae-waits"
        ).order_by("-meeting__date")
    )
    body = sign_in("duhead").get(f"/routines/meetings/{m.pk}/").content.decode()
    for heading in (
        "1. Agenda",
        "2. Action tracker from the last meeting",
        "3. Outstanding actions",
        "4. Performance pack",
        "5. Milestones",
        "6. Delivery plans",
        "7. Evidence of impact",
        "8. Problems and priority reviews",  # the problems app's section (monitoring.hooks.pack_sections)
        "9. Annex",
    ):
        assert heading in body
    assert "Prime Minister Helena Voss" in body  # the chair, in attendance
    assert "Dr Amelia Okafor" in body  # the accountable leader is invited
    if prev_actions:
        assert prev_actions[0].description in body
    s = series.summarise(Indicator.objects.get(code="ae-4h"))
    assert s.latest_text in body
    assert 'data-chart="chart-ae-4h"' in body


def _pdf(c, url):
    r = c.get(url)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    return pdf_text(r.content)


def test_pack_pdf_prints_on_a4_with_the_numbers_of_the_page(sign_in):
    c = sign_in("duhead")
    m = stocktake_meeting()
    reader, text = _pdf(c, f"/routines/meetings/{m.pk}/pack.pdf")
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    s = series.summarise(Indicator.objects.get(code="ae-4h"))
    assert "Cut waiting times in emergency departments" in text
    assert s.latest_text in text and s.planned_text in text
    assert "Action tracker from the last meeting" in text


def test_delivery_report_pdf_and_excel_hold_every_priority_and_rating(sign_in):
    from openpyxl import load_workbook

    c = sign_in("pm")
    rnd = latest_round()
    reader, text = _pdf(c, f"/routines/rounds/{rnd.pk}/report.pdf")
    web = c.get(f"/routines/rounds/{rnd.pk}/report/").content.decode()
    for p in Priority.objects.all():
        assert p.name in text, p.name
    for a in rnd.assessments.select_related("outcome__priority"):
        if a.likelihood:
            assert a.get_likelihood_display() in text
    s = series.summarise(Indicator.objects.get(code="homicides"))
    assert s.latest_text in text and s.latest_text in web
    assert len(reader.pages) >= 4  # cover, summary, the table across rounds, then the priorities

    r = c.get(f"/routines/rounds/{rnd.pk}/report.xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["Assessments", "Priorities", "Indicators"]
    names = {row[0] for row in wb["Priorities"].iter_rows(min_row=2, values_only=True)}
    assert names == set(Priority.objects.values_list("name", flat=True))
    header = [c.value for c in wb["Assessments"][1]]
    assert rnd.name in header
    rows = {row[1]: row for row in wb["Indicators"].iter_rows(min_row=2, values_only=True)}
    ind = Indicator.objects.get(code="ae-4h")
    assert rows[ind.name][4] == round(series.summarise(ind).latest, ind.decimals)


def test_monthly_note_prints_on_letter_with_its_summary_and_two_priorities_in_two_pages(sign_in):
    # a ministry's data lead gets the note for its own two priorities, which also keeps this test quick
    reader, text = _pdf(sign_in("health-data"), "/routines/note.pdf?paper=letter")
    assert "Monthly note to the head of government" in text
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # US Letter in points
    assert "Cut waiting times in emergency departments" in text and "End child malnutrition" in text
    assert "Halve violent deaths" not in text
    assert "Narrative" not in text and len(reader.pages) == 2


def test_calendar_ics_parses_back_and_staggers_ministers(sign_in):
    r = sign_in("duhead").get("/routines/calendar.ics")
    assert r["Content-Type"].startswith("text/calendar")
    events = C.parse_ics(r.content.decode())
    stocktakes = [e for e in events if e["SUMMARY"].startswith("Prime Minister's stocktake")]
    assert len(stocktakes) > 20
    assert all(re.fullmatch(r"\d{8}", e["DTSTART"]) for e in events)
    by_minister = {}
    for m in Meeting.objects.filter(routine__name="Prime Minister's stocktake").prefetch_related("priorities"):
        for p in m.priorities.all():
            key = (p.lead_organisation_id, m.date.isocalendar()[:2])
            assert key not in by_minister, f"{p} and {by_minister.get(key)} share a week"
            by_minister[key] = p


def test_portfolio_shows_likelihood_to_the_unit_but_not_to_the_public(sign_in):
    body = sign_in("duhead").get("/").content.decode()
    assert "Routine health" in body and "Likelihood of delivery:" in body
    assert "did not happen on" in body and "overdue" in body
    public = Client().get("/", follow=True).content.decode()
    assert "Likelihood of delivery:" not in public and "Routine health" not in public


def test_routine_health_flags_lapsed_meetings_and_overdue_actions(sign_in):
    body = sign_in("duhead").get("/routines/").content.decode()
    assert "Did not happen on its date" in body
    assert "overdue" in body


def test_portfolio_panel_names_the_three_oldest_overdue_actions_and_counts_the_rest(sign_in):
    body = sign_in("duhead").get("/").content.decode()
    panel = body.split('id="routine-health"')[1].split("</section>")[0]
    listed = re.findall(r'<li title="([^"]*)"', panel)
    total = int(re.search(r"(\d+) actions? overdue", panel).group(1))
    assert total > 3  # the demo has many: the panel must not list them all
    assert len(listed) == 3 and f"{total - 3} more in the action tracker" in panel


def test_owner_closes_their_action_with_htmx_and_it_stays(sign_in, person):
    p = Priority.objects.get(code="ae-waits")
    a = actions.create_action(
        priority=p,
        description="Ring the hospital chiefs",
        owner=person("health-data"),
        due=date.today() + timedelta(days=7),
    )
    c = sign_in("health-data")
    r = c.post(f"/routines/actions/{a.pk}/close/", {"note": "Rang all 24"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "Rang all 24" in r.content.decode()
    a.refresh_from_db()
    assert a.state == "closed"
    b = actions.create_action(
        priority=p, description="Someone else's", owner=person("manager"), due=date.today() + timedelta(days=7)
    )
    assert c.post(f"/routines/actions/{b.pk}/close/", {"note": "x"}).status_code == 403
    b.refresh_from_db()
    assert b.state == "open"


def test_remind_actions_emails_each_owner_once(person):
    p = Priority.objects.get(code="homicides")
    owner = person("interior-data")
    a = actions.create_action(
        priority=p,
        description="Send the crime returns",
        owner=owner,
        due=date.today() - timedelta(days=3),
        today=date.today() - timedelta(days=10),
    )
    call_command("remind-actions", stdout=io.StringIO(), stderr=io.StringIO())
    to_owner = [m for m in mail.outbox if owner.email in m.to]
    assert len(to_owner) == 1 and "Send the crime returns" in to_owner[0].body
    a.refresh_from_db()
    assert a.reminded_at is not None
    call_command("remind-actions", stdout=io.StringIO(), stderr=io.StringIO())
    assert len([m for m in mail.outbox if owner.email in m.to]) == 1


def test_api_assess_and_actions(sign_in, person):
    c = sign_in("manager")
    rnd = actions.create_round(name="API round", date=date(2026, 12, 30))
    url = f"/api/routines/rounds/{rnd.pk}/assessments/homicides-outcome"
    r = c.put(url, {"likelihood": 7, "likelihood_rationale": "x"}, content_type="application/json")
    assert r.status_code == 400 and "likelihood" in r.json()["errors"]
    r = c.put(url, {"likelihood": 3, "likelihood_rationale": "Mixed"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["likelihood"] == 3 and r.json()["proposed_evidence"] in (1, 2, 3, 4)
    r = c.post(
        "/api/routines/actions",
        {"priority": "homicides", "description": "x", "owner_id": person("manager").pk, "due": "2020-01-01"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "past" in r.json()["detail"]
    due = (date.today() + timedelta(days=5)).isoformat()
    r = c.post(
        "/api/routines/actions",
        {"priority": "homicides", "description": "Brief the minister", "owner_id": person("manager").pk, "due": due},
        content_type="application/json",
    )
    assert r.status_code == 201
    aid = r.json()["id"]
    r = c.post(f"/api/routines/actions/{aid}/close", {"note": "Briefed"}, content_type="application/json")
    assert r.json()["state"] == "closed"
    assert c.get("/api/routines/outcomes/homicides-outcome/proposal").json()["reasons"]


def test_new_routine_from_the_page_is_scheduled_and_refuses_no_priorities(sign_in, person):
    c = sign_in("duhead")
    data = {
        "name": "Water task force",
        "kind": "task_force",
        "chair": person("duhead").pk,
        "frequency": "monthly",
        "starts_on": (date.today() + timedelta(days=1)).isoformat(),
        "one_priority_per_meeting": "on",
    }
    r = c.post("/routines/routine/new/", data)
    assert r.status_code == 400 and "at least one priority" in r.content.decode()
    water = Priority.objects.get(code="safe-water")
    r = c.post("/routines/routine/new/", {**data, "priorities": [water.pk]})
    assert r.status_code == 302
    assert Meeting.objects.filter(routine__name="Water task force").count() == 12
    meetings = c.get("/api/routines/meetings", {"start": date.today().isoformat()}).json()
    assert any(m["routine"] == "Water task force" and m["priorities"] == ["safe-water"] for m in meetings)
    assert (
        sign_in("observer").post("/routines/routine/new/", {**data, "name": "x", "priorities": [water.pk]}).status_code
        == 403
    )


def test_pack_lists_late_milestones_from_the_delivery_plan(sign_in):
    from stocktake.plans.models import Milestone

    late = Milestone.objects.filter(strategy__priority__code="ae-waits", due_date__lt=date.today()).exclude(
        status="done"
    )
    assert late.exists()  # the demo plans have some
    m = stocktake_meeting()
    body = sign_in("duhead").get(f"/routines/meetings/{m.pk}/").content.decode()
    section = body.split('id="pack-milestones"')[1].split("</section>")[0]
    for ms in late.filter(due_date__lt=m.date):
        assert ms.name in section


def test_a_ministry_sees_only_its_own_priorities_in_a_shared_meeting(sign_in):
    note = Meeting.objects.filter(routine__kind="monthly_note").first()
    assert note.priorities.count() == 12
    c = sign_in("health-data")
    for url in (f"/routines/meetings/{note.pk}/", "/routines/", "/routines/calendar.ics"):
        body = c.get(url).content.decode()
        if url.endswith(".ics"):  # long lines are folded: read the events back
            body = " ".join(e["SUMMARY"] for e in C.parse_ics(body))
        assert "Cut waiting times in emergency departments" in body, url
        assert "Every child reads well by age 11" not in body and "Halve violent deaths" not in body, url
    codes = {code for m in c.get("/api/routines/meetings").json() for code in m["priorities"]}
    assert codes == {"ae-waits", "child-nutrition"}


def test_pack_carries_each_strategy_profile_and_the_chain_in_page_and_pdf(sign_in):
    from stocktake.plans.models import ChainLink, Strategy

    m = stocktake_meeting()
    strategies = Strategy.objects.filter(priority__code="ae-waits", withdrawn_at=None)
    assert strategies.count() >= 3
    body = sign_in("duhead").get(f"/routines/meetings/{m.pk}/").content.decode()
    section = body.split('id="pack-plans"')[1].split("</section>")[0]
    for s in strategies:
        assert f'data-strategy="{s.pk}"' in section and s.name in section
    assert "Withdrawn:" not in section  # withdrawn strategies stay out of the pack
    assert 'class="chain"' in section and "Weakest link" in section
    assert "Remove" not in section and "Add a link" not in section  # the pack is for reading
    reader, text = _pdf(sign_in("duhead"), f"/routines/meetings/{m.pk}/pack.pdf")
    assert "Delivery plans: strategy profiles and chains" in text
    for s in strategies:
        assert re.sub(r"\s+", " ", s.name) in text
    weakest = ChainLink.objects.filter(chain__priority__code="ae-waits", kind="influence").order_by("strength").first()
    assert "Weakest link on the path to" in text and weakest.source.name in text
