import pytest

from stocktake.delivery import alerts as A
from stocktake.delivery import status as S

H = {
    "north": [("2026-08", S.OFF_TRACK), ("2026-09", S.OFF_TRACK)],
    "south": [("2026-08", S.OFF_TRACK), ("2026-09", S.SLIGHTLY_OFF)],
    "east": [("2026-09", S.ON_TRACK)],
    "west": [],
}


def test_beyond_band_looks_at_the_latest_period():
    assert [f.unit for f in A.check(A.BEYOND_BAND, {}, H)] == ["north"]
    assert {f.unit for f in A.check(A.BEYOND_BAND, {"worst": S.SLIGHTLY_OFF}, H)} == {"north", "south"}


def test_consecutive_needs_every_one_of_the_last_n():
    found = A.check(A.CONSECUTIVE, {"periods": 2}, H, names={"north": "Northern Region"})
    assert [f.unit for f in found] == ["north"]
    assert "Northern Region" in found[0].message and "2026-08 to 2026-09" in found[0].message
    assert A.check(A.CONSECUTIVE, {"periods": 3}, H) == []


def test_bad_rules_are_refused_naming_the_field():
    with pytest.raises(A.RuleError, match="^kind:"):
        A.validate("sometimes", {})
    with pytest.raises(A.RuleError, match="^periods:"):
        A.validate(A.CONSECUTIVE, {"periods": "two"})
    with pytest.raises(A.RuleError, match="^worst:"):
        A.validate(A.BEYOND_BAND, {"worst": "on_track"})


def test_unit_plan_scales_counts_and_shifts_rates():
    assert S.unit_plan(10, 100, 80, "sum") == pytest.approx(8)
    assert S.unit_plan(60, 76, 80, "ratio") == pytest.approx(64)
