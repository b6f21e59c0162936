"""`stocktake compute-payments`: pays each verified period once, withholds on a failed sample, proposes corrections,
changes nothing on --dry-run or a refusal. Runs on the demo fund, whose latest quarter (2026Q3) is only submitted."""

import io

import pytest
from django.core.management import CommandError, call_command

from stocktake.accounts.models import AuditEntry
from stocktake.architecture.models import Period
from stocktake.incentives import actions, queries
from stocktake.incentives.models import LedgerEntry, Payment, SampleCheck
from tests.factories import user

from .money import FUND, correct_a_paid_value, counts, validated


def run(*args) -> str:
    out = io.StringIO()
    call_command("compute-payments", *args, stdout=out)
    return out.getvalue()


def test_it_pays_a_newly_verified_period_once_and_audits_it_as_the_cli(db):
    scheme = validated("moh-stunting-dli", "2026Q3")
    assert not scheme.payments.filter(period__code="2026Q3").exists()
    out = run("--user", "manager", "--fund", FUND)
    payment = scheme.payments.get(period__code="2026Q3")
    assert payment.status == "computed" and payment.amount > 0 and payment.computed_by.username == "manager"
    assert f"moh-stunting-dli 2026Q3: Computed {payment.amount}" in out
    row = payment.ledger.get()
    assert (row.stage, row.amount, row.by.username) == ("computed", payment.amount, "manager")
    entry = AuditEntry.objects.get(model="incentives.payment", object_id=str(payment.pk), action="create")
    assert (entry.interface, entry.user.username) == ("cli", "manager")
    # what it computed is exactly what the action computes from the same verified values
    result, inputs = queries.verified_result(scheme, payment.period)
    assert payment.result == result and payment.inputs == inputs
    # still unverified periods wait, and say why
    assert "moe-reading-threshold 2026Q3: not yet" in out and "not yet validated" in out

    before = counts()
    again = run("--user", "manager", "--fund", FUND)
    assert counts() == before and again.splitlines()[-1].startswith("0 computed")
    assert scheme.payments.filter(period__code="2026Q3").count() == 1


def test_a_failed_sample_check_withholds_and_a_second_run_does_not_retry_it(db):
    scheme = validated("water-transfer-r01", "2026Q3")
    actions.record_sample_check(
        scheme, Period.objects.get(code="2026Q3"), checked=50, eligible=30, user=user("manager"), interface="system"
    )
    ledger = LedgerEntry.objects.count()
    out = run("--user", "duhead")  # every fund
    withheld = scheme.payments.get(period__code="2026Q3")
    assert withheld.status == "withheld" and withheld.amount == 0
    assert "water-transfer-r01 2026Q3: Withheld (sample check failed) 0\n" in out
    assert LedgerEntry.objects.count() == ledger  # nothing withheld reaches the ledger
    before = counts()
    run("--user", "duhead")
    assert counts() == before


def test_dry_run_says_what_it_would_compute_and_changes_nothing(db):
    validated("moh-stunting-dli", "2026Q3")
    paid = correct_a_paid_value()  # a correction it would propose on a real run
    before = counts()
    out = run("--user", "manager", "--fund", FUND, "--dry-run")
    assert "would compute moh-stunting-dli 2026Q3" in out
    assert "0 computed, 0 waiting for verified values, 0 correction(s) proposed" in out
    assert counts() == before
    paid.refresh_from_db()
    assert not paid.needs_review and not paid.corrections.exists()


def test_a_corrected_value_gets_one_proposal_however_often_it_runs(db):
    paid = correct_a_paid_value()
    out = run("--user", "manager", "--fund", FUND)
    assert "1 correction(s) proposed" in out
    proposal = paid.corrections.get()
    assert proposal.status == "proposed" and proposal.amount < 0 and not proposal.ledger.exists()
    assert "0 correction(s) proposed" in run("--user", "manager", "--fund", FUND)
    assert paid.corrections.count() == 1


@pytest.mark.parametrize(
    "args, words",
    [
        (["--user", "health-data"], "--user: health-data may not compute payments"),
        (["--user", "observer"], "--user: observer may not compute payments"),
        (["--user", "validator"], "--user: validator may not compute payments"),
        (["--user", "nobody"], "--user: no user called 'nobody'"),
        (["--user", "manager", "--fund", "no-such-fund"], "--fund: no fund called 'no-such-fund'"),
        ([], "the following arguments are required: --user"),
    ],
)
def test_refusals_name_the_flag_and_change_nothing(db, args, words):
    validated("moh-stunting-dli", "2026Q3")
    before = counts()
    with pytest.raises(CommandError) as exc:
        run(*args)
    assert words in str(exc.value)
    assert counts() == before
    assert not Payment.objects.filter(scheme__code="moh-stunting-dli", period__code="2026Q3").exists()
    assert SampleCheck.objects.count() == before[3]
