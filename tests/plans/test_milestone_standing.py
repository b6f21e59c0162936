"""One status per milestone: a milestone past due and not done is "late" everywhere, never also "on track"."""

import re
from datetime import date, timedelta
from io import BytesIO

from openpyxl import load_workbook

from stocktake.plans import actions, facts
from stocktake.plans.models import Milestone, Strategy
from tests import factories


def _late_on_track():
    s = Strategy.objects.get(name="See and treat in every emergency department")
    m = actions.add_milestone(strategy=s, name="Sentinel late milestone", due_date=date(2026, 1, 5), status="on_track")
    return s, m


def _row(html, m):
    return re.search(rf'<tr id="milestone-{m.pk}".*?</tr>', html, re.S).group(0)


def test_one_function_decides_a_milestones_status(db):
    _s, m = _late_on_track()
    assert m.standing(date(2026, 1, 4)) == "on_track"  # before its due date, its set status
    assert m.standing(date(2026, 1, 6)) == Milestone.LATE
    assert m.standing_label(date(2026, 1, 6)) == "Late"


def test_pages_workbook_api_and_pack_show_late_not_on_track(client, db):
    s, m = _late_on_track()
    row = _row(client.get("/plans/ae-waits/").content.decode(), m)  # the public: text only
    assert "Late" in row and "On track" not in row and 'data-status="late"' in row
    row = _row(factories.sign_in("manager").get("/plans/ae-waits/").content.decode(), m)  # an editor: a select
    assert "Late" in row and not re.search(r'<option value="on_track"[^>]*selected', row)
    profile = client.get(f"/plans/ae-waits/strategies/{s.pk}/").content.decode()
    line = re.search(r"<tr><td>Sentinel late milestone</td>.*?</tr>", profile, re.S).group(0)
    assert "Late" in line and "On track" not in line
    wb = load_workbook(BytesIO(client.get("/plans/ae-waits/plan.xlsx").content))
    found = [[c.value for c in r] for r in wb["Milestones"].iter_rows(min_row=2) if r[0].value == m.name]
    assert found[0][4] == "Late" and found[0][6] == "late"
    api = client.get("/api/plans/ae-waits/milestones").json()
    assert [x["standing"] for x in api if x["id"] == m.pk] == ["late"]
    # a pack of a meeting after the due date: late; of one before it: its status then
    after = facts.milestones_around([s.priority_id], date(2026, 2, 1), date(2026, 12, 1))
    assert [x.standing_text for x in after["late"] if x.pk == m.pk] == ["Late"]
    before = facts.milestones_around([s.priority_id], date(2026, 1, 1), date(2026, 12, 1))
    assert [x.standing_text for x in before["coming"] if x.pk == m.pk] == ["On track"]
    assert m.due_date < date.today() - timedelta(days=1)
