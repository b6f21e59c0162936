"""Helpers shared by the tests that move the fund's money (pages, API and the compute-payments command)."""

from stocktake.accounts.models import AuditEntry
from stocktake.collection import actions as collection_actions
from stocktake.incentives.models import LedgerEntry, Payment, SampleCheck, Scheme
from stocktake.monitoring.models import DataValue
from tests.factories import record, user

FUND = "meridia-outcomes-fund"


def counts() -> tuple[int, int, int, int]:
    """Ledger rows, audit entries, payments and sample checks: what a refused money action must leave as it was."""
    return (
        LedgerEntry.objects.count(),
        AuditEntry.objects.count(),
        Payment.objects.count(),
        SampleCheck.objects.count(),
    )


def audit_for(payment, **filters):
    return AuditEntry.objects.filter(model="incentives.payment", object_id=str(payment.pk), **filters)


def validated(scheme_code, period_code) -> Scheme:
    """Validate the demo's submitted values for a scheme's period through the collection app's action."""
    scheme = Scheme.objects.get(code=scheme_code)
    values = DataValue.objects.filter(
        indicator=scheme.indicator,
        period__code=period_code,
        disaggregation="",
        org_unit__path__startswith=scheme.org_unit.path,
        org_unit__depth=scheme.indicator.report_depth,
        state="submitted",
    )
    assert values.exists(), f"the demo has no submitted {scheme.indicator.code} values for {period_code}"
    collection_actions.validate(collection_actions.as_seen(values), user=user("validator"), interface="system")
    return scheme


def correct_a_paid_value() -> Payment:
    """Re-measure one value a disbursed stunting payment used (a new validated version); returns that payment."""
    payment = Payment.objects.filter(scheme__code="moh-stunting-dli", status="disbursed").order_by("pk").first()
    dv = DataValue.objects.get(pk=payment.inputs[0]["id"])
    record(
        dv.indicator,
        dv.org_unit,
        dv.period,
        numerator=dv.numerator + 200,
        denominator=dv.denominator,
        state="validated",
        comment="re-measured",
    )
    return payment
