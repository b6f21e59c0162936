from decimal import Decimal as D

from stocktake.delivery import payments as PAY
from stocktake.delivery import simulation as SIM


def plan(rule, **kw):
    return SIM.SchemePlan(
        "s",
        PAY.parse_rule(rule),
        D("60"),
        [("2026Q1", D("65")), ("2026Q2", D("70")), ("2026Q3", D("75")), ("2026Q4", D("80"))],
        **kw,
    )


def test_scenarios_pay_less_when_short_and_never_beyond_the_cap():
    p = plan({"type": "scalable", "floor": "60", "target": "80", "amount": "1000"}, cap_total=D("2000"))
    out = {o.scenario: o for o in SIM.simulate([p])}
    assert out["On trajectory"].by_period == {
        "2026Q1": D("250.00"),
        "2026Q2": D("500.00"),
        "2026Q3": D("750.00"),
        "2026Q4": D("500.00"),
    }  # the scheme cap stops the last payment
    assert out["On trajectory"].total == D("2000.00")
    assert out["25% short"].by_period["2026Q1"] == D("187.50")  # 60 + 0.75*5 = 63.75 -> 18.75%
    assert out["25% short"].total < out["10% short"].total <= out["On trajectory"].total


def test_threshold_scheme_pays_nothing_when_short_of_target():
    p = plan({"type": "threshold", "target": "80", "amount": "5000"})
    out = {o.scenario: o for o in SIM.simulate([p])}
    assert out["On trajectory"].total == D("5000.00")
    assert out["10% short"].total == D("0.00")
    # exceeding: Q3 reaches 60 + 1.1 * 15 = 76.5 (short of 80), Q4 reaches 82: one payment
    assert out["Exceeds by 10%"].by_period == {
        "2026Q1": D("0.00"),
        "2026Q2": D("0.00"),
        "2026Q3": D("0.00"),
        "2026Q4": D("5000.00"),
    }
