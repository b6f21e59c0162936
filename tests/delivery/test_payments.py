"""Each payment rule against hand-computed amounts, at the floor, the target and the caps."""

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stocktake.delivery import payments as PAY


def pay(rule_dict, value, direction="up", **kw):
    return PAY.compute(PAY.parse_rule(rule_dict, direction), value, **kw)


def test_price_per_unit_pays_only_beyond_the_baseline():
    rule = {"type": "price_per_unit", "price": "12.50", "baseline": "1000"}
    assert pay(rule, 1000).amount == D("0.00")
    assert pay(rule, 900).amount == D("0.00")  # below baseline: nothing, never negative
    assert pay(rule, 1001).amount == D("12.50")
    assert pay(rule, 1240).amount == D("3000.00")


def test_price_per_unit_caps_per_period_and_over_the_scheme():
    rule = {"type": "price_per_unit", "price": "10", "baseline": "0"}
    p = pay(rule, 500, cap_per_period=D("3000"))
    assert p.amount == D("3000.00") and p.uncapped == D("5000.00") and "capped at 3,000 per period" in p.explanation
    p = pay(rule, 500, cap_per_period=D("3000"), cap_total=D("10000"), paid_so_far=D("8500"))
    assert p.amount == D("1500.00")
    assert pay(rule, 500, cap_total=D("10000"), paid_so_far=D("10000")).amount == D("0.00")
    assert pay(rule, 300, cap_per_period=D("3000")).amount == D("3000.00")  # exactly at the cap


def test_price_per_unit_for_a_lower_is_better_indicator():
    rule = {"type": "price_per_unit", "price": "100", "baseline": "27.0"}
    assert pay(rule, 25.5, direction="down").amount == D("150.00")
    assert pay(rule, 28, direction="down").amount == D("0.00")


def test_threshold_is_all_or_nothing_at_the_target():
    rule = {"type": "threshold", "target": "80", "amount": "50000"}
    assert pay(rule, 79.99).amount == D("0.00")
    assert pay(rule, 80).amount == D("50000.00")
    assert pay(rule, 95).amount == D("50000.00")
    assert pay(rule, 80.5, direction="down").amount == D("0.00")
    assert pay({**rule, "target": "20"}, 20, direction="down").amount == D("50000.00")


def test_scalable_pays_the_share_achieved_between_floor_and_target():
    rule = {"type": "scalable", "floor": "60", "target": "80", "amount": "1000000"}
    assert pay(rule, 60).amount == D("0.00")
    assert pay(rule, 55).amount == D("0.00")
    assert pay(rule, 65).amount == D("250000.00")
    assert pay(rule, 80).amount == D("1000000.00")
    assert pay(rule, 99).amount == D("1000000.00")
    third = {"type": "scalable", "floor": "0", "target": "3", "amount": "100"}
    assert pay(third, 1).amount == D("33.33")  # 33.333... rounded half up
    assert pay(third, 2).amount == D("66.67")


def test_scalable_with_a_minimum_share():
    rule = {"type": "scalable", "floor": "60", "target": "80", "amount": "1000", "min_fraction": "0.5"}
    assert pay(rule, 69.9).amount == D("0.00")
    assert "below the minimum of 50%" in pay(rule, 69.9).explanation
    assert pay(rule, 70).amount == D("500.00")


def test_budget_adjustment_gives_bonus_or_reduction():
    rule = {
        "type": "budget_adjustment",
        "allocation": "2000000",
        "target": "90",
        "bonus_pct": "5",
        "floor": "85",
        "reduction_pct": "2.5",
    }
    assert pay(rule, 90).amount == D("100000.00")
    assert pay(rule, 87).amount == D("0.00")
    assert pay(rule, 85).amount == D("0.00")  # at the floor is not below it
    assert pay(rule, 84.9).amount == D("-50000.00")
    # caps limit payments, never reductions
    assert pay(rule, 84.9, cap_per_period=D("10")).amount == D("-50000.00")


def test_recognition_pays_nothing_and_records_the_commendation():
    p = pay({"type": "recognition", "target": "90", "label": "Top of the league table"}, 91)
    assert p.amount == D("0.00") and p.recognition == "Top of the league table"
    assert pay({"type": "recognition", "target": "90", "label": "x"}, 89).recognition == ""


def test_combined_rules_add_up():
    rule = {
        "type": "combined",
        "parts": [
            {"type": "threshold", "target": "80", "amount": "1000"},
            {"type": "price_per_unit", "price": "10", "baseline": "70"},
            {"type": "recognition", "target": "85", "label": "Commendation"},
        ],
    }
    p = pay(rule, 86)
    assert p.amount == D("1160.00") and p.recognition == "Commendation"


def test_rounding_is_half_up_to_the_minor_unit():
    assert PAY.money(D("0.125")) == D("0.13")
    assert PAY.money(D("0.135")) == D("0.14")
    assert PAY.money(D("-0.125")) == D("-0.13")
    assert PAY.money(D("1234.5"), places=0) == D("1235")
    assert PAY.to_decimal(0.1) == D("0.1")


@pytest.mark.parametrize(
    "rule,field,words",
    [
        ({"type": "nope"}, "type", "not a rule type"),
        ({"type": "threshold", "target": "80"}, "amount", "required"),
        ({"type": "threshold", "target": "80", "amount": "-1"}, "amount", "more than 0"),
        ({"type": "price_per_unit", "price": "abc", "baseline": "0"}, "price", "not a number"),
        ({"type": "scalable", "floor": "80", "target": "60", "amount": "5"}, "target", "above the floor"),
        (
            {"type": "scalable", "floor": "0", "target": "1", "amount": "5", "min_fraction": "1.5"},
            "min_fraction",
            "at most 1",
        ),
        (
            {"type": "budget_adjustment", "allocation": "1", "target": "5", "bonus_pct": "150", "floor": "1"},
            "bonus_pct",
            "at most 100",
        ),
        ({"type": "recognition", "target": "1"}, "label", "required"),
        ({"type": "combined", "parts": [{"type": "threshold", "target": "1"}]}, "parts[1].amount", "required"),
    ],
)
def test_bad_rules_name_the_field(rule, field, words):
    with pytest.raises(PAY.RuleError) as exc:
        PAY.parse_rule(rule)
    assert exc.value.field == field and words in str(exc.value)


def test_a_cap_below_the_threshold_is_refused():
    rule = PAY.parse_rule({"type": "threshold", "target": "80", "amount": "50000"})
    with pytest.raises(PAY.RuleError, match="below the threshold payment of 50,000"):
        PAY.check_caps(rule, D("40000"), None)
    with pytest.raises(PAY.RuleError, match="below the cap per period"):
        PAY.check_caps(rule, D("60000"), D("50000"))
    PAY.check_caps(rule, D("50000"), D("200000"))


def test_sample_verification_at_eighty_percent():
    assert PAY.sample_passes(50, 40, D("0.8"))
    assert not PAY.sample_passes(50, 39, D("0.8"))
    with pytest.raises(PAY.RuleError):
        PAY.sample_passes(10, 11, D("0.8"))
    with pytest.raises(PAY.RuleError):
        PAY.sample_passes(0, 0, D("0.8"))


# Property tests -------------------------------------------------------------

amounts = st.decimals(min_value=D("0.01"), max_value=D("10000000"), places=2)
values = st.decimals(min_value=D("-1000"), max_value=D("100000"), places=3)


@st.composite
def rules(draw):
    kind = draw(st.sampled_from(["price_per_unit", "threshold", "scalable", "recognition"]))
    a, b = sorted(draw(st.lists(values, min_size=2, max_size=2, unique=True)))
    if kind == "price_per_unit":
        return {"type": kind, "price": str(draw(amounts)), "baseline": str(a)}
    if kind == "threshold":
        return {"type": kind, "target": str(b), "amount": str(draw(amounts))}
    if kind == "scalable":
        return {
            "type": kind,
            "floor": str(a),
            "target": str(b),
            "amount": str(draw(amounts)),
            "min_fraction": str(draw(st.decimals(min_value=0, max_value=1, places=2))),
        }
    return {"type": kind, "target": str(b), "label": "Commended"}


@settings(max_examples=300, deadline=None)
@given(rules(), st.lists(values, min_size=1, max_size=12), st.one_of(st.none(), amounts), st.one_of(st.none(), amounts))
def test_payments_never_negative_and_never_beyond_caps(rule_dict, period_values, cap_period, cap_total):
    rule = PAY.parse_rule(rule_dict)
    paid = D(0)
    for v in period_values:
        p = PAY.compute(rule, v, cap_per_period=cap_period, cap_total=cap_total, paid_so_far=paid)
        assert p.amount >= 0
        assert p.amount == p.amount.quantize(D("0.01"))  # exactly two places
        if cap_period is not None:
            assert p.amount <= cap_period
        paid += p.amount
        if cap_total is not None:
            assert paid <= cap_total


@settings(max_examples=200, deadline=None)
@given(
    st.decimals(min_value=D("0.01"), max_value=D("1e9"), places=2),
    st.integers(0, 100),
    st.integers(0, 100),
    st.decimals(min_value=D("-1000"), max_value=D("1000"), places=2),
)
def test_only_a_budget_adjustment_can_be_negative_and_it_is_bounded(allocation, bonus, reduction, value):
    rule = PAY.parse_rule(
        {
            "type": "budget_adjustment",
            "allocation": str(allocation),
            "target": "10",
            "bonus_pct": bonus,
            "floor": "0",
            "reduction_pct": reduction,
        }
    )
    p = PAY.compute(rule, value)
    assert -PAY.money(allocation * reduction / 100) <= p.amount <= PAY.money(allocation * bonus / 100)
    assert (p.amount < 0) == (value < 0 and reduction > 0 and PAY.money(allocation * reduction / 100) > 0)


@settings(max_examples=200, deadline=None)
@given(st.lists(amounts, max_size=30), st.data())
def test_reversals_net_to_zero_and_the_ledger_sums_to_the_balance(entries, data):
    budget = D("1e9")
    reversed_ = data.draw(st.lists(st.booleans(), min_size=len(entries), max_size=len(entries)))
    ledger = list(entries) + [-e for e, r in zip(entries, reversed_) if r]
    kept = [e for e, r in zip(entries, reversed_) if not r]
    assert PAY.net(ledger) == PAY.net(kept)
    assert budget - PAY.net(ledger) == budget - PAY.net(kept)
    assert PAY.net([e for e, r in zip(entries, reversed_) if r] + [-e for e, r in zip(entries, reversed_) if r]) == 0
