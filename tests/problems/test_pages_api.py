"""Pages and API of the problems app: who edits, who reads, the public sees only what is published."""

from datetime import timedelta

import pytest
from django.utils import timezone

from stocktake.accounts.models import Person
from stocktake.demo import problems as demo
from stocktake.problems.models import PriorityReview, Problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def ae_problem():
    return Problem.objects.get(title=demo.AE_PROBLEM)


def test_the_board_is_on_the_delivery_units_home_by_level(sign_in, ae_problem):
    page = sign_in("manager").get("/").content.decode()
    assert 'id="problem-board"' in page
    assert f'data-problem="{ae_problem.pk}"' in page
    assert sign_in(None).get("/", follow=True).content.decode().count('id="problem-board"') == 0


def test_the_problem_page_shows_the_level_meaning_tree_and_actions(sign_in, ae_problem):
    page = sign_in("manager").get(f"/problems/{ae_problem.pk}/").content.decode()
    assert "An intensive problem-solving drive" in page and "politically salient" in page
    assert "<svg" in page and "hypothesis-tree" in page
    assert "Issue analysis table" in page


def test_the_public_sees_no_unpublished_problem_and_a_ministry_only_its_own(sign_in, ae_problem):
    assert sign_in(None).get(f"/problems/{ae_problem.pk}/").status_code == 404
    assert sign_in("education-data").get(f"/problems/{ae_problem.pk}/").status_code == 404
    assert sign_in("health-data").get(f"/problems/{ae_problem.pk}/").status_code == 200
    # the API: the health ministry lists its own problem, the education ministry does not see it
    assert ae_problem.pk in [p["id"] for p in sign_in("health-data").get("/api/problems/").json()]
    assert ae_problem.pk not in [p["id"] for p in sign_in("education-data").get("/api/problems/").json()]
    assert sign_in("education-data").get(f"/api/problems/{ae_problem.pk}").status_code == 404


def test_a_published_problem_is_read_by_the_public_once_its_priority_is_published(sign_in, ae_problem):
    c = sign_in("manager")
    assert c.post(f"/problems/{ae_problem.pk}/publish/", {"published": "1"}).status_code == 302
    assert ae_problem.priority.published  # the demo publishes the A&E priority
    assert sign_in(None).get(f"/problems/{ae_problem.pk}/").status_code == 200
    assert sign_in(None).post(f"/problems/{ae_problem.pk}/note/", {"text": "x"}).status_code == 302  # sign in first
    assert not ae_problem.log.filter(text="x").exists()


def test_only_the_accountable_leader_and_the_delivery_unit_edit(sign_in, ae_problem):
    url = f"/problems/{ae_problem.pk}/note/"
    assert sign_in("health-data").post(url, {"text": "x"}).status_code == 403
    assert sign_in("leader").post(url, {"text": "Called the trust"}).status_code == 302
    assert ae_problem.log.filter(text="Called the trust").exists()


def test_an_escalation_without_reason_on_the_page_is_a_400_naming_the_field(sign_in, ae_problem):
    response = sign_in("manager").post(f"/problems/{ae_problem.pk}/level/", {"level": "4", "reason": ""})
    assert response.status_code == 400
    assert "reason" in response.content.decode()
    ae_problem.refresh_from_db()
    assert ae_problem.level == 3


def test_api_opens_a_problem_and_refuses_bad_input_with_the_field(sign_in):
    c = sign_in("manager")
    owner = Person.objects.get(user__username="manager").pk
    bad = c.post("/api/problems/", {"priority": "ae-waits", "title": "x", "level": 7}, content_type="application/json")
    assert bad.status_code == 400
    body = bad.json()
    assert "owner" in body["errors"] and "level" in body["errors"]
    ok = c.post(
        "/api/problems/",
        {"priority": "ae-waits", "title": "Ambulance handovers", "owner": owner, "level": 1, "org_units": ["R01-D01"]},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["level_name"] == "Timely nudge"
    pid = ok.json()["id"]
    cycle_tree = c.post(f"/api/problems/{pid}/trees", {"issue": "Why?"}, content_type="application/json").json()
    a = c.post(
        f"/api/problems/trees/{cycle_tree['id']}/hypotheses", {"text": "A"}, content_type="application/json"
    ).json()["hypotheses"][0]["id"]
    b = c.post(
        f"/api/problems/trees/{cycle_tree['id']}/hypotheses",
        {"text": "B", "parent": a},
        content_type="application/json",
    ).json()["hypotheses"][1]["id"]
    refused = c.patch(f"/api/problems/hypotheses/{a}", {"parent": b}, content_type="application/json")
    assert refused.status_code == 400 and "cycle" in refused.json()["errors"]["parent"][0]


def test_api_review_longer_than_its_weeks_is_refused(sign_in):
    c = sign_in("manager")
    review = PriorityReview.objects.get(title=demo.AE_REVIEW)
    late = (review.due_on + timedelta(days=1)).isoformat()
    r = c.post(
        f"/api/problems/reviews/{review.pk}/fieldwork",
        {"org_unit": "R01-D01", "visited_on": late, "who": "Nurses", "findings": "Queues"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "extension" in r.json()["errors"]["visited_on"][0]
    too_long = c.post(
        "/api/problems/reviews/",
        {
            "priority": "ae-waits",
            "title": "t",
            "terms_of_reference": "t",
            "starts_on": timezone.localdate().isoformat(),
            "weeks": 13,
            "lead": Person.objects.get(user__username="manager").pk,
        },
        content_type="application/json",
    )
    assert too_long.status_code == 400 and "weeks" in too_long.json()["errors"]


def test_the_review_page_marks_when_actions_started_and_the_pdf_renders(sign_in):
    review = PriorityReview.objects.get(title=demo.AE_REVIEW)
    c = sign_in("manager")
    page = c.get(f"/problems/reviews/{review.pk}/").content.decode()
    assert "Actions started" in page and 'id="fieldwork"' in page
    pdf = c.get(f"/problems/reviews/{review.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"


def test_the_stakeholder_map_is_never_public_and_refuses_off_scale(sign_in):
    assert sign_in(None).get("/problems/stakeholders/reading-11/").status_code == 302  # sign in first
    assert sign_in("health-data").get("/problems/stakeholders/reading-11/").status_code == 404
    c = sign_in("manager")
    page = c.get("/problems/stakeholders/reading-11/").content.decode()
    assert "Activate them." in page and "stakeholder-map-spec" in page
    r = c.post("/problems/stakeholders/reading-11/add/", {"name": "Press", "power": "9", "support": "3"})
    assert r.status_code == 400 and "scale of 1 to 5" in r.content.decode()


def test_problems_are_in_the_pack_and_the_delivery_report(sign_in, ae_problem):
    from stocktake.routines.models import AssessmentRound, Meeting

    c = sign_in("manager")
    meeting = Meeting.objects.filter(priorities=ae_problem.priority).order_by("-date").first()
    pack = c.get(f"/routines/meetings/{meeting.pk}/").content.decode()
    assert 'id="pack-problems"' in pack and f'data-problem="{ae_problem.pk}"' in pack
    rnd = AssessmentRound.objects.order_by("-date").first()
    report = c.get(f"/routines/rounds/{rnd.pk}/report/").content.decode()
    assert "Problems being solved" in report and ae_problem.title in report.replace("&amp;", "&")


def test_a_move_on_the_map_naming_another_prioritys_review_is_refused_with_the_field(sign_in):
    from stocktake.problems.models import Stakeholder

    s = Stakeholder.objects.filter(priority__code="reading-11").first()
    other = PriorityReview.objects.exclude(priority=s.priority).first()
    c = sign_in("duhead")
    before = s.placements.count()
    r = c.post(
        f"/api/problems/stakeholders/reading-11/{s.pk}/placements",
        {"power": 4, "support": 4, "review": other.pk},
        content_type="application/json",
    )
    assert r.status_code == 400 and "review" in r.json()["errors"]
    assert s.placements.count() == before
