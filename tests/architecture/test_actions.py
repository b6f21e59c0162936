"""Targets, trajectories and the rules that keep them honest."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from stocktake.accounts.models import AuditEntry
from stocktake.architecture import actions
from stocktake.architecture.actions import ensure_period
from stocktake.architecture.models import Indicator, OrgUnit, Target, TrajectoryPoint


@pytest.fixture
def indicator(db):
    return Indicator.objects.get(code="reading-age-11")


def test_target_date_before_baseline_is_refused_naming_the_field(indicator):
    district = OrgUnit.objects.get(code="R01-D01")
    with pytest.raises(ValidationError) as err:
        actions.create_target(
            indicator=indicator,
            org_unit=district,
            baseline_value=60,
            baseline_date=date(2026, 1, 1),
            target_value=70,
            target_date=date(2025, 1, 1),
        )
    assert "target_date" in err.value.message_dict
    assert "after the baseline" in err.value.message_dict["target_date"][0]
    assert not Target.objects.filter(org_unit=district).exists()


def test_target_below_reporting_level_is_refused(indicator):
    hospital = OrgUnit.objects.get(code="R01-D01-H1")
    with pytest.raises(ValidationError) as err:
        actions.create_target(
            indicator=indicator,
            org_unit=hospital,
            baseline_value=60,
            baseline_date=date(2024, 1, 1),
            target_value=70,
            target_date=date(2026, 1, 1),
        )
    assert "org_unit" in err.value.message_dict


def test_new_target_builds_trajectory_revision_and_audit(indicator, admin_user):
    district = OrgUnit.objects.get(code="R02-D03")
    target = actions.create_target(
        indicator=indicator,
        org_unit=district,
        baseline_value=50,
        baseline_date=date(2024, 3, 31),
        target_value=74,
        target_date=date(2026, 3, 31),
        user=admin_user,
    )
    codes = list(target.points.values_list("period__code", flat=True))
    assert codes[0] == "2024Q2" and codes[-1] == "2026Q1" and len(codes) == 8
    assert target.points.get(period__code="2025Q1").value == pytest.approx(50 + 24 * 365 / 730)
    assert target.revisions.count() == 1
    entry = AuditEntry.objects.filter(model="architecture.target", object_id=str(target.pk)).get()
    assert entry.action == "create" and entry.user == admin_user and entry.after["target_value"] == 74


def test_committed_target_needs_a_reason_and_keeps_every_revision(indicator, admin_user):
    target = Target.objects.get(indicator=indicator, org_unit=None)
    assert target.status == "committed"
    old_value = target.target_value
    with pytest.raises(ValidationError, match="reason"):
        actions.revise_target(target, target_value=old_value + 2, user=admin_user)
    assert Target.objects.get(pk=target.pk).target_value == old_value
    actions.revise_target(target, target_value=old_value + 2, reason="New funding agreed", user=admin_user)
    target.refresh_from_db()
    assert target.revision == 2
    assert list(target.revisions.values_list("target_value", flat=True)) == [old_value, old_value + 2]
    assert target.revisions.last().reason == "New funding agreed"
    assert target.points.order_by("-period__start").first().value == old_value + 2
    entry = AuditEntry.objects.filter(model="architecture.target", object_id=str(target.pk), action="change").get()
    assert entry.before["target_value"] == old_value and entry.after["target_value"] == old_value + 2


def test_trajectory_point_outside_the_span_is_refused(indicator):
    target = Target.objects.get(indicator=indicator, org_unit=None)
    point = TrajectoryPoint(target=target, period=ensure_period("2029Q1"), value=1)
    with pytest.raises(ValidationError) as err:
        point.full_clean()
    assert "period" in err.value.message_dict and "outside" in err.value.message_dict["period"][0]


def test_staged_trajectory_with_bad_stages_is_refused(indicator):
    district = OrgUnit.objects.get(code="R03-D01")
    with pytest.raises(ValidationError) as err:
        actions.create_target(
            indicator=indicator,
            org_unit=district,
            baseline_value=50,
            baseline_date=date(2024, 3, 31),
            target_value=60,
            target_date=date(2026, 3, 31),
            trajectory_method="staged",
            stages=[[1.2, 0.5]],
        )
    assert "stages" in err.value.message_dict
