"""A new assessment round starts from the last round's judgements and rationales, each marked as carried over
until it is changed: on the round page and through the API (issue 18, item 3)."""

from datetime import date

import pytest

from stocktake.accounts.models import AuditEntry
from stocktake.routines import actions
from stocktake.routines.models import Assessment, AssessmentRound

pytestmark = pytest.mark.django_db


def _new_round(client, name="Carried round"):
    latest = AssessmentRound.objects.order_by("-date").first()
    response = client.post("/routines/rounds/new/", {"name": name, "date": "2026-12-31"})
    assert response.status_code == 302, response.content[:500]
    return latest, AssessmentRound.objects.get(name=name)


def _form(a: Assessment, **changes) -> dict:
    """What the round page's form posts for an assessment: every field, as shown, with `changes`."""
    fields = {k: "" if getattr(a, k) is None else str(getattr(a, k)) for k in actions.RATED + actions.TEXTS}
    return {**fields, **changes}


def test_a_new_round_starts_from_the_last_rounds_judgements_marked_on_the_page(sign_in):
    client = sign_in("manager")
    last, rnd = _new_round(client)
    old = {a.outcome_id: a for a in last.assessments.all()}
    new = {a.outcome_id: a for a in rnd.assessments.all()}
    assert old and set(new) == set(old)
    for outcome_id, a in new.items():
        o = old[outcome_id]
        for name in actions.RATED:
            assert (getattr(a, name), getattr(a, f"{name}_rationale")) == (
                getattr(o, name),
                getattr(o, f"{name}_rationale"),
            )
        assert a.carried_from == last and a.version == 1 and a.versions.count() == 1
        assert a.carried_over == [n for n in actions.RATED if getattr(o, n) not in (None, "")]
        assert (a.key_issues, a.narrative) == ("", "")  # this round's own words
    assert AuditEntry.objects.filter(model__icontains="assessment", reason=f"carried over from {last}").count() >= len(
        new
    )

    a = next(a for a in new.values() if {"planning", "challenge"} <= set(a.carried_over))
    page = client.get(f"/routines/rounds/{rnd.pk}/").content.decode()
    section = page.split(f'id="outcome-{a.outcome_id}"')[1].split("</section>")[0]
    assert f'id="carried-{a.outcome_id}"' in section and last.name in section
    assert 'data-carried="planning"' in section and 'data-carried="challenge"' in section

    # saved as shown: still carried; planning changed: planning is this round's, the others stay marked
    assert client.post(f"/routines/rounds/{rnd.pk}/assess/{a.outcome_id}/", _form(a)).status_code == 302
    a.refresh_from_db()
    assert "planning" in a.carried_over and "challenge" in a.carried_over
    changed = 1 if a.planning != 1 else 2
    post = _form(a, planning=str(changed), planning_rationale="Revised plan agreed in December.")
    assert client.post(f"/routines/rounds/{rnd.pk}/assess/{a.outcome_id}/", post).status_code == 302
    a.refresh_from_db()
    assert a.planning == changed and "planning" not in a.carried_over and "challenge" in a.carried_over
    section = client.get(f"/routines/rounds/{rnd.pk}/").content.decode().split(f'id="outcome-{a.outcome_id}"')[1]
    section = section.split("</section>")[0]
    assert 'data-carried="planning"' not in section and 'data-carried="challenge"' in section

    # only the rationale changed: that too makes it this round's
    post = _form(a, challenge_rationale="Harder than we thought.")
    assert client.post(f"/routines/rounds/{rnd.pk}/assess/{a.outcome_id}/", post).status_code == 302
    a.refresh_from_db()
    assert "challenge" not in a.carried_over


def test_the_api_says_what_is_carried_over_and_a_change_takes_the_mark_off(sign_in):
    client = sign_in("manager")
    last = AssessmentRound.objects.order_by("-date").first()
    r = client.post(
        "/api/routines/rounds", {"name": "API carried", "date": "2026-12-31"}, content_type="application/json"
    )
    assert r.status_code == 201, r.content
    rnd = AssessmentRound.objects.get(name="API carried")
    rows = client.get(f"/api/routines/rounds/{rnd.pk}/assessments").json()
    assert rows and all(row["carried_from"] == last.name for row in rows)
    row = next(row for row in rows if "capacity" in row["carried_over"])
    r = client.put(
        f"/api/routines/rounds/{rnd.pk}/assessments/{row['outcome']}",
        {"capacity_rationale": "A new team is in post."},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert "capacity" not in r.json()["carried_over"] and r.json()["carried_from"] == last.name
    assert set(r.json()["carried_over"]) == set(row["carried_over"]) - {"capacity"}


def test_the_first_round_and_a_round_before_every_other_start_blank():
    rnd = actions.create_round(name="Long ago", date=date(2020, 1, 31))
    assert not rnd.assessments.exists()
