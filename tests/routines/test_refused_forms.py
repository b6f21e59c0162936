"""A refused form keeps what the user typed, names every error beside its field and once more in a summary
at the top, linked to the field (docs/design.md, "Errors")."""

import re
from datetime import date, timedelta

import pytest

from stocktake.architecture.models import Outcome
from stocktake.routines import actions
from stocktake.routines.models import ActionItem, Assessment, Meeting

pytestmark = pytest.mark.django_db

RATINGS = {"challenge": "H", "planning": "2", "capacity": "3", "stage": "2", "evidence": "3", "likelihood": "2"}


def selected(body: str, field_id: str) -> str | None:
    """The value of the selected option of the <select id=field_id>."""
    select = re.search(rf'<select[^>]*id="{field_id}"[^>]*>(.*?)</select>', body, re.S)
    assert select, field_id
    chosen = re.search(r'<option value="([^"]*)" selected>', select.group(1))
    return chosen.group(1) if chosen else None


def summary(body: str) -> list[tuple[str, str]]:
    box = re.search(r'<div class="form-errors" id="form-errors".*?</div>', body, re.S)
    assert box, "no error summary at the top"
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', box.group(0))


def test_assessment_keeps_every_rating_and_names_every_missing_rationale(sign_in):
    c = sign_in("manager")
    rnd = actions.create_round(name="Refused form round", date=date(2025, 1, 31))  # before every demo round: blank
    o = Outcome.objects.get(code="ae-waits-outcome")
    posted = {**RATINGS, "planning_rationale": "Plan agreed in May", "key_issues": "Northern region short of staff"}
    r = c.post(f"/routines/rounds/{rnd.pk}/assess/{o.pk}/", posted)
    body = r.content.decode()
    assert r.status_code == 400
    assert not Assessment.objects.filter(round=rnd, outcome=o).exists()
    for name, value in RATINGS.items():
        assert selected(body, f"{name}-{o.pk}") == value, name  # nothing reset
    assert "Plan agreed in May</textarea>" in body and "Northern region short of staff</textarea>" in body
    missing = ["challenge", "capacity", "stage", "evidence", "likelihood"]
    assert [anchor for anchor, _ in summary(body)] == [f"{n}-rationale-{o.pk}" for n in missing]
    for name in missing:  # each message beside its own field
        assert re.search(rf'id="{name}-rationale-{o.pk}"[^>]*aria-invalid="true"', body), name
        assert f'id="{name}-rationale-{o.pk}-error"' in body
    assert f'id="planning-rationale-{o.pk}-error"' not in body


def test_an_action_without_an_owner_keeps_its_description(sign_in):
    c = sign_in("manager")
    meeting = Meeting.objects.filter(state="scheduled", priorities__code="ae-waits").order_by("date").first()
    due = (date.today() + timedelta(days=30)).isoformat()
    before = ActionItem.objects.count()
    priority = meeting.priorities.get(code="ae-waits")
    r = c.post(
        f"/routines/meetings/{meeting.pk}/action/",
        {"priority": priority.pk, "description": "Open a second triage desk", "owner": "", "due": due},
    )
    body = r.content.decode()
    assert r.status_code == 400 and ActionItem.objects.count() == before
    assert 'value="Open a second triage desk"' in body
    assert f'value="{due}"' in body
    assert selected(body, "action-priority") == str(priority.pk)
    assert summary(body) == [("action-owner", "an action needs an owner")]
    assert 'id="action-owner-error">an action needs an owner<' in body
    # the summary sits at the top of the page, before the pack, not only beside the form far below
    assert body.index('id="form-errors"') < body.index('id="minutes"')
