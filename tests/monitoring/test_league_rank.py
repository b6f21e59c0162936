"""League tables rank counts by the gap to each unit's own plan, not by the raw count (issue 16, item 8)."""

from stocktake.architecture import actions as architecture_actions
from stocktake.architecture.models import Period
from stocktake.monitoring import tables
from tests.factories import indicator, record


def _regions():
    root = architecture_actions.create_org_unit(code="LG", name="League land", interface="system")
    return root, {
        name: architecture_actions.create_org_unit(code=f"LG-{name}", name=name, parent=root, interface="system")
        for name in ("Big", "Mid", "Small")
    }


def _count_indicator(aggregation="sum"):
    """Baselines 1000, 500 and 100 (the nation 1600, planned to rise 10%); in 2026-06 the largest region has
    not moved (off track), the smallest is ahead of its own plan, the middle one on it."""
    root, regions = _regions()
    ind = indicator("league-count", target=(1600, 1760), report_depth=2, aggregation=aggregation)
    for name, base, now in (("Big", 1000, 1000), ("Mid", 500, 525), ("Small", 100, 110)):
        record(ind, regions[name], "2024-06", base, state="validated")
        record(ind, regions[name], "2026-06", now, state="validated")
    return ind, root, regions


def test_a_count_league_ranks_by_the_gap_to_each_units_plan(db, sign_in):
    ind, root, regions = _count_indicator()
    rows = tables.league(ind, root, 2, Period.objects.get(code="2026-06"), root)
    by_name = {r.unit.name: r for r in rows}
    assert by_name["Big"].status.code == "off_track"
    assert by_name["Big"].value == max(r.value for r in rows)  # the largest count ...
    assert [r.unit.name for r in rows] == ["Small", "Mid", "Big"]  # ... is ranked last, not first
    assert by_name["Small"].rank == 1 and by_name["Big"].rank == 3
    html = sign_in("manager").get(f"/monitoring/league/{ind.code}/?unit=LG&period=2026-06").content.decode()
    assert "Ranked by the gap to each unit&#x27;s own plan" in html
    assert html.index('data-unit="LG-Small"') < html.index('data-unit="LG-Big"')


def test_a_rate_league_ranks_by_the_value_and_says_so(db, sign_in):
    root, regions = _regions()
    ind = indicator("league-rate", target=(80, 90), report_depth=2, aggregation="mean", unit="%")
    for name, base, now in (("Big", 70, 75), ("Mid", 85, 86), ("Small", 90, 91)):
        record(ind, regions[name], "2024-06", base, state="validated")
        record(ind, regions[name], "2026-06", now, state="validated")
    rows = tables.league(ind, root, 2, Period.objects.get(code="2026-06"), root)
    assert [r.unit.name for r in rows] == ["Small", "Mid", "Big"]  # highest rate first
    html = sign_in("manager").get(f"/monitoring/league/{ind.code}/?unit=LG&period=2026-06").content.decode()
    assert "Ranked by the value (higher is better)" in html
