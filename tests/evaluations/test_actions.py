"""The write path: every evaluation stored through actions.py with its audit entry, bad designs refused whole."""

import pytest
from django.core.exceptions import ValidationError

from stocktake.accounts.models import AuditEntry
from stocktake.evaluations import actions
from stocktake.evaluations.models import Evaluation
from stocktake.monitoring.models import DataValue

from .conftest import COMPARISON, TREATED, WINDOWS

pytestmark = pytest.mark.django_db


def _create(homicides, units, admin_user, treated=TREATED, comparison=COMPARISON, **kw):
    treated = [(units(code)[0], start) for code, start in treated]
    return actions.create_evaluation(
        user=admin_user,
        indicator=homicides,
        name="Test design",
        treated=treated,
        comparison=units(*comparison),
        **{**WINDOWS, **kw},
    )


def test_create_stores_the_design_and_audits_it_in_the_same_transaction(homicides, units, admin_user):
    ev, result = _create(homicides, units, admin_user)
    assert [(t.org_unit.code, t.start) for t in ev.treated.all()] == TREATED
    assert sorted(c.org_unit.code for c in ev.comparison.all()) == COMPARISON
    assert ev.created_by == admin_user and not ev.published
    entry = AuditEntry.objects.get(model="evaluations.evaluation", object_id=str(ev.pk), action="create")
    assert entry.user == admin_user
    assert entry.after["treated"] == [list(t) for t in TREATED]
    assert entry.after["pre_start"] == "2024-01"
    assert result.report.group_time.n_units == 6


def test_propose_takes_the_closest_untreated_units_with_their_distance(homicides, units, admin_user):
    treated = [(units("R03-D01")[0], "2025-01")]
    ev, _ = actions.create_evaluation(
        user=admin_user,
        indicator=homicides,
        name="Proposed",
        treated=treated,
        propose=True,
        propose_limit=5,
        pre_start="2024-07",
        pre_end="2024-12",
        post_start="2025-01",
        post_end="2026-08",
    )
    rows = list(ev.comparison.order_by("distance"))
    assert len(rows) == 5 and ev.selection == Evaluation.Selection.PROPOSED
    assert all(r.distance is not None for r in rows)
    assert [r.distance for r in rows] == sorted(r.distance for r in rows)
    assert "R03-D01" not in {r.org_unit.code for r in rows}


@pytest.mark.parametrize(
    "change, field",
    [
        (dict(comparison=["R01-D02", "R02-D01"]), "comparison"),  # overlapping with the treated
        (dict(comparison=[]), "comparison"),  # no comparison units
        (dict(pre_start="2022-01"), "pre_start"),  # a window outside the data (from 2023-01)
        (dict(post_end="2030-12"), "post_end"),
        (dict(pre_start="2024Q1"), "pre_start"),  # a quarter for a monthly indicator
        (dict(treated=[("R01-D01", "2024-03")]), "treated"),  # a start inside the pre window
    ],
)
def test_bad_designs_are_refused_on_their_field_and_nothing_is_stored(homicides, units, admin_user, change, field):
    before = (Evaluation.objects.count(), AuditEntry.objects.filter(model="evaluations.evaluation").count())
    with pytest.raises(ValidationError) as err:
        _create(homicides, units, admin_user, **change)
    assert field in err.value.message_dict, err.value.message_dict
    assert (Evaluation.objects.count(), AuditEntry.objects.filter(model="evaluations.evaluation").count()) == before


def test_treated_units_without_official_pre_period_data_are_named(homicides, units, admin_user):
    # Only submitted values in the pre window: official values only, so the unit has no pre-period data.
    DataValue.objects.filter(indicator=homicides, org_unit__code="R01-D02", period__code__lt="2024-07").update(
        state=DataValue.State.SUBMITTED
    )
    with pytest.raises(ValidationError) as err:
        _create(homicides, units, admin_user)
    assert "R01-D02" in err.value.message_dict["treated"][0]
    assert not Evaluation.objects.filter(name="Test design").exists()


def test_too_few_units_is_a_warning_not_a_refusal(homicides, units, admin_user):
    ev, result = _create(
        homicides, units, admin_user, treated=[("R01-D01", "2024-07")], comparison=["R02-D01", "R02-D02"]
    )
    assert Evaluation.objects.filter(pk=ev.pk).exists()
    codes = {n.code for n in result.report.verdict.notes}
    assert "few_units_influence" in codes


def test_update_and_publish_are_audited_and_a_bad_update_changes_nothing(homicides, units, admin_user):
    ev, _ = _create(homicides, units, admin_user)
    actions.update_evaluation(ev, user=admin_user, name="Renamed", comparison=units(*COMPARISON[:3]))
    ev.refresh_from_db()
    assert ev.name == "Renamed" and ev.comparison.count() == 3
    change = AuditEntry.objects.filter(object_id=str(ev.pk), model="evaluations.evaluation", action="change").latest(
        "pk"
    )
    assert len(change.before["comparison"]) == 4 and len(change.after["comparison"]) == 3
    with pytest.raises(ValidationError):
        actions.update_evaluation(ev, user=admin_user, name="Broken", post_end="2031-01")
    ev.refresh_from_db()
    assert ev.name == "Renamed" and ev.post_end == "2025-06" and ev.comparison.count() == 3
    actions.set_published(ev, True, user=admin_user)
    ev.refresh_from_db()
    assert ev.published
    assert AuditEntry.objects.filter(
        object_id=str(ev.pk), model="evaluations.evaluation", reason="Evaluation published"
    ).exists()
