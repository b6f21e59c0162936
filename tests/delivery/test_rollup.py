import pytest
from hypothesis import given
from hypothesis import strategies as st

from stocktake.delivery import rollup as R

# nation N -> regions A, B -> hospitals a1, a2 (in A), b1 (in B)
PARENT = {"N": None, "A": "N", "B": "N", "a1": "A", "a2": "A", "b1": "B"}


def test_percentage_is_recomputed_from_parts_not_averaged():
    # (unit, value, numerator seen in 4h, denominator attendances)
    rows = [("a1", None, 900, 1000), ("a2", None, 50, 100), ("b1", None, 7000, 10000)]
    result = R.rollup(rows, PARENT, R.RATIO, scale=100)
    # hand-computed: A = (900+50)/(1000+100) = 86.3636...%, N = 7950/11100 = 71.6216...%
    assert result["A"] == pytest.approx(100 * 950 / 1100)
    assert result["N"] == pytest.approx(100 * 7950 / 11100)
    mean_of_percentages = (90 + 50 + 70) / 3
    assert result["N"] != pytest.approx(mean_of_percentages)


def test_sum_and_mean():
    rows = [("a1", 3, None, None), ("a2", 5, None, None), ("b1", 10, None, None)]
    assert R.rollup(rows, PARENT, R.SUM) == {"a1": 3, "a2": 5, "b1": 10, "A": 8, "B": 10, "N": 18}
    assert R.rollup(rows, PARENT, R.MEAN)["N"] == pytest.approx(6)
    assert R.rollup(rows, PARENT, R.MEAN)["A"] == pytest.approx(4)


def test_ratio_with_zero_denominator_has_no_value():
    assert R.rollup([("a1", None, 0, 0)], PARENT, R.RATIO)["N"] is None


def test_cycles_and_unknown_rules_are_refused():
    with pytest.raises(R.RollupError, match="cycle"):
        R.rollup([("x", 1, None, None)], {"x": "y", "y": "x"}, R.SUM)
    with pytest.raises(R.RollupError, match="unknown aggregation rule"):
        R.rollup([], PARENT, "median")


cells = st.lists(st.tuples(st.sampled_from(["a1", "a2", "b1"]), st.integers(0, 1000), st.integers(1, 1000)), min_size=1)


@given(cells)
def test_merging_accumulators_equals_rolling_up_everything(rows):
    data = [(u, None, min(n, d), d) for u, n, d in rows]
    half = len(data) // 2
    first = R.accumulate(data[:half], PARENT)
    second = R.accumulate(data[half:], PARENT)
    merged = first.get("N", R.Accumulator()).merge(second.get("N", R.Accumulator()))
    whole = R.rollup(data, PARENT, R.RATIO, 100)["N"]
    assert merged.result(R.RATIO, 100) == pytest.approx(whole)
    assert 0 <= whole <= 100
