"""The trajectory stage editor on the target page: stages are typed as rows of percentages (never JSON),
stored as fractions through revise_target, and a bad row is named and kept as typed."""

import re

import pytest

from stocktake.accounts.models import AuditEntry
from stocktake.architecture.models import Target
from tests.factories import sign_in

pytestmark = pytest.mark.django_db
URL = "/indicators/ae-4h/target/"


def form_of(target, times, changes, **extra):
    data = {
        "baseline_value": target.baseline_value,
        "baseline_date": target.baseline_date.isoformat(),
        "target_value": target.target_value,
        "target_date": target.target_date.isoformat(),
        "status": target.status,
        "trajectory_method": "staged",
        "stages_time": times,
        "stages_change": changes,
        "rationale": target.rationale,
        "reason": "Stages redrawn after the workforce plan",
        **extra,
    }
    return data


def test_the_stages_are_shown_as_rows_of_percentages_with_the_editor_script():
    target = Target.objects.get(indicator__code="ae-4h", org_unit=None)
    assert target.stages == [[0.25, 0.15], [0.6, 0.6]]
    html = sign_in("manager").get(URL).content.decode()
    times = re.findall(r'name="stages_time" value="([^"]*)"', html)
    changes = re.findall(r'name="stages_change" value="([^"]*)"', html)
    assert times[:2] == ["25", "60"] and changes[:2] == ["15", "60"] and times[2:] == ["", ""]
    assert '<script src="/static/architecture/stages.js"></script>' in html and "data-stages-curve" in html
    assert not re.search(r'<textarea[^>]*name="stages"', html)  # no JSON box


def test_typed_stages_are_saved_as_fractions_and_redraw_the_trajectory():
    target = Target.objects.get(indicator__code="ae-4h", org_unit=None)
    before = list(target.points.values_list("value", flat=True))
    c = sign_in("duhead")
    r = c.post(URL, form_of(target, ["70", "20", ""], ["80", "5", ""]))
    assert r.status_code == 302, r.content.decode()[:3000]
    target.refresh_from_db()
    assert target.stages == [[0.2, 0.05], [0.7, 0.8]]  # sorted by time
    assert list(target.points.values_list("value", flat=True)) != before
    entry = AuditEntry.objects.filter(model="architecture.target", object_id=str(target.pk)).latest("pk")
    assert entry.after["stages"] == [[0.2, 0.05], [0.7, 0.8]] and entry.interface == "web"


def test_a_bad_stage_is_named_by_its_row_kept_as_typed_and_nothing_changes():
    target = Target.objects.get(indicator__code="ae-4h", org_unit=None)
    revision = target.revision
    c = sign_in("duhead")
    r = c.post(URL, form_of(target, ["120", "30", "40", "50"], ["10", "", "abc", "50"]))
    html = r.content.decode()
    assert r.status_code == 400
    assert "Stage 1: the share of time elapsed must lie strictly between 0 and 100%" in html
    assert "Stage 2: give both the share of time elapsed and the share of change achieved" in html
    assert "Stage 3: the shares must be numbers" in html
    assert 'id="stages-error"' in html and 'href="#id_stages"' in html
    assert re.findall(r'name="stages_time" value="([^"]*)"', html)[:4] == ["120", "30", "40", "50"]
    assert re.findall(r'name="stages_change" value="([^"]*)"', html)[:4] == ["10", "", "abc", "50"]
    first = re.search(r'<input[^>]*name="stages_time"[^>]*>', html).group(0)
    assert "autofocus" in first and 'aria-invalid="true"' in first
    assert Target.objects.get(pk=target.pk).revision == revision
    # two stages at the same time are refused too
    r = c.post(URL, form_of(target, ["50", "50"], ["10", "20"]))
    assert r.status_code == 400 and "Two stages share the same share of time elapsed" in r.content.decode()
