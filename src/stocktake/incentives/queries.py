"""Reads of the outcomes fund: its position, ledger totals and the verified results payments are made on.

Pages, the API, exports, the simulation and the actions themselves read through these.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext as _

from stocktake.architecture.models import Period
from stocktake.delivery import payments as PAY
from stocktake.delivery.rollup import Accumulator
from stocktake.monitoring.models import DataValue

from .models import Fund, LedgerEntry, Scheme

VERIFIED = (DataValue.State.VALIDATED, DataValue.State.PUBLISHED)
ZERO = Decimal("0")
S = LedgerEntry.Stage


# Positions ----------------------------------------------------------------


def totals(fund: Fund, scheme: Scheme | None = None) -> dict[str, Decimal]:
    """Net ledger totals by stage (reversals included), for the fund or one scheme."""
    qs = LedgerEntry.objects.filter(fund=fund)
    if scheme is not None:
        qs = qs.filter(scheme=scheme)
    out = {s: ZERO for s in S.values}
    for row in qs.values("stage").annotate(total=Sum("amount")):
        out[row["stage"]] = PAY.money(row["total"] or ZERO)  # SQLite sums decimals loosely: back to cents
    return out


def position(fund: Fund) -> dict[str, Decimal]:
    """The fund's money: budget, committed to schemes, approved, disbursed and the balance."""
    t = totals(fund)
    return {
        "budget": fund.budget,
        "committed": t[S.COMMITMENT],
        "uncommitted": fund.budget - t[S.COMMITMENT],
        "computed": t[S.COMPUTED],
        "approved": t[S.APPROVED],
        "disbursed": t[S.DISBURSED],
        "approved_not_disbursed": t[S.APPROVED] - t[S.DISBURSED],
        "balance": fund.budget - t[S.DISBURSED],
        "available": fund.budget - t[S.APPROVED],
        "reductions": t[S.REDUCTION],
    }


def balance_at(fund: Fund, when) -> Decimal:
    """The fund's balance (budget less net disbursements) at the end of a date."""
    total = (
        LedgerEntry.objects.filter(fund=fund, stage=S.DISBURSED, at__date__lte=when).aggregate(t=Sum("amount"))["t"]
        or ZERO
    )
    return fund.budget - PAY.money(total)


# Verified results ------------------------------------------------------------


def verified_result(scheme: Scheme, period: Period) -> tuple[Decimal, list[dict]]:
    """The scheme's result for a period from validated or published values only, with the exact values used."""
    ind = scheme.indicator
    values = list(
        DataValue.objects.filter(
            indicator=ind,
            period=period,
            disaggregation="",
            org_unit__path__startswith=scheme.org_unit.path,
            org_unit__depth=ind.report_depth,
        )
        .select_related("org_unit")
        .order_by("org_unit__path")
    )
    if not values:
        raise ValidationError(
            {
                "period": _("no values of %(indicator)s are reported for %(place)s in %(period)s")
                % {"indicator": ind.code, "place": scheme.org_unit.name, "period": period.code}
            }
        )
    unverified = [v for v in values if v.state not in VERIFIED]
    if unverified:
        names = ", ".join(v.org_unit.code for v in unverified[:5]) + (" ..." if len(unverified) > 5 else "")
        raise ValidationError(
            {
                "period": (
                    _(
                        "%(n)s of %(total)s values of %(indicator)s for %(place)s in %(period)s are not yet "
                        "validated (%(names)s): payments use verified values only"
                    )
                    % {
                        "n": len(unverified),
                        "total": len(values),
                        "indicator": ind.code,
                        "place": scheme.org_unit.name,
                        "period": period.code,
                        "names": names,
                    }
                )
            }
        )
    acc = Accumulator()
    for v in values:
        acc.add(v.value, v.numerator, v.denominator)
    result = acc.result(ind.aggregation, ind.ratio_scale)
    if result is None:
        raise ValidationError(
            {
                "period": _("the values of %(indicator)s for %(period)s give no result")
                % {"indicator": ind.code, "period": period.code}
            }
        )
    inputs = [
        {
            "id": v.pk,
            "version": v.version,
            "state": v.state,
            "org_unit": v.org_unit.code,
            "value": v.value,
            "numerator": v.numerator,
            "denominator": v.denominator,
        }
        for v in values
    ]
    # Rounded to the indicator's own precision: what the delivery unit publishes is what is paid on.
    return PAY.to_decimal(round(result, max(ind.decimals, 2))), inputs
