"""Data values: validation, versions, rollups against hand-computed figures."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum

from stocktake.accounts.models import AuditEntry
from stocktake.architecture.actions import ensure_period
from stocktake.architecture.models import Indicator, OrgUnit
from stocktake.monitoring import actions, series
from stocktake.monitoring.models import DataValue


@pytest.fixture
def ae(db):
    return Indicator.objects.get(code="ae-4h")


def test_value_at_the_wrong_level_is_refused_naming_the_field(ae):
    district = OrgUnit.objects.get(code="R01-D01")
    with pytest.raises(ValidationError) as err:
        actions.record_value(
            indicator=ae, org_unit=district, period=ensure_period("2026-10"), numerator=5, denominator=10
        )
    assert "org_unit" in err.value.message_dict
    assert "level 4" in err.value.message_dict["org_unit"][0]


def test_ratio_with_zero_or_missing_denominator_is_refused(ae):
    hospital = OrgUnit.objects.get(code="R01-D01-H1")
    for bad in (0, None):
        with pytest.raises(ValidationError) as err:
            actions.record_value(
                indicator=ae, org_unit=hospital, period=ensure_period("2026-11"), numerator=5, denominator=bad
            )
        assert "denominator" in err.value.message_dict
    assert not DataValue.objects.filter(indicator=ae, period__code="2026-11").exists()


def test_wrong_frequency_and_out_of_range_are_refused(ae):
    hospital = OrgUnit.objects.get(code="R01-D01-H1")
    with pytest.raises(ValidationError) as err:
        actions.record_value(
            indicator=ae, org_unit=hospital, period=ensure_period("2026Q3"), numerator=5, denominator=10
        )
    assert "period" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        actions.record_value(
            indicator=ae, org_unit=hospital, period=ensure_period("2026-11"), numerator=15, denominator=10
        )
    assert "above the allowed maximum" in err.value.message_dict["value"][0]


def test_a_changed_value_makes_a_new_version_and_the_same_value_changes_nothing(ae, admin_user):
    hospital = OrgUnit.objects.get(code="R01-D01-H1")
    period = ensure_period("2026-10")
    dv = DataValue.objects.get(indicator=ae, org_unit=hospital, period=period)
    old = (dv.numerator, dv.denominator)
    audits = AuditEntry.objects.count()
    same, changed = actions.record_value(
        indicator=ae,
        org_unit=hospital,
        period=period,
        numerator=dv.numerator,
        denominator=dv.denominator,
        user=admin_user,
    )
    assert not changed and same.version == 1 and AuditEntry.objects.count() == audits
    new, changed = actions.record_value(
        indicator=ae,
        org_unit=hospital,
        period=period,
        numerator=old[0] - 10,
        denominator=old[1],
        comment="corrected after audit",
        user=admin_user,
    )
    assert changed and new.version == 2
    versions = list(new.versions.values_list("version", "numerator"))
    assert versions == [(1, old[0]), (2, old[0] - 10)]
    entry = AuditEntry.objects.filter(model="monitoring.datavalue", object_id=str(new.pk)).get()
    assert entry.before["numerator"] == old[0] and entry.after["numerator"] == old[0] - 10


def test_bulk_load_is_idempotent(ae):
    hospital = OrgUnit.objects.get(code="R02-D02-H2")
    rows = [
        {
            "indicator_id": ae.pk,
            "org_unit_id": hospital.pk,
            "period_id": ensure_period("2026-11").pk,
            "numerator": 80.0,
            "denominator": 100.0,
        }
    ]
    assert actions.record_values(rows) == {"created": 1, "changed": 0, "unchanged": 0}
    assert actions.record_values(rows) == {"created": 0, "changed": 0, "unchanged": 1}
    rows[0]["numerator"] = 81.0
    assert actions.record_values(rows) == {"created": 0, "changed": 1, "unchanged": 0}
    assert DataValue.objects.get(indicator=ae, org_unit=hospital, period__code="2026-11").versions.count() == 2


def test_bulk_load_writes_every_column_of_the_cell_and_its_first_version(ae, admin_user):
    """record_values writes new cells with plain INSERTs (COPY on PostgreSQL): check what lands, column by column."""
    from django.utils import timezone

    units = list(OrgUnit.objects.filter(depth=ae.report_depth).order_by("pk")[:3])
    period = ensure_period("2026-12")
    rows = [
        {
            "indicator_id": ae.pk,
            "org_unit_id": u.pk,
            "period_id": period.pk,
            "numerator": 70.0 + i,
            "denominator": 100.0,
            "comment": "late return" if i == 1 else None,
            "state": "validated" if i == 2 else None,
        }
        for i, u in enumerate(units)
    ]
    for r in rows:
        if r["state"] is None:
            del r["state"]
    before = timezone.now()
    deltas = []
    counts = actions.record_values(rows, user=admin_user, interface="api", source="import #99", deltas=deltas)
    assert counts == {"created": 3, "changed": 0, "unchanged": 0}
    for i, u in enumerate(units):
        dv = DataValue.objects.get(indicator=ae, org_unit=u, period=period, disaggregation="")
        assert (dv.numerator, dv.denominator, dv.value, dv.version) == (70.0 + i, 100.0, None, 1)
        assert dv.comment == ("late return" if i == 1 else "")
        assert dv.state == ("validated" if i == 2 else "submitted")
        assert dv.source == "import #99" and dv.updated_by == admin_user and dv.updated_at >= before
        v = dv.versions.get()
        assert (v.version, v.numerator, v.denominator, v.state, v.comment, v.source, v.by) == (
            1,
            dv.numerator,
            100.0,
            dv.state,
            dv.comment,
            "import #99",
            admin_user,
        )
        assert v.at == dv.updated_at
    assert sorted(d[1] for d in deltas) == sorted(u.pk for u in units) and all(d[4] is None for d in deltas)
    # the rollups saw them: the region above the first unit now has December
    region = units[0].ancestors()[-1] if units[0].parent_id else units[0]
    assert any(r["period__code"] == "2026-12" for r, _ in series.series(ae, region))


def test_national_percentage_is_recomputed_from_the_parts(ae):
    nation = series.root_unit()
    result = dict((r["period__code"], v) for r, v in series.series(ae, nation))
    parts = DataValue.objects.filter(indicator=ae, period__code="2026-10").aggregate(
        n=Sum("numerator"), d=Sum("denominator")
    )
    assert result["2026-10"] == pytest.approx(100 * parts["n"] / parts["d"])
    percentages = [
        v.numerator / v.denominator * 100 for v in DataValue.objects.filter(indicator=ae, period__code="2026-10")
    ]
    assert abs(result["2026-10"] - sum(percentages) / len(percentages)) > 1e-6  # averaging would be wrong


def test_region_rollup_sums_its_districts(db):
    homicides = Indicator.objects.get(code="homicides")
    region = OrgUnit.objects.get(code="R05")
    by_region = dict((r["period__code"], v) for r, v in series.series(homicides, region))
    expected = DataValue.objects.filter(indicator=homicides, period__code="2026-06", org_unit__parent=region).aggregate(
        s=Sum("value")
    )["s"]
    assert by_region["2026-06"] == expected


def test_org_unit_paths_allow_subtree_queries(db):
    region = OrgUnit.objects.get(code="R03")
    assert region.descendants().filter(depth=3).count() == 8
    assert region.descendants().filter(depth=4).count() == 16
    hospital = OrgUnit.objects.get(code="R03-D02-H1")
    assert [u.code for u in hospital.ancestors()] == ["NAT", "R03", "R03-D02"]
