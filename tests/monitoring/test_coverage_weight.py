"""Coverage carries the share of the denominator the reporting units hold; closed units leave what is expected."""

from datetime import date, timedelta

from stocktake.architecture import actions as architecture_actions
from stocktake.architecture.models import Period
from stocktake.collection import freshness
from stocktake.delivery import periods as P
from stocktake.monitoring import marks, series, tables
from stocktake.monitoring.models import Rollup
from tests.factories import indicator, record


def _hospitals(code):
    root = architecture_actions.create_org_unit(code=code, name=f"Land {code}", interface="system")
    return root, {
        name: architecture_actions.create_org_unit(code=f"{code}-{name}", name=name, parent=root, interface="system")
        for name in ("Big", "Small1", "Small2")
    }


def _ratio(code):
    return indicator(code, report_depth=2, aggregation="ratio", ratio_scale=100, unit="%", target=(80, 90))


def _month(ind, units, code, sizes):
    for name, den in sizes.items():
        record(ind, units[name], code, numerator=den * 0.8, denominator=den, state="validated")


def test_the_share_of_the_denominator_is_stored_and_shown_beside_units_reported(db, sign_in):
    root, units = _hospitals("CW")
    ind = _ratio("cw-4h")
    _month(ind, units, "2026-01", {"Big": 900, "Small1": 50, "Small2": 50})
    _month(ind, units, "2026-02", {"Big": 900})  # one of three units, carrying 90% of the attendances
    feb = Period.objects.get(code="2026-02")
    top = Rollup.objects.get(indicator=ind, org_unit=root, period=feb)
    assert (top.count, top.expected, top.expected_weight) == (1, 3, 1000)  # the absent weighed by January
    cov = tables.root_coverage(ind, root, [feb])[feb.pk]
    assert cov.share == 1 / 3 and cov.weight_share == 0.9
    assert marks.coverage_text(cov) == "1 of 3 units reported (33%), carrying 90% of the denominator"
    summary = series.summarise(ind, root)
    assert summary.provisional_coverage.weight_share == 0.9  # the incomplete February, as provisional
    heat = sign_in("manager").get(f"/api/monitoring/indicators/{ind.code}/heatmap?root=CW").json()
    assert [p["denominator_share"] for p in heat["period_coverage"]] == [1.0, 0.9]


def test_a_mean_has_no_denominator_share(db):
    root, units = _hospitals("CM")
    ind = indicator("cm-mean", report_depth=2, aggregation="mean", target=(5, 4), direction="down")
    record(ind, units["Big"], "2026-01", 4.0, state="validated")
    assert Rollup.objects.get(indicator=ind, org_unit=root).expected_weight is None


def test_a_closed_unit_leaves_expected_counts_heat_maps_and_freshness_after_it_closes(db):
    today = date(2026, 11, 20)
    due = freshness.due_period(P.MONTH, today)
    before = due.previous()
    root, units = _hospitals("CC")
    ind = _ratio("cc-4h")
    architecture_actions.close_org_unit(units["Small2"], on=before.end - timedelta(days=3), interface="system")
    _month(ind, units, before.code, {"Big": 900, "Small1": 50, "Small2": 50})  # it reported the month it closed
    _month(ind, units, due.code, {"Big": 900, "Small1": 50})
    p_before, p_due = Period.objects.get(code=before.code), Period.objects.get(code=due.code)
    expected = dict(Rollup.objects.filter(indicator=ind, org_unit=root).values_list("period__code", "expected"))
    assert expected == {before.code: 3, due.code: 2}
    cov = tables.root_coverage(ind, root, [p_due])[p_due.pk]
    assert cov.meets(ind.completeness) and cov.weight_share == 1.0
    assert [u.name for u in tables.units_by_periods(ind, root, 2, [p_due], root).units] == ["Big", "Small1"]
    assert len(tables.units_by_periods(ind, root, 2, [p_before, p_due], root).units) == 3
    assert sorted(r.unit.name for r in tables.league(ind, root, 2, p_due, root)) == ["Big", "Small1"]
    fresh = freshness.of([ind], today=today, root=root)[0]
    assert fresh.missing_units == [] and not fresh.late
