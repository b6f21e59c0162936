"""Statements, the fund's position as Excel, and the INDIGO-shaped export."""

from __future__ import annotations

import io
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from stocktake.accounts.models import Organisation
from stocktake.delivery.cells import safe_workbook

from . import queries
from .models import Fund, Payment

EARNED = (Payment.Status.APPROVED, Payment.Status.DISBURSED)  # approved by the fund: money the recipient is owed


def statement(fund: Fund, organisation) -> dict:
    """A recipient's statement: each scheme's results, rule, amounts and status, with the totals.

    Only approved and disbursed payments are earned. A computed payment is the rule's arithmetic
    waiting for the fund's approval (and its sample check): it is shown as awaiting approval, not
    counted as earned; proposed corrections, withheld and reversed payments count for nothing."""
    schemes = []
    for scheme in fund.schemes.filter(recipient=organisation).select_related("indicator", "org_unit"):
        payments = list(scheme.payments.select_related("period"))
        earned = [p for p in payments if p.status in EARNED]
        schemes.append(
            {
                "scheme": scheme,
                "payments": payments,
                "earned": sum((p.amount for p in earned), Decimal("0")),
                "awaiting": sum((p.amount for p in payments if p.status == Payment.Status.COMPUTED), Decimal("0")),
                "received": sum((p.disbursed for p in earned if not p.is_reduction), Decimal("0")),
            }
        )
    totals = {k: sum((s[k] for s in schemes), Decimal("0")) for k in ("earned", "awaiting", "received")}
    return {
        "fund": fund,
        "organisation": organisation,
        "schemes": schemes,
        **totals,
        "outstanding": totals["earned"] - totals["received"],
        "issuer": issuer(),
        "government": government(),
        "issued": timezone.localtime(),
    }


def issuer() -> str:
    """Who issues statements: the centre of government's organisation (the delivery unit)."""
    return (
        Organisation.objects.filter(kind=Organisation.Kind.CENTRE, parent=None)
        .order_by("pk")
        .values_list("name", flat=True)
        .first()
        or ""
    )


def government() -> str:
    """The government named on documents: STOCKTAKE_GOVERNMENT, else the national org unit's name."""
    from stocktake.architecture.models import OrgUnit

    if settings.STOCKTAKE_GOVERNMENT:
        return settings.STOCKTAKE_GOVERNMENT
    return OrgUnit.objects.filter(parent=None).order_by("pk").values_list("name", flat=True).first() or ""


PAPERS = {"a4": "A4", "letter": "letter"}


def paper(request) -> str:
    """?paper=a4|letter, else STOCKTAKE_PAPER, else A4."""
    value = (request.GET.get("paper") or settings.STOCKTAKE_PAPER or "a4").lower()
    return PAPERS.get(value, "A4")


def statement_pdf(request, context: dict) -> bytes:
    """The same template as the page, laid out for print by WeasyPrint, on A4 or Letter."""
    from weasyprint import HTML

    html = render_to_string(
        "incentives/statement_pdf.html", {**context, "pdf": True, "paper": paper(request)}, request=request
    )
    return HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()


# The position's lines as a reader names them (queries.position's keys).
POSITION_LABELS = {
    "budget": gettext_lazy("Budget"),
    "committed": gettext_lazy("Committed"),
    "uncommitted": gettext_lazy("Uncommitted"),
    "computed": gettext_lazy("Computed"),
    "approved": gettext_lazy("Approved"),
    "disbursed": gettext_lazy("Disbursed"),
    "approved_not_disbursed": gettext_lazy("Approved not disbursed"),
    "balance": gettext_lazy("Balance"),
    "available": gettext_lazy("Available"),
}


def position_workbook(fund: Fund) -> bytes:
    """Position, schemes, payments and the ledger, one sheet each, with money as exact numbers."""
    wb = Workbook()
    bold = Font(bold=True)
    money = "#,##0.00"

    def sheet(ws, header, rows, money_cols=()):
        ws.append(header)
        for c in ws[1]:
            c.font = bold
        for row in rows:
            ws.append(row)
        for col in money_cols:
            for cell in ws.iter_cols(min_col=col, max_col=col, min_row=2):
                for c in cell:
                    c.number_format = money
        for i, h in enumerate(header, start=1):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = max(12, len(h) + 4)

    ws = wb.active
    ws.title = _("Position")
    pos = queries.position(fund)
    sheet(
        ws,
        [_("Item"), _("Amount (%(currency)s)") % {"currency": fund.currency}],
        [[str(POSITION_LABELS.get(k, k)), v] for k, v in pos.items()],
        money_cols=(2,),
    )
    sheet(
        wb.create_sheet(_("Schemes")),
        [
            _("Code"),
            _("Name"),
            _("Recipient"),
            _("Indicator"),
            _("Measured at"),
            _("Rule"),
            _("From"),
            _("To"),
            _("Cap per period"),
            _("Cap total"),
            _("Commitment"),
            _("Status"),
        ],
        [
            [
                s.code,
                s.name,
                s.recipient.name,
                s.indicator.code,
                s.org_unit.name,
                s.rule_type,
                s.first_period.code,
                s.last_period.code,
                s.cap_per_period,
                s.cap_total,
                s.commitment,
                s.get_status_display(),
            ]
            for s in fund.schemes.select_related("recipient", "indicator", "org_unit", "first_period", "last_period")
        ],
        money_cols=(9, 10, 11),
    )
    sheet(
        wb.create_sheet(_("Payments")),
        [
            _("Id"),
            _("Scheme"),
            _("Period"),
            _("Kind"),
            _("Result"),
            _("Amount"),
            _("Disbursed"),
            _("Status"),
            _("Needs review"),
            _("Reference"),
            _("Explanation"),
        ],
        [
            [
                p.pk,
                p.scheme.code,
                p.period.code,
                p.kind,
                p.result,
                p.amount,
                p.disbursed,
                p.get_status_display(),
                _("yes") if p.needs_review else "",
                p.reference,
                p.shown_explanation,
            ]
            for p in Payment.objects.filter(scheme__fund=fund).select_related("scheme", "period")
        ],
        money_cols=(6, 7),
    )
    sheet(
        wb.create_sheet(_("Ledger")),
        [
            _("Id"),
            _("At"),
            _("Stage"),
            _("Scheme"),
            _("Payment"),
            _("Amount"),
            _("Reverses"),
            _("Reference"),
            _("By"),
            _("Note"),
        ],
        [
            [
                e.pk,
                e.at.replace(tzinfo=None),
                e.get_stage_display(),
                e.scheme.code if e.scheme_id else "",
                e.payment_id,
                e.amount,
                e.reverses_id,
                e.reference,
                e.by.username if e.by_id else "",
                e.shown_note,
            ]
            for e in fund.ledger.select_related("scheme", "by")
        ],
        money_cols=(6,),
    )
    out = io.BytesIO()
    safe_workbook(wb).save(out)
    return out.getvalue()


def _v(value):
    return {"value": value}


def indigo(fund: Fund) -> dict:
    """Schemes, outcome metrics, results and payments in the shape of the INDIGO data standard's project.

    INDIGO (Government Outcomes Lab) wraps each value as {"value": ...}; one
    scheme is one project, so a fund can be set beside the published impact
    bond record. Money is written as strings so no float ever rounds it.
    """
    projects = []
    for s in fund.schemes.select_related("recipient", "indicator", "first_period", "last_period"):
        metric_id = f"{s.code}-metric"
        payments = list(s.payments.select_related("period"))
        projects.append(
            {
                "id": s.code,
                "name": _v(s.name),
                "stage_development": _v("Implementation" if s.status == "active" else "Late-stage design"),
                "dates": {
                    "start_date_of_service_provision": _v(s.first_period.start.isoformat()),
                    "anticipated_end_date_of_service_provision": _v(s.last_period.end.isoformat()),
                },
                "overall_project_finance": {
                    "maximum_potential_outcome_payment_v2": {
                        "currency": _v(fund.currency),
                        "amount": _v(str(s.commitment)),
                    },
                    "total_outcome_payments_made": {
                        "currency": _v(fund.currency),
                        "amount": _v(str(sum((p.disbursed for p in payments if not p.is_reduction), Decimal("0")))),
                    },
                },
                "organisations": [
                    {"id": s.recipient.code, "name": _v(s.recipient.name), "role": _v("Service provider")},
                    {"id": fund.code, "name": _v(fund.name), "role": _v("Outcome payer")},
                ],
                "outcome_funds": [{"id": fund.code, "name": _v(fund.name)}],
                "outcome_metrics": [
                    {
                        "id": metric_id,
                        "definition": _v(s.indicator.name),
                        "unit_type": _v(s.indicator.unit),
                        "pricing": _v(s.rule),
                    }
                ],
                "results": [
                    {
                        "id": f"{s.code}-{p.period.code}-{p.pk}",
                        "outcome_metric_id": metric_id,
                        "period_start": _v(p.period.start.isoformat()),
                        "period_end": _v(p.period.end.isoformat()),
                        "achievement": _v(str(p.result.normalize())),
                        "verified": _v("YES"),
                    }
                    for p in payments
                    if p.kind == Payment.Kind.PAYMENT
                ],
                "outcome_payments": [
                    {
                        "id": str(p.pk),
                        "outcome_metric_id": metric_id,
                        "period_end": _v(p.period.end.isoformat()),
                        "currency": _v(fund.currency),
                        "amount": _v(str(p.amount)),
                        "status": _v(p.get_status_display()),
                        "disbursed": _v(str(p.disbursed)),
                    }
                    for p in payments
                ],
            }
        )
    return {
        "fund": {"id": fund.code, "name": _v(fund.name), "currency": _v(fund.currency), "budget": _v(str(fund.budget))},
        "projects": projects,
    }
