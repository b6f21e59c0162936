"""The pages: who sees and who writes, form errors on their fields, the indicator page, the pack and the report."""

import csv
import io

import pytest
from django.test import Client

from stocktake.evaluations import actions
from stocktake.evaluations.models import Evaluation
from stocktake.monitoring.models import DataValue
from stocktake.routines.models import AssessmentRound, Meeting

from .conftest import COMPARISON, TREATED, WINDOWS

pytestmark = pytest.mark.django_db


def form_data(**change):
    data = {
        "indicator": "homicides",
        "name": "Form design",
        "treated": "\n".join(f"{u} {s}" for u, s in TREATED),
        "comparison": " ".join(COMPARISON),
        **WINDOWS,
    }
    data.update(change)
    return data


def _private(homicides, units, admin_user):
    ev, _ = actions.create_evaluation(
        user=admin_user,
        indicator=homicides,
        name="Private design",
        treated=[(units(u)[0], s) for u, s in TREATED],
        comparison=units(*COMPARISON),
        **WINDOWS,
    )
    return ev


def test_the_delivery_unit_creates_an_evaluation_from_the_form(login):
    c = login("manager")
    assert c.get("/evaluations/new/?indicator=homicides").status_code == 200
    r = c.post("/evaluations/new/", form_data())
    ev = Evaluation.objects.get(name="Form design")
    assert r.status_code == 302 and r["Location"] == f"/evaluations/{ev.pk}/"
    body = c.get(r["Location"]).content.decode()
    assert 'id="verdict"' in body and 'id="estimates"' in body
    assert 'data-chart="evaluation-trajectory-spec"' in body and 'data-chart="evaluation-event-spec"' in body
    for method in ("two_period", "twfe", "group_time_never"):
        assert f'data-method="{method}"' in body
    for test in ("pretrend", "placebo", "permutation"):
        assert f'data-test="{test}"' in body


def test_the_form_with_propose_stores_the_proposed_units(login):
    c = login("manager")
    r = c.post("/evaluations/new/", form_data(comparison="", propose="on", propose_limit="6"))
    assert r.status_code == 302
    ev = Evaluation.objects.get(name="Form design")
    assert ev.comparison.count() == 6 and ev.comparison.filter(distance__isnull=False).count() == 6


@pytest.mark.parametrize(
    "change, field, words",
    [
        (dict(comparison="R01-D02 R02-D01"), "comparison", "both treated and in the comparison"),
        (dict(comparison=""), "comparison", "at least one comparison unit"),
        (dict(treated="R01-D01 2024-07\nNOWHERE 2024-07"), "treated", "Line 2"),
        (dict(treated="R01-D01"), "treated", "Line 1"),
        (dict(post_end="2030-12"), "post_end", "beyond the official data"),
        (dict(pre_start="2024Q1"), "pre_start", "quarterly"),
    ],
)
def test_bad_input_shows_a_message_on_the_field_and_stores_nothing(login, change, field, words):
    r = login("manager").post("/evaluations/new/", form_data(**change))
    assert r.status_code == 200
    body = r.content.decode()
    error = body.split(f'data-field="{field}">')[1].split("</span>")[0]
    assert words in error
    assert not Evaluation.objects.filter(name="Form design").exists()


def test_readers_without_the_role_cannot_create(login):
    assert login("observer").post("/evaluations/new/", form_data()).status_code == 403
    r = Client().post("/evaluations/new/", form_data())
    assert r.status_code == 302 and "/login/" in r["Location"]
    assert not Evaluation.objects.filter(name="Form design").exists()


def test_the_public_sees_nothing_unpublished(homicides, units, admin_user, demo_evaluation):
    ev = _private(homicides, units, admin_user)
    public = Client()
    assert public.get(f"/evaluations/{ev.pk}/").status_code == 404
    assert public.get(f"/evaluations/{ev.pk}/panel.csv").status_code == 404
    listing = public.get("/evaluations/").content.decode()
    assert "Private design" not in listing and demo_evaluation.name in listing
    assert "Private design" not in public.get("/indicators/homicides/").content.decode()
    assert public.get(f"/evaluations/{demo_evaluation.pk}/").status_code == 200


def test_the_public_estimate_uses_published_values_only(login, demo_evaluation, homicides):
    # Pre-window values validated but not yet published: official for the delivery unit, not for the public.
    DataValue.objects.filter(indicator=homicides, org_unit__code="R03-D01", period__code__lte="2024-12").update(
        state=DataValue.State.VALIDATED
    )
    inside = login("pm").get(f"/evaluations/{demo_evaluation.pk}/").content.decode()
    public = Client().get(f"/evaluations/{demo_evaluation.pk}/").content.decode()
    assert 'id="verdict"' in inside and 'id="evaluation-problem"' not in inside
    assert 'id="evaluation-problem"' in public and "R03-D01" in public


def test_the_panel_csv_holds_every_unit_and_period_used(login, demo_evaluation):
    r = login("observer").get(f"/evaluations/{demo_evaluation.pk}/panel.csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode())))
    assert {row["group"] for row in rows} == {"treated", "comparison"}
    units = {row["unit"] for row in rows}
    assert len(units) == demo_evaluation.treated.count() + demo_evaluation.comparison.count()
    periods = sorted({row["period"] for row in rows})
    assert periods[0] == "2024-07" and periods[-1] == "2026-08"


def test_the_indicator_page_links_to_its_evaluations(login, demo_evaluation):
    body = login("observer").get("/indicators/homicides/").content.decode()
    section = body.split('id="evaluations-section"')[1].split("</section>")[0]
    assert f"/evaluations/{demo_evaluation.pk}/" in section
    assert "evaluate-indicator" not in section  # the observer cannot create
    assert "evaluate-indicator" in login("manager").get("/indicators/homicides/").content.decode()
    other = login("observer").get("/indicators/ae-4h/").content.decode()
    assert 'id="evaluations-section"' not in other


def test_the_pack_and_the_delivery_report_carry_the_evaluation(login, demo_evaluation):
    meeting = (
        Meeting.objects.filter(routine__kind="stocktake", priorities__code="homicides", state="held")
        .order_by("-date")
        .first()
    )
    c = login("duhead")
    body = c.get(f"/routines/meetings/{meeting.pk}/").content.decode()
    section = body.split('id="pack-evaluations"')[1].split("</section>")[0]
    assert f'data-evaluation="{demo_evaluation.pk}"' in section and "homicides fell by" in section
    rnd = AssessmentRound.objects.order_by("-date").first()
    report = c.get(f"/routines/rounds/{rnd.pk}/report/").content.decode()
    page = report.split('data-priority="homicides"')[1].split("</section>")[0]
    assert f'data-evaluation="{demo_evaluation.pk}"' in page


def test_the_delivery_unit_edits_and_publishes_from_the_page_and_others_cannot(login, homicides, units, admin_user):
    ev = _private(homicides, units, admin_user)
    manager = login("manager")
    form = manager.get(f"/evaluations/{ev.pk}/edit/").content.decode()
    assert "R01-D01 2024-07" in form
    assert login("observer").post(f"/evaluations/{ev.pk}/edit/", form_data(name="Hijacked")).status_code == 403
    r = manager.post(f"/evaluations/{ev.pk}/edit/", form_data(name="Edited", comparison="R02-D01 R02-D02 R02-D03"))
    assert r.status_code == 302
    ev.refresh_from_db()
    assert ev.name == "Edited" and ev.comparison.count() == 3
    bad = manager.post(f"/evaluations/{ev.pk}/edit/", form_data(name="Broken", comparison="R01-D01"))
    assert 'data-field="comparison"' in bad.content.decode()
    ev.refresh_from_db()
    assert ev.name == "Edited" and ev.comparison.count() == 3
    assert Client().post(f"/evaluations/{ev.pk}/publish/", {"published": "1"}).status_code == 302  # to sign in
    ev.refresh_from_db()
    assert not ev.published
    manager.post(f"/evaluations/{ev.pk}/publish/", {"published": "1"})
    ev.refresh_from_db()
    assert ev.published
