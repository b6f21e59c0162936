"""The API's money routes (compute, approve, disburse, reverse): the same rules as the pages, answered as JSON
with 4xx and the field at fault, audited as the API."""

from decimal import Decimal as D

import pytest

from stocktake.incentives.models import Payment

from .money import FUND, audit_for, counts, validated

API = "/api/incentives"


def a_payment(status, **filters) -> Payment:
    return (
        Payment.objects.filter(scheme__fund__code=FUND, status=status, amount__gt=0, **filters).order_by("pk").first()
    )


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_compute_approve_disburse_reverse_through_the_api(sign_in):
    scheme = validated("moh-stunting-dli", "2026Q3")
    manager, duhead = sign_in("manager"), sign_in("duhead")
    r = post(manager, f"{API}/schemes/{scheme.code}/payments", {"period": "2026Q3"})
    assert r.status_code == 200, r.content
    pk, amount = r.json()["id"], D(r.json()["amount"])
    payment = Payment.objects.get(pk=pk)
    assert payment.ledger.get().amount == amount and audit_for(payment, action="create", interface="api").exists()
    again = post(manager, f"{API}/schemes/{scheme.code}/payments", {"period": "2026Q3"})
    assert again.status_code == 400 and "already has a payment for 2026Q3" in again.json()["detail"]
    assert scheme.payments.filter(period__code="2026Q3").count() == 1
    refused = post(manager, f"{API}/payments/{pk}/approve")
    assert refused.status_code == 403 and "may not approve" in refused.json()["detail"]
    assert post(duhead, f"{API}/payments/{pk}/approve").json()["status"] == "approved"
    r = post(duhead, f"{API}/payments/{pk}/disburse", {"reference": "API-T-1"})
    assert r.status_code == 200 and D(r.json()["disbursed"]) == amount
    assert audit_for(payment, reason=f"Disbursed {amount} ref API-T-1", interface="api").exists()
    r = post(duhead, f"{API}/payments/{pk}/reverse", {"reason": "wrong account"})
    assert r.status_code == 200 and r.json()["status"] == "reversed"
    assert sum(payment.ledger.values_list("amount", flat=True)) == 0


@pytest.mark.parametrize(
    "url, body, status, words",
    [
        ("/schemes/moh-stunting-dli/payments", {"period": "zzz"}, 400, "period: no data has been reported for 'zzz'"),
        ("/schemes/moh-stunting-dli/payments", {}, 422, ""),
        ("/schemes/no-such-scheme/payments", {"period": "2026Q3"}, 404, ""),
        ("/payments/{approved}/disburse", {"reference": "T", "amount": "abc"}, 400, "amount: 'abc' is not a number"),
        (
            "/payments/{approved}/disburse",
            {"reference": "T", "amount": "-1"},
            400,
            "amount: the amount must be more than 0",
        ),
        ("/payments/{approved}/disburse", {"reference": ""}, 422, ""),
        ("/payments/{approved}/disburse", {"amount": "1"}, 422, ""),
        ("/payments/{disbursed}/reverse", {"reason": ""}, 422, ""),
        ("/payments/{disbursed}/reverse", {"reason": "   "}, 400, "reason: a reversal needs a reason"),
        ("/payments/{computed}/disburse", {"reference": "T"}, 400, "only an approved payment can be disbursed"),
        ("/payments/99999999/approve", {}, 404, ""),
        ("/payments/not-a-number/approve", {}, 422, ""),
    ],
)
def test_bad_api_input_is_4xx_and_changes_nothing(sign_in, url, body, status, words):
    url = url.format(**{s: getattr(a_payment(s), "pk", 0) for s in ("approved", "disbursed", "computed")})
    before = counts()
    r = post(sign_in("duhead"), API + url, body)
    assert r.status_code == status, r.content
    if words:
        assert words in r.json()["detail"]
    assert counts() == before


@pytest.mark.parametrize("who", ["pm", "validator", "observer", "health-data"])
def test_readers_and_recipients_may_not_move_money_through_the_api(sign_in, who):
    validated("moh-stunting-dli", "2026Q3")
    c = sign_in(who)
    before = counts()
    approved, disbursed, computed = (
        a_payment(s, scheme__recipient__code="moh") for s in ("approved", "disbursed", "computed")
    )
    assert post(c, f"{API}/schemes/moh-stunting-dli/payments", {"period": "2026Q3"}).status_code == 403
    assert post(c, f"{API}/payments/{computed.pk}/approve").status_code == 403
    assert post(c, f"{API}/payments/{approved.pk}/disburse", {"reference": "T"}).status_code == 403
    assert post(c, f"{API}/payments/{disbursed.pk}/reverse", {"reason": "x"}).status_code == 403
    assert counts() == before


def test_the_public_gets_401_from_the_money_routes(sign_in):
    payment = a_payment("computed")
    before = counts()
    assert post(sign_in(None), f"{API}/payments/{payment.pk}/approve").status_code == 401
    assert post(sign_in(None), f"{API}/schemes/moh-stunting-dli/payments", {"period": "2026Q3"}).status_code == 401
    assert counts() == before


def test_a_disbursement_with_a_huge_exponent_is_400_not_500(sign_in):
    c = sign_in("duhead")
    c.raise_request_exception = False
    r = post(c, f"{API}/payments/{a_payment('approved').pk}/disburse", {"reference": "T", "amount": "1e999999"})
    assert r.status_code == 400
