"""The fund's write path: verified values only, budgets, approvals, the ledger and corrections."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from stocktake.accounts.models import AuditEntry, Organisation
from stocktake.architecture.actions import ensure_period
from stocktake.architecture.models import Indicator, OrgUnit, Period
from stocktake.incentives import actions, queries
from stocktake.incentives.models import LedgerEntry, Payment, Scheme
from stocktake.monitoring import actions as monitoring_actions
from stocktake.monitoring.models import DataValue, DataValueVersion


def test_demo_fund_has_every_rule_type_and_stage(fund):
    types = {s.rule["type"] for s in fund.schemes.all()}
    assert {"scalable", "combined", "budget_adjustment", "price_per_unit"} <= types
    kinds = set(fund.schemes.values_list("recipient__kind", flat=True))
    assert {"ministry", "subnational", "provider"} <= kinds
    statuses = set(Payment.objects.filter(scheme__fund=fund).values_list("status", flat=True))
    assert {"computed", "approved", "disbursed", "withheld", "proposed"} <= statuses
    assert Payment.objects.filter(scheme__fund=fund, needs_review=True).count() == 1


def test_ledger_sums_to_the_position_and_the_payments(fund):
    pos = queries.position(fund)
    disbursed = sum(e.amount for e in fund.ledger.filter(stage="disbursed"))
    assert pos["balance"] == fund.budget - disbursed
    paid = sum(p.disbursed for p in Payment.objects.filter(scheme__fund=fund) if not p.is_reduction)
    assert paid == disbursed
    assert pos["committed"] <= fund.budget and pos["approved"] <= fund.budget


def test_payments_record_the_exact_verified_values_used(fund):
    payment = Payment.objects.filter(scheme__code="water-transfer-r01", status="disbursed").first()
    ids = [i["id"] for i in payment.inputs]
    values = DataValue.objects.filter(pk__in=ids)
    assert len(ids) == 8 and all(v.org_unit.code.startswith("R01-") for v in values)  # the region's 8 districts
    for i in payment.inputs:
        assert i["state"] in ("validated", "published")
        assert DataValueVersion.objects.filter(data_value_id=i["id"], version=i["version"]).exists()


def test_unverified_values_are_never_paid_on(fund, users, set_state):
    scheme = Scheme.objects.get(code="moh-stunting-dli")
    q3 = Period.objects.get(code="2026Q3")  # the demo's latest quarter is only submitted
    with pytest.raises(ValidationError, match="not yet validated"):
        actions.compute_payment(scheme, q3, user=users("manager"))
    assert not scheme.payments.filter(period=q3).exists()
    set_state(DataValue.objects.filter(indicator=scheme.indicator, period=q3), DataValue.State.VALIDATED)
    payment = actions.compute_payment(scheme, q3, user=users("manager"))
    assert payment.status == "computed" and payment.amount > 0
    assert all(i["state"] == "validated" for i in payment.inputs)
    with pytest.raises(ValidationError, match="already has a payment"):
        actions.compute_payment(scheme, q3, user=users("manager"))


def test_approval_needs_the_role_and_a_second_person(fund, users):
    payment = Payment.objects.filter(scheme__fund=fund, status="computed", amount__gt=0).first()
    with pytest.raises(ValidationError, match="computed a payment may not approve"):
        actions.approve_payment(payment, user=users("manager"))  # manager computed it
    with pytest.raises(ValidationError, match="only the delivery unit head or a priority manager"):
        actions.approve_payment(payment, user=users("health-data"))
    with pytest.raises(ValidationError, match="only the delivery unit head"):
        actions.approve_payment(payment, user=users("validator"))
    actions.approve_payment(payment, user=users("duhead"))
    payment.refresh_from_db()
    assert payment.status == "approved" and payment.approved_by.username == "duhead"
    assert payment.ledger.filter(stage="approved").get().amount == payment.amount
    assert AuditEntry.objects.filter(model="incentives.payment", object_id=str(payment.pk), reason="Approved").exists()


def test_approval_beyond_the_budget_is_refused_with_the_shortfall(fund, users):
    payment = Payment.objects.filter(scheme__fund=fund, status="computed", amount__gt=0).first()
    pos = queries.position(fund)
    fund.budget = pos["approved"] + payment.amount - D("0.01")
    fund.save()
    with pytest.raises(ValidationError, match=r"shortfall of USD 0\.01"):
        actions.approve_payment(payment, user=users("duhead"))
    payment.refresh_from_db()
    assert payment.status == "computed" and not payment.ledger.filter(stage="approved").exists()


def test_disbursement_larger_than_approved_is_refused(fund, users):
    payment = Payment.objects.filter(scheme__fund=fund, status="approved", amount__gt=0).first()
    with pytest.raises(ValidationError, match="larger than the"):
        actions.disburse_payment(payment, user=users("duhead"), reference="T-1", amount=payment.amount + D("0.01"))
    with pytest.raises(ValidationError, match="reference is required"):
        actions.disburse_payment(payment, user=users("duhead"), reference=" ")
    half = (payment.amount / 2).quantize(D("0.01"))
    actions.disburse_payment(payment, user=users("duhead"), reference="T-1", amount=half)
    payment.refresh_from_db()
    assert payment.status == "approved" and payment.disbursed == half
    actions.disburse_payment(payment, user=users("duhead"), reference="T-2")
    payment.refresh_from_db()
    assert payment.status == "disbursed" and payment.disbursed == payment.amount


def test_reversal_nets_the_payment_to_zero_and_keeps_the_old_entries(fund, users):
    payment = Payment.objects.filter(scheme__fund=fund, status="disbursed", amount__gt=0).first()
    before = queries.position(fund)
    entries = list(payment.ledger.values_list("pk", "amount"))
    with pytest.raises(ValidationError, match="needs a reason"):
        actions.reverse_payment(payment, user=users("duhead"), reason="")
    actions.reverse_payment(payment, user=users("duhead"), reason="Paid to the wrong account")
    assert sum(payment.ledger.values_list("amount", flat=True)) == 0
    assert all(LedgerEntry.objects.filter(pk=pk, amount=a).exists() for pk, a in entries)
    after = queries.position(fund)
    assert after["balance"] == before["balance"] + payment.amount
    with pytest.raises(PermissionError):
        LedgerEntry.objects.get(pk=entries[0][0]).save()


def test_a_corrected_value_flags_the_payment_and_proposes_a_correction(fund, users):
    flagged = Payment.objects.get(scheme__fund=fund, needs_review=True)
    proposal = flagged.corrections.get()
    assert proposal.status == "proposed" and proposal.amount < 0
    assert flagged.status == "disbursed" and "corrected" in flagged.review_note
    # the old payment keeps its amount and its ledger; approving the proposal moves only the difference
    old_amount = flagged.amount
    actions.approve_payment(proposal, user=users("duhead"))
    flagged.refresh_from_db()
    assert flagged.amount == old_amount
    assert proposal.ledger.filter(stage="approved").get().amount == proposal.amount
    actions.disburse_payment(proposal, user=users("duhead"), reference="RECOVERY-1")
    proposal.refresh_from_db()
    assert proposal.status == "disbursed"
    net = flagged.disbursed + proposal.disbursed
    assert net == flagged.amount + proposal.amount


def test_review_corrections_on_a_fresh_change(fund, users):
    payment = Payment.objects.filter(scheme__code="moh-stunting-dli", status="disbursed").first()
    dv = DataValue.objects.get(pk=payment.inputs[0]["id"])
    monitoring_actions.record_value(
        indicator=dv.indicator,
        org_unit=dv.org_unit,
        period=dv.period,
        numerator=dv.numerator + 200,
        denominator=dv.denominator,
        state="validated",
        comment="re-measured",
        interface="system",
    )
    proposals = actions.review_corrections(user=users("manager"), fund=fund)
    assert [p.corrects_id for p in proposals] == [payment.pk]
    assert proposals[0].amount < 0  # more stunting: less paid
    assert actions.review_corrections(user=users("manager"), fund=fund) == []  # flagged once


def test_sample_check_failure_withholds_and_resubmission_pays(fund, users, set_state):
    scheme = Scheme.objects.get(code="water-transfer-r01")
    q3 = Period.objects.get(code="2026Q3")
    set_state(DataValue.objects.filter(indicator=scheme.indicator, period=q3), DataValue.State.VALIDATED)
    with pytest.raises(ValidationError, match="only after a sample check"):
        actions.compute_payment(scheme, q3, user=users("manager"))
    actions.record_sample_check(scheme, q3, checked=50, eligible=39, user=users("manager"))
    withheld = actions.compute_payment(scheme, q3, user=users("manager"))
    assert withheld.status == "withheld" and withheld.amount == 0 and "78%" in withheld.explanation
    with pytest.raises(ValidationError, match="may resubmit"):
        actions.compute_payment(scheme, q3, user=users("manager"))
    actions.record_sample_check(scheme, q3, checked=50, eligible=40, user=users("manager"), note="resubmitted")
    paid = actions.compute_payment(scheme, q3, user=users("manager"))
    assert paid.status == "computed" and paid.sample_check.attempt == 2
    with pytest.raises(ValidationError, match="between 0 and the 5 checked"):
        actions.record_sample_check(scheme, ensure_period("2026Q4"), checked=5, eligible=6, user=users("manager"))


def _scheme_fields(fund, **over):
    fields = dict(
        fund=fund,
        code="test-scheme",
        name="Test",
        indicator=Indicator.objects.get(code="safe-water"),
        org_unit=OrgUnit.objects.get(code="R04"),
        recipient=Organisation.objects.get(code="region-04"),
        rule={"type": "threshold", "target": "80", "amount": "10000"},
        first_period="2025Q3",
        last_period="2026Q2",
        commitment=D("40000"),
    )
    fields.update(over)
    return fields


@pytest.mark.parametrize(
    "over,field,words",
    [
        ({"org_unit_code": "R01"}, "indicator", "paid twice"),
        ({"org_unit_code": "R01-D02"}, "indicator", "paid twice"),
        ({"cap_per_period": D("5000")}, "cap_per_period", "below the threshold payment"),
        ({"period_kind": "M", "first_period": "2025-07", "last_period": "2026-06"}, "period_kind", "must match"),
        ({"commitment": D("700000")}, "commitment", "shortfall of USD 20,000.00"),
        ({"rule": {"type": "scalable", "floor": "80", "target": "70", "amount": "1"}}, "rule", "above the floor"),
        ({"first_period": "2024Q1"}, "first_period", "outside the fund's operation"),
    ],
)
def test_bad_schemes_are_refused_with_the_field_and_reason(fund, users, over, field, words):
    if "org_unit_code" in over:
        over["org_unit"] = OrgUnit.objects.get(code=over.pop("org_unit_code"))
    count = Scheme.objects.count()
    with pytest.raises(ValidationError) as exc:
        actions.create_scheme(user=users("manager"), **_scheme_fields(fund, **over))
    assert field in exc.value.message_dict, exc.value.message_dict
    assert words in " ".join(exc.value.message_dict[field])
    assert Scheme.objects.count() == count


def test_a_good_scheme_commits_its_money(fund, users):
    before = queries.position(fund)
    scheme = actions.create_scheme(user=users("manager"), **_scheme_fields(fund))
    assert queries.position(fund)["committed"] == before["committed"] + D("40000")
    assert scheme.ledger.get().stage == "commitment"
