"""What the incentives app adds to the demo delivery unit: Meridia's outcomes fund.

One fund, with schemes for a ministry (a disbursement-linked payment and a
threshold with a commendation), three regional governments (performance-based
transfers verified by sample, as Kenya's K-WASH does) and three hospital
providers (a price per point of improvement), and a year of computed,
approved and disbursed payments, one of them flagged after a correction.
Everything goes through the same actions as the pages.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model

from stocktake.accounts import actions as accounts_actions
from stocktake.accounts.models import Organisation
from stocktake.architecture import actions as architecture_actions
from stocktake.architecture.models import Indicator, OrgUnit, Target
from stocktake.collection import actions as collection_actions
from stocktake.collection.importer import run_import
from stocktake.delivery import periods as P
from stocktake.incentives import actions, queries
from stocktake.incentives.models import Payment
from stocktake.monitoring.models import DataValue

D = Decimal
FIRST_Q, LAST_Q = "2025Q3", "2027Q2"
FIRST_M, LAST_M = "2025-07", "2027-06"
# What the demo has verified: quarters up to 2026Q2, months up to 2026-09.
PAID_Q = ["2025Q3", "2025Q4", "2026Q1", "2026Q2"]
PAID_M = [p.code for p in P.between(P.MONTH, date(2025, 7, 1), date(2026, 9, 30))]


def _national(code: str):
    ind = Indicator.objects.get(code=code)
    return ind, Target.objects.get(indicator=ind, org_unit=None)


def _planned(target, period_code: str) -> D:
    point = target.points.get(period__code=period_code)
    return D(str(round(point.value, 1)))


def _value_at(ind, unit: OrgUnit, code: str) -> D:
    result, _ = queries.verified_result(_scheme_stub(ind, unit), architecture_actions.ensure_period(code))
    return result.quantize(D("0.1"))


def _correct(dv, *, numerator, comment) -> None:
    """The hospital resubmits its return through the import pipeline and the validator validates it.

    Going through the collection app keeps its rollups and review trail right,
    as a real correction would.
    """

    User = get_user_model()
    row = (
        f"indicator,org_unit,period,value,numerator,denominator,comment\n"
        f"{dv.indicator.code},{dv.org_unit.code},{dv.period.code},,{numerator:g},{dv.denominator:g},{comment}\n"
    )
    batch = run_import(
        row.encode(),
        file_name="ae-correction.csv",
        user=User.objects.get(username="health-data"),
        interface="system",
        today=date(2026, 11, 24),
    )
    if batch.changed != 1:
        raise RuntimeError(f"demo correction was not stored: {batch.message} {batch.errors}")
    dv.refresh_from_db()
    collection_actions.validate(
        collection_actions.as_seen([dv]), user=User.objects.get(username="validator"), interface="system"
    )


class _scheme_stub:
    """Just enough of a scheme for verified_result, to read a unit's starting point."""

    def __init__(self, indicator, unit):
        self.indicator, self.org_unit = indicator, unit


def extend(seed: int, say) -> None:
    """Called by build.extend after the core government is built, inside its transaction."""
    say("outcomes fund")
    User = get_user_model()
    manager, duhead = User.objects.get(username="manager"), User.objects.get(username="duhead")
    kw = dict(user=manager, interface="system")
    fund = actions.create_fund(
        code="meridia-outcomes-fund",
        name="Meridia Outcomes Fund",
        currency="USD",
        budget=D("4000000.00"),
        starts=date(2025, 7, 1),
        ends=date(2027, 6, 30),
        user=duhead,
        interface="system",
        description="Set up by the Prime Minister's Delivery Unit to pay ministries, regions and providers for "
        "verified results on the government's priorities.",
    )
    nation = OrgUnit.objects.get(parent=None)
    schemes = []

    stunting, t_stunting = _national("stunting")
    schemes.append(
        actions.create_scheme(
            fund=fund,
            code="moh-stunting-dli",
            name="Stunting reduction (disbursement-linked)",
            indicator=stunting,
            org_unit=nation,
            recipient=Organisation.objects.get(code="moh"),
            rule={
                "type": "scalable",
                "floor": str(D(str(t_stunting.baseline_value))),
                "target": str(_planned(t_stunting, "2027Q1")),
                "amount": "150000",
                "min_fraction": "0.25",
            },
            first_period=FIRST_Q,
            last_period=LAST_Q,
            cap_total=D("1200000"),
            commitment=D("1200000"),
            rank=0,
            **kw,
        )
    )

    reading, t_reading = _national("reading-age-11")
    target = D(str(round(t_reading.baseline_value + 4, 1)))
    schemes.append(
        actions.create_scheme(
            fund=fund,
            code="moe-reading-threshold",
            name="Reading standard reached",
            indicator=reading,
            org_unit=nation,
            recipient=Organisation.objects.get(code="moe"),
            rule={
                "type": "combined",
                "parts": [
                    {"type": "threshold", "target": str(target), "amount": "100000"},
                    {
                        "type": "recognition",
                        "target": str(target + 4),
                        "label": "Commended in the Prime Minister's annual delivery report",
                    },
                ],
            },
            first_period=FIRST_Q,
            last_period=LAST_Q,
            cap_per_period=D("100000"),
            commitment=D("800000"),
            rank=1,
            **kw,
        )
    )

    water = Indicator.objects.get(code="safe-water")
    for r in (1, 2, 3):
        region = OrgUnit.objects.get(code=f"R{r:02d}")
        start = _value_at(water, region, "2025Q2")
        schemes.append(
            actions.create_scheme(
                fund=fund,
                code=f"water-transfer-r{r:02d}",
                name=f"Safe water transfer: {region.name}",
                indicator=water,
                org_unit=region,
                recipient=Organisation.objects.get(code=f"region-{r:02d}"),
                rule={
                    "type": "budget_adjustment",
                    "allocation": "1000000",
                    "target": str(start + D("1.5")),
                    "bonus_pct": "4",
                    "floor": str(start - D("1.0")),
                    "reduction_pct": "2",
                },
                first_period=FIRST_Q,
                last_period=LAST_Q,
                sample_threshold=D("0.800"),
                commitment=D("320000"),
                rank=10 + r,
                **kw,
            )
        )

    ae = Indicator.objects.get(code="ae-4h")
    for d in (1, 2, 3):
        hospital = OrgUnit.objects.get(code=f"R01-D{d:02d}-H1")
        trust = accounts_actions.create_organisation(
            code=f"trust-r01-d{d:02d}",
            name=f"{hospital.name} Trust",
            kind=Organisation.Kind.PROVIDER,
            parent=Organisation.objects.get(code="moh"),
            interface="system",
        )
        year = [p.code for p in P.between(P.MONTH, date(2024, 7, 1), date(2025, 6, 30))]
        start = (sum(_value_at(ae, hospital, code) for code in year) / len(year)).quantize(D("0.1"))
        schemes.append(
            actions.create_scheme(
                fund=fund,
                code=f"ae-provider-r01-d{d:02d}",
                name=f"A&E four-hour standard: {hospital.name}",
                indicator=ae,
                org_unit=hospital,
                recipient=trust,
                rule={"type": "price_per_unit", "price": "2500", "baseline": str(start)},
                first_period=FIRST_M,
                last_period=LAST_M,
                cap_per_period=D("15000"),
                cap_total=D("120000"),
                commitment=D("120000"),
                rank=20 + d,
                **kw,
            )
        )

    # A draft scheme: shown in the simulation, commits nothing until launched.
    births = Indicator.objects.get(code="birth-registration")
    _, t_births = _national("birth-registration")
    actions.create_scheme(
        fund=fund,
        code="birth-registration-draft",
        name="Birth registration (draft, simulation only)",
        indicator=births,
        org_unit=nation,
        recipient=Organisation.objects.get(code="mosd"),
        rule={
            "type": "scalable",
            "floor": str(round(t_births.baseline_value, 1)),
            "target": str(round(t_births.target_value, 1)),
            "amount": "60000",
        },
        first_period="2026-01",
        last_period=LAST_M,
        commitment=D("0"),
        status="draft",
        rank=30,
        **kw,
    )

    # K-WASH style sample checks: Eastern Region fails one quarter, resubmits and passes.
    for s in schemes:
        if s.sample_threshold is None:
            continue
        for i, code in enumerate(PAID_Q):
            period = architecture_actions.ensure_period(code)
            if s.code == "water-transfer-r02" and code == "2026Q1":
                actions.record_sample_check(
                    s,
                    period,
                    checked=50,
                    eligible=38,
                    user=manager,
                    interface="system",
                    note="12 connections found not working on inspection",
                )
                actions.compute_payment(s, period, **kw)
                actions.record_sample_check(
                    s,
                    period,
                    checked=50,
                    eligible=45,
                    user=manager,
                    interface="system",
                    note="Resubmitted after repairs; re-inspected",
                )
            else:
                actions.record_sample_check(
                    s, period, checked=50, eligible=42 + (len(s.code) + i) % 6, user=manager, interface="system"
                )

    # A year of payments: older ones disbursed, recent ones approved, the latest only computed.
    ref = 0
    for s in schemes:
        periods = PAID_Q if s.period_kind == P.QUARTER else PAID_M
        for i, code in enumerate(periods):
            payment = actions.compute_payment(s, architecture_actions.ensure_period(code), **kw)
            if payment.status != Payment.Status.COMPUTED or i == len(periods) - 1:
                continue
            actions.approve_payment(payment, user=duhead, interface="system")
            if i < len(periods) - 2 and payment.amount != 0:
                ref += 1
                actions.disburse_payment(payment, user=duhead, reference=f"TRX-2026-{ref:04d}", interface="system")

    # A hospital's March return is corrected after it was paid on: the payment is flagged, a correction proposed.
    paid = (
        Payment.objects.filter(scheme__code="ae-provider-r01-d01", status=Payment.Status.DISBURSED)
        .order_by("-amount", "period__start")
        .first()
    )
    dv = DataValue.objects.get(indicator=ae, org_unit__code="R01-D01-H1", period=paid.period, disaggregation="")
    _correct(
        dv,
        numerator=dv.numerator - round(dv.denominator * 0.04),
        comment="Corrected: 4% of attendances were double-counted as seen in time",
    )
    actions.review_corrections(user=manager, interface="system", fund=fund)
