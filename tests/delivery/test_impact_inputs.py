"""Bad panels and designs are refused with a message that says which row, unit or window and why."""

import numpy as np
import pytest

from stocktake.delivery.did import event_study, group_time_att, pretrend_test, twfe
from stocktake.delivery.impact import (
    Design,
    ImpactError,
    Observation,
    build_panel,
    prepare,
    propose_comparison,
)
from stocktake.delivery.impact_placebo import placebo_in_time

from .impact_simulated import simulate


def grid(units="ABCDEF", periods=range(1, 7), skip=()):
    return build_panel(
        Observation(u, t, float(i + t)) for i, u in enumerate(units) for t in periods if (u, t) not in skip
    )


OK = Design({"A": 4, "B": 4}, ["C", "D", "E", "F"], (1, 3), (4, 6))


def refused(panel, design):
    with pytest.raises(ImpactError) as caught:
        prepare(panel, design)
    return caught.value


def test_a_good_design_passes():
    sample = prepare(grid(), OK)
    assert sample.units == ("A", "B", "C", "D", "E", "F")
    assert list(sample.start) == [4, 4, np.inf, np.inf, np.inf, np.inf]


@pytest.mark.parametrize(
    "row, code, words",
    [
        (Observation("", 1, 1.0), "bad_unit", "Row 2, field unit"),
        (Observation("A", 1.5, 1.0), "bad_period", "Row 2, field period"),  # type: ignore[arg-type]
        (Observation("A", 2, float("nan")), "bad_value", "Row 2, field value"),
        (Observation("A", 2, 1.0, 5.0), "mixed_weights", "Row 2, field weight"),
        (Observation("A", 1, 2.0), "duplicate_row", "Row 2: unit 'A' already has period 1 (row 1)"),
    ],
)
def test_bad_rows_name_the_row_and_field(row, code, words):
    with pytest.raises(ImpactError) as caught:
        build_panel([Observation("A", 1, 1.0), row])
    assert caught.value.code == code
    assert words in str(caught.value)


def test_a_negative_weight_is_refused():
    with pytest.raises(ImpactError, match="Row 1, field weight: -1.0 is not a positive number"):
        build_panel([Observation("A", 1, 1.0, -1.0)])


def test_treated_units_without_pre_period_data_are_refused():
    panel = grid(skip={("B", 1), ("B", 2), ("B", 3)})
    err = refused(panel, OK)
    assert err.code == "no_pre_data"
    assert str(err) == "Treated units with no data in the pre window (1 to 3): B."


def test_no_comparison_units_is_refused():
    err = refused(grid(), Design({"A": 4}, [], (1, 3), (4, 6)))
    assert err.code == "no_comparison"


def test_a_unit_both_treated_and_compared_is_refused():
    err = refused(grid(), Design({"A": 4, "B": 4}, ["B", "C"], (1, 3), (4, 6)))
    assert err.code == "overlapping_sets"
    assert "both treated and in the comparison: B" in str(err)


@pytest.mark.parametrize("pre, post", [((0, 3), (4, 6)), ((1, 3), (4, 7))])
def test_a_window_outside_the_data_is_refused(pre, post):
    err = refused(grid(), Design({"A": 4}, ["C"], pre, post))
    assert err.code == "window_outside_data"
    assert "the data cover only 1 to 6" in str(err)


def test_a_start_inside_the_pre_window_is_refused():
    err = refused(grid(), Design({"A": 3}, ["C"], (1, 3), (4, 6)))
    assert err.code == "start_outside_window"
    assert "Unit A starts in period 3" in str(err)


def test_unknown_units_are_refused():
    err = refused(grid(), Design({"Z": 4}, ["C"], (1, 3), (4, 6)))
    assert err.code == "unknown_units"
    assert "not in the data: Z" in str(err)


def test_too_few_units_to_cluster_falls_back_to_robust_errors_and_says_so():
    est = twfe(prepare(grid(), OK))
    assert est.se_kind == "hc1"
    assert est.notes[0].code == "few_units"
    assert "Only 6 units" in est.notes[0].message
    rng = np.random.default_rng(1)
    panel, design = simulate(rng, {4: 6}, 6, 6, lambda g, t: 1.0)
    assert twfe(prepare(panel, design)).se_kind == "cluster"


def test_the_pretrend_test_needs_two_pre_periods():
    panel = grid()
    study = event_study(group_time_att(prepare(panel, Design({"A": 2}, ["C", "D"], (1, 1), (2, 6)))))
    with pytest.raises(ImpactError) as caught:
        pretrend_test(study)
    assert caught.value.code == "too_few_pre_periods"
    assert "at least 2 periods before the start" in str(caught.value)
    with pytest.raises(ImpactError):
        placebo_in_time(prepare(panel, Design({"A": 2}, ["C", "D"], (1, 1), (2, 6))))


def test_proposed_comparison_units_are_those_whose_pre_path_is_closest():
    rows = [
        Observation(u, t, v)
        for u, path in {
            "T1": [10, 11, 12, 30],
            "T2": [12, 13, 14, 30],  # treated mean 11, 12, 13
            "near": [11, 12, 14, 0],  # off by 0, 0, 1: rmse sqrt(1/3)
            "level": [21, 22, 23, 0],  # same shape, 10 higher
            "far": [0, 5, 30, 0],
            "gappy": [11, 12, 0, 0],
        }.items()
        for t, v in enumerate(path, start=1)
        if not (u == "gappy" and t == 3)
    ]
    panel = build_panel(rows)
    ranked = propose_comparison(panel, ["T1", "T2"], (1, 3))
    assert [c.unit for c in ranked] == ["near", "level", "far"]
    assert ranked[0].rmse == pytest.approx(np.sqrt(1 / 3))
    assert ranked[1].rmse == pytest.approx(10)
    by_shape = propose_comparison(panel, ["T1", "T2"], (1, 3), demean=True, limit=2)
    assert [c.unit for c in by_shape] == ["level", "near"]
    assert by_shape[0].rmse == pytest.approx(0)


def test_a_pretrend_test_with_more_leads_than_units_allow_is_refused():
    panel = grid(units="ABCD", periods=range(1, 9))
    study = event_study(group_time_att(prepare(panel, Design({"A": 7, "B": 7}, ["C", "D"], (1, 6), (7, 8)))))
    with pytest.raises(ImpactError) as caught:
        pretrend_test(study)
    assert caught.value.code == "too_many_leads"
    assert str(caught.value) == (
        "The pre-trend test of 5 periods before the start needs at least 7 units; there are 4."
    )
