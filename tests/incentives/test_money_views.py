"""The pages that move the fund's money (approve, disburse, reverse, compute, sample-check, review), through the
Django test client on the demo fund: who may and may not, the ledger rows and audit entries written, and bad
input refused with the field and reason, never a 500, changing nothing."""

from decimal import Decimal as D

import pytest
from django.contrib.messages import get_messages

from stocktake.accounts.models import AuditEntry
from stocktake.incentives import actions
from stocktake.incentives.models import LedgerEntry, Payment

from .money import FUND, audit_for, correct_a_paid_value, counts, validated

# Everyone who reads the fund but may not move its money; and a recipient's data lead, who reads its own statement.
READERS = ["pm", "validator", "observer"]


def messages_of(response) -> str:
    return " | ".join(str(m) for m in get_messages(response.wsgi_request))


def a_payment(status, **filters) -> Payment:
    return (
        Payment.objects.filter(scheme__fund__code=FUND, status=status, amount__gt=0, **filters)
        .select_related("scheme")
        .order_by("pk")
        .first()
    )


# Approve ---------------------------------------------------------------------------------------------------------


def test_approval_writes_the_approved_row_and_its_audit_entry(sign_in):
    payment = a_payment("computed")
    ledger = LedgerEntry.objects.count()
    r = sign_in("duhead").post(f"/incentives/payments/{payment.pk}/approve/")
    assert r.status_code == 302 and r["Location"] == f"/incentives/payments/{payment.pk}/"
    payment.refresh_from_db()
    assert payment.status == "approved" and payment.approved_by.username == "duhead"
    row = payment.ledger.get(stage="approved")
    assert (row.amount, row.by.username) == (payment.amount, "duhead")
    assert LedgerEntry.objects.count() == ledger + 1
    entry = audit_for(payment, reason="Approved").get()
    assert (entry.user.username, entry.interface, entry.action) == ("duhead", "web", "change")
    assert entry.before["status"] == "computed" and entry.after["status"] == "approved"


def test_the_person_who_computed_a_payment_may_not_approve_it(sign_in):
    payment = a_payment("computed")
    assert payment.computed_by.username == "manager"
    before = counts()
    r = sign_in("manager").post(f"/incentives/payments/{payment.pk}/approve/")
    assert r.status_code == 302 and "the person who computed a payment may not approve it" in messages_of(r)
    payment.refresh_from_db()
    assert payment.status == "computed" and payment.approved_by is None
    assert counts() == before


@pytest.mark.parametrize("who", READERS + ["health-data"])
def test_readers_and_recipients_may_not_approve(sign_in, who):
    payment = a_payment("computed", scheme__recipient__code="moh")  # health-data's own ministry: it sees the payment
    before = counts()
    assert sign_in(who).post(f"/incentives/payments/{payment.pk}/approve/").status_code == 403
    payment.refresh_from_db()
    assert payment.status == "computed" and counts() == before


def test_a_recipient_cannot_reach_another_recipients_payment(sign_in):
    payment = a_payment("computed", scheme__recipient__code="moe")
    assert sign_in("health-data").post(f"/incentives/payments/{payment.pk}/approve/").status_code == 404


def test_the_public_is_sent_to_sign_in_and_nothing_moves(sign_in):
    payment = a_payment("computed")
    before = counts()
    for verb in ("approve", "disburse", "reverse"):
        r = sign_in(None).post(f"/incentives/payments/{payment.pk}/{verb}/", {"reference": "X", "reason": "x"})
        assert r.status_code == 302 and r["Location"].startswith("/accounts/login/"), verb
    assert counts() == before


def test_approving_twice_moves_the_money_once(sign_in):
    payment = a_payment("computed")
    c = sign_in("duhead")
    c.post(f"/incentives/payments/{payment.pk}/approve/")
    r = c.post(f"/incentives/payments/{payment.pk}/approve/")
    assert "status: a approved payment cannot be approved" in messages_of(r)  # (sic: "a approved")
    assert payment.ledger.filter(stage="approved").count() == 1
    assert audit_for(payment, reason="Approved").count() == 1


@pytest.mark.parametrize("verb", ["approve", "disburse", "reverse"])
def test_unknown_payments_are_404_and_a_get_is_405(sign_in, verb):
    c = sign_in("duhead")
    assert c.post(f"/incentives/payments/99999999/{verb}/", {"reference": "X", "reason": "x"}).status_code == 404
    payment = a_payment("approved")
    assert c.get(f"/incentives/payments/{payment.pk}/{verb}/").status_code == 405


# Disburse --------------------------------------------------------------------------------------------------------


def test_a_part_disbursement_writes_the_ledger_and_lowers_the_balance(sign_in):
    payment = a_payment("approved")
    fund = payment.scheme.fund
    balance = actions.position(fund)["balance"]
    part = (payment.amount / 4).quantize(D("0.01"))
    r = sign_in("duhead").post(
        f"/incentives/payments/{payment.pk}/disburse/", {"reference": "TRX-TEST-1", "amount": str(part)}
    )
    assert r.status_code == 302, messages_of(r)
    payment.refresh_from_db()
    assert payment.status == "approved" and payment.disbursed == part and payment.reference == "TRX-TEST-1"
    row = payment.ledger.get(stage="disbursed")
    assert (row.amount, row.reference, row.by.username) == (part, "TRX-TEST-1", "duhead")
    assert actions.position(fund)["balance"] == balance - part
    assert audit_for(payment, reason=f"Disbursed {part} ref TRX-TEST-1", user__username="duhead").exists()
    # the rest, with no amount given, closes it
    sign_in("duhead").post(f"/incentives/payments/{payment.pk}/disburse/", {"reference": "TRX-TEST-2"})
    payment.refresh_from_db()
    assert payment.status == "disbursed" and payment.disbursed == payment.amount
    assert sum(payment.ledger.filter(stage="disbursed").values_list("amount", flat=True)) == payment.amount


@pytest.mark.parametrize(
    "form, field, words",
    [
        ({"reference": "T-1", "amount": "abc"}, "amount", "'abc' is not a number"),
        ({"reference": "T-1", "amount": "NaN"}, "amount", "not a finite number"),
        ({"reference": "T-1", "amount": "-5"}, "amount", "more than 0"),
        ({"reference": "T-1", "amount": "99999999999999999999"}, "amount", "is too large"),
        ({"reference": "   "}, "reference", "a treasury or bank reference is required"),
        ({}, "reference", "a treasury or bank reference is required"),
    ],
)
def test_bad_disbursements_are_refused_with_the_field_and_change_nothing(sign_in, form, field, words):
    payment = a_payment("approved")
    before = counts()
    r = sign_in("duhead").post(f"/incentives/payments/{payment.pk}/disburse/", form, HTTP_HX_REQUEST="true")
    assert r.status_code == 400
    html = r.content.decode()
    assert f"{field}:" in html and words.replace("'", "&#x27;") in html
    payment.refresh_from_db()
    assert payment.disbursed == 0 and payment.status == "approved" and counts() == before


def test_a_disbursement_with_a_huge_exponent_is_refused_not_a_500(sign_in):
    payment = a_payment("approved")
    c = sign_in("duhead")
    c.raise_request_exception = False
    r = c.post(
        f"/incentives/payments/{payment.pk}/disburse/",
        {"reference": "T-1", "amount": "1e999999"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 400


def test_only_an_approved_payment_can_be_disbursed(sign_in):
    payment = a_payment("computed")
    before = counts()
    r = sign_in("duhead").post(f"/incentives/payments/{payment.pk}/disburse/", {"reference": "T-1"})
    assert "only an approved payment can be disbursed; this one is computed" in messages_of(r)
    assert counts() == before


@pytest.mark.parametrize("who", READERS + ["health-data"])
def test_readers_and_recipients_may_not_disburse(sign_in, who):
    payment = a_payment("approved", scheme__recipient__code="moh")
    before = counts()
    assert sign_in(who).post(f"/incentives/payments/{payment.pk}/disburse/", {"reference": "T-1"}).status_code == 403
    assert counts() == before


# Reverse ---------------------------------------------------------------------------------------------------------


def test_a_reversal_nets_every_row_to_zero_and_gives_the_money_back(sign_in):
    payment = a_payment("disbursed")
    fund = payment.scheme.fund
    old = list(payment.ledger.order_by("id"))
    assert {e.stage for e in old} == {"computed", "approved", "disbursed"}
    balance = actions.position(fund)["balance"]
    r = sign_in("duhead").post(f"/incentives/payments/{payment.pk}/reverse/", {"reason": "Paid to the wrong account"})
    assert r.status_code == 302, messages_of(r)
    payment.refresh_from_db()
    assert payment.status == "reversed"
    for entry in old:
        back = LedgerEntry.objects.get(reverses=entry)
        assert (back.stage, back.amount, back.by.username) == (entry.stage, -entry.amount, "duhead")
        assert back.note == "Reversal: Paid to the wrong account"
    assert sum(payment.ledger.values_list("amount", flat=True)) == 0
    assert actions.position(fund)["balance"] == balance + payment.amount
    assert audit_for(payment, reason="Paid to the wrong account", user__username="duhead").exists()
    # a second reversal is refused: the money comes back once
    again = sign_in("duhead").post(f"/incentives/payments/{payment.pk}/reverse/", {"reason": "again"})
    assert "a reversed payment cannot be reversed" in messages_of(again)
    assert payment.ledger.count() == 2 * len(old)


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reversal_needs_a_reason(sign_in, reason):
    payment = a_payment("disbursed")
    before = counts()
    r = sign_in("duhead").post(
        f"/incentives/payments/{payment.pk}/reverse/", {"reason": reason}, HTTP_HX_REQUEST="true"
    )
    assert r.status_code == 400 and "reason: a reversal needs a reason" in r.content.decode()
    payment.refresh_from_db()
    assert payment.status == "disbursed" and counts() == before


@pytest.mark.parametrize("who", READERS + ["health-data"])
def test_readers_and_recipients_may_not_reverse(sign_in, who):
    payment = a_payment("disbursed", scheme__recipient__code="moh")
    before = counts()
    assert sign_in(who).post(f"/incentives/payments/{payment.pk}/reverse/", {"reason": "x"}).status_code == 403
    payment.refresh_from_db()
    assert payment.status == "disbursed" and counts() == before


# Compute ---------------------------------------------------------------------------------------------------------


def test_compute_writes_the_payment_its_ledger_row_and_audit_then_never_pays_twice(sign_in):
    scheme = validated("moh-stunting-dli", "2026Q3")
    c = sign_in("manager")
    r = c.post(f"/incentives/schemes/{scheme.code}/compute/", {"period": "2026Q3"})
    payment = scheme.payments.get(period__code="2026Q3")
    assert r.status_code == 302 and r["Location"] == f"/incentives/payments/{payment.pk}/"
    assert payment.status == "computed" and payment.amount > 0 and payment.computed_by.username == "manager"
    assert all(i["state"] == "validated" for i in payment.inputs)
    row = payment.ledger.get()
    assert (row.stage, row.amount, row.by.username) == ("computed", payment.amount, "manager")
    assert audit_for(payment, action="create", interface="web", user__username="manager").count() == 1
    before = counts()
    again = c.post(f"/incentives/schemes/{scheme.code}/compute/", {"period": "2026Q3"})
    assert again.status_code == 302 and again["Location"] == f"/incentives/schemes/{scheme.code}/"
    assert "already has a payment for 2026Q3" in messages_of(again)
    assert counts() == before
    # and the person who computed it may not approve it here either; another manager role may
    assert "may not approve" in messages_of(c.post(f"/incentives/payments/{payment.pk}/approve/"))
    sign_in("duhead").post(f"/incentives/payments/{payment.pk}/approve/")
    payment.refresh_from_db()
    assert payment.status == "approved"


def test_compute_on_unverified_values_is_refused_and_changes_nothing(sign_in):
    before = counts()
    r = sign_in("manager").post("/incentives/schemes/moh-stunting-dli/compute/", {"period": "2026Q3"})
    assert "are not yet validated" in messages_of(r) and "payments use verified values only" in messages_of(r)
    assert counts() == before


@pytest.mark.parametrize(
    "form, words",
    [
        ({"period": "zzz"}, "period: no data has been reported for 'zzz'"),
        ({"period": "2031Q1"}, "period: no data has been reported for '2031Q1'"),
        ({"period": "2024Q1"}, "period: 2024Q1 is not one of moh-stunting-dli's payment periods"),
        ({"period": "2026-03"}, "period: 2026-03 is not one of moh-stunting-dli's payment periods"),
        ({}, "period: no data has been reported"),
    ],
)
def test_compute_with_a_bad_period_names_it_and_changes_nothing(sign_in, form, words):
    before = counts()
    r = sign_in("manager").post("/incentives/schemes/moh-stunting-dli/compute/", form)
    assert r.status_code == 302 and words in messages_of(r)
    assert counts() == before


def test_compute_on_an_unknown_scheme_is_404(sign_in):
    assert (
        sign_in("manager").post("/incentives/schemes/no-such-scheme/compute/", {"period": "2026Q3"}).status_code == 404
    )


@pytest.mark.parametrize("who", READERS + ["health-data"])
def test_readers_and_recipients_may_not_compute(sign_in, who):
    validated("moh-stunting-dli", "2026Q3")
    before = counts()
    assert sign_in(who).post("/incentives/schemes/moh-stunting-dli/compute/", {"period": "2026Q3"}).status_code == 403
    assert counts() == before


# Sample checks ---------------------------------------------------------------------------------------------------


def test_a_sample_check_is_recorded_and_audited_and_then_the_payment_follows_it(sign_in):
    scheme = validated("water-transfer-r01", "2026Q3")
    c = sign_in("manager")
    r = c.post(
        f"/incentives/schemes/{scheme.code}/sample-checks/",
        {"period": "2026Q3", "checked": "50", "eligible": "38", "note": "on inspection"},
    )
    assert "Sample check recorded for 2026Q3" in messages_of(r)
    check = scheme.sample_checks.get(period__code="2026Q3")
    assert (check.checked, check.eligible, check.passed, check.attempt, check.by.username) == (
        50,
        38,
        False,
        1,
        "manager",
    )
    assert AuditEntry.objects.filter(model="incentives.samplecheck", object_id=str(check.pk), action="create").exists()
    c.post(f"/incentives/schemes/{scheme.code}/compute/", {"period": "2026Q3"})
    withheld = scheme.payments.get(period__code="2026Q3")
    assert withheld.status == "withheld" and withheld.amount == 0 and not withheld.ledger.exists()


@pytest.mark.parametrize(
    "form, words",
    [
        ({"period": "2026Q3", "checked": "x", "eligible": "1"}, "period or counts"),
        ({"period": "2026Q3", "checked": "50", "eligible": "4.5"}, "period or counts"),
        ({"period": "2026Q3", "checked": "-3", "eligible": "1"}, "checked: -3 is not between 0 and"),
        ({"period": "2026Q3", "checked": "5", "eligible": "6"}, "eligible: must be between 0 and the 5 checked, not 6"),
        ({"period": "2026Q3"}, "checked: at least one reported result must be checked"),
        ({"period": "nonsense", "checked": "5", "eligible": "4"}, "'nonsense' is not a period code"),
        (
            {"period": "2026-03", "checked": "5", "eligible": "4"},
            "period: 2026-03 is not one of the scheme's payment periods",
        ),
        ({"period": "2026Q1", "checked": "5", "eligible": "4"}, "already has a payment for 2026Q1"),
    ],
)
def test_bad_sample_checks_are_refused_with_the_field_and_change_nothing(sign_in, form, words):
    before = counts()
    r = sign_in("manager").post("/incentives/schemes/water-transfer-r01/sample-checks/", form)
    assert r.status_code == 302 and words in messages_of(r), messages_of(r)
    assert counts() == before


def test_a_scheme_without_sample_verification_refuses_a_check(sign_in):
    before = counts()
    r = sign_in("manager").post(
        "/incentives/schemes/moh-stunting-dli/sample-checks/", {"period": "2026Q3", "checked": "5", "eligible": "5"}
    )
    assert "scheme: moh-stunting-dli has no sample verification" in messages_of(r)
    assert counts() == before


def test_a_sample_check_with_a_count_too_large_to_store_is_refused_not_a_500(sign_in):
    c = sign_in("manager")
    c.raise_request_exception = False
    r = c.post(
        "/incentives/schemes/water-transfer-r01/sample-checks/",
        {"period": "2026Q3", "checked": str(10**30), "eligible": "1"},
    )
    assert r.status_code in (302, 400) and "checked" in messages_of(r)


@pytest.mark.parametrize("who", READERS + ["health-data"])
def test_readers_and_recipients_may_not_record_sample_checks(sign_in, who):
    before = counts()
    r = sign_in(who).post(
        "/incentives/schemes/water-transfer-r01/sample-checks/", {"period": "2026Q3", "checked": "5", "eligible": "5"}
    )
    assert r.status_code == 403 and counts() == before
    assert sign_in(who).post("/incentives/schemes/no-such-scheme/sample-checks/", {}).status_code == 404


# Review of corrected values --------------------------------------------------------------------------------------


def test_review_proposes_one_correction_for_a_corrected_value_and_not_twice(sign_in):
    payment = correct_a_paid_value()
    c = sign_in("duhead")
    r = c.post(f"/incentives/funds/{FUND}/review/")
    assert r.status_code == 302 and "1 correction(s) proposed" in messages_of(r)
    proposal = payment.corrections.get()
    assert proposal.status == "proposed" and proposal.amount < 0 and proposal.computed_by.username == "duhead"
    assert not proposal.ledger.exists()  # nothing moves until it is approved
    assert audit_for(proposal, action="create", reason="Correction proposed after a corrected value").exists()
    payment.refresh_from_db()
    assert payment.needs_review and payment.amount == payment.disbursed  # the old payment keeps its money
    before = counts()
    assert "0 correction(s) proposed" in messages_of(c.post(f"/incentives/funds/{FUND}/review/"))
    assert counts() == before


@pytest.mark.parametrize("who, status", [("pm", 403), ("validator", 403), ("observer", 403), ("health-data", 403)])
def test_readers_and_recipients_may_not_run_the_review(sign_in, who, status):
    correct_a_paid_value()
    before = counts()
    assert sign_in(who).post(f"/incentives/funds/{FUND}/review/").status_code == status
    assert counts() == before
    assert sign_in("duhead").post("/incentives/funds/no-such-fund/review/").status_code == 404
