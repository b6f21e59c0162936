"""Pages of the outcomes fund: funds and their ledger, schemes, payments, statements, simulation."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stocktake import errors
from stocktake.accounts import permissions as perms
from stocktake.accounts.models import Organisation
from stocktake.architecture import actions as architecture_actions
from stocktake.architecture.models import Period
from stocktake.delivery import periods as P
from stocktake.params import BadParameter, int_param

from . import actions, exports, queries, simulate
from . import permissions as can
from .models import Fund, Payment, Scheme


def _guard(view):
    """Anonymous visitors are sent to sign in: the fund is not published to the public."""

    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _fund_for(request, code) -> Fund:
    fund = get_object_or_404(Fund, code=code)
    if not can.can_view_funds(request.user):
        raise PermissionDenied(_("only the delivery unit reads the fund; recipients read their own statements"))
    return fund


@_guard
def index(request):
    user = request.user
    if can.can_view_funds(user):
        funds = [{"fund": f, "position": queries.position(f), "schemes": f.schemes.count()} for f in Fund.objects.all()]
        return render(request, "incentives/index.html", {"funds": funds, "can_manage": can.can_manage_funds(user)})
    org = perms.organisation_id(user)
    schemes = (
        Scheme.objects.filter(recipient_id=org).select_related("fund", "recipient") if org else Scheme.objects.none()
    )
    if not schemes:
        raise PermissionDenied(_("the outcomes fund is read by the delivery unit and by the fund's recipients"))
    funds = sorted({s.fund for s in schemes}, key=lambda f: f.name)
    return render(request, "incentives/index.html", {"funds": [], "own": funds, "organisation": schemes[0].recipient})


@_guard
def fund_page(request, code):
    fund = _fund_for(request, code)
    schemes = list(fund.schemes.select_related("indicator", "org_unit", "recipient", "first_period", "last_period"))
    rows = [{"scheme": s, "totals": queries.totals(fund, s)} for s in schemes]
    payments = Payment.objects.filter(scheme__fund=fund).select_related("scheme__recipient", "period")
    on, balance_on, on_error = request.GET.get("on", ""), None, ""
    if on:
        try:
            balance_on = queries.balance_at(fund, date.fromisoformat(on))
        except ValueError:
            on_error = _("on: %(value)r is not a date (use YYYY-MM-DD)") % {"value": on}
    return render(
        request,
        "incentives/fund.html",
        {
            "on": on,
            "balance_on": balance_on,
            "on_error": on_error,
            "fund": fund,
            "position": queries.position(fund),
            "rows": rows,
            "awaiting": payments.filter(status__in=[Payment.Status.COMPUTED, Payment.Status.PROPOSED]).exclude(
                amount=0
            ),
            "flagged": payments.filter(needs_review=True),
            "ledger": fund.ledger.select_related("scheme", "payment__period", "by").order_by("-at", "-id")[:60],
            "recipients": Organisation.objects.filter(incentive_schemes__fund=fund).distinct(),
            "can_manage": can.can_manage_funds(request.user),
        },
    )


@_guard
def scheme_page(request, code):
    scheme = get_object_or_404(Scheme.objects.select_related("fund", "indicator", "org_unit", "recipient"), code=code)
    if not can.can_view_recipient(request.user, scheme.recipient_id):
        raise PermissionDenied
    periods = [p.code for p in P.between(scheme.period_kind, scheme.first_period.start, scheme.last_period.start)]
    return render(
        request,
        "incentives/scheme.html",
        {
            "scheme": scheme,
            "fund": scheme.fund,
            "payments": scheme.payments.select_related("period", "computed_by", "approved_by"),
            "checks": scheme.sample_checks.select_related("period"),
            "periods": periods,
            "can_manage": can.can_manage_funds(request.user),
        },
    )


@_guard
def payment_page(request, pk):
    payment = get_object_or_404(
        Payment.objects.select_related(
            "scheme__fund", "scheme__indicator", "scheme__recipient", "period", "computed_by", "approved_by"
        ),
        pk=pk,
    )
    if not can.can_view_recipient(request.user, payment.scheme.recipient_id):
        raise Http404
    return render(request, "incentives/payment.html", _payment_context(request, payment))


def _payment_context(request, payment, error=None):
    return {
        "payment": payment,
        "scheme": payment.scheme,
        "fund": payment.scheme.fund,
        "ledger": payment.ledger.select_related("by"),
        "error": error,
        "approval_refusal": can.approval_refusal(request.user, payment),
        "can_manage": can.can_manage_funds(request.user),
    }


def _payment_action(request, pk, do):
    payment = get_object_or_404(Payment.objects.select_related("scheme"), pk=pk)
    if not can.can_view_recipient(request.user, payment.scheme.recipient_id):
        raise Http404
    error = None
    try:
        do(payment)
    except ValidationError as exc:
        error = errors.sentence(exc)
    payment.refresh_from_db()
    if request.htmx:
        return render(
            request,
            "incentives/_payment_actions.html",
            _payment_context(request, payment, error),
            status=200 if error is None else 400,
        )
    if error:
        messages.error(request, error)
    return redirect("incentives:payment", pk=payment.pk)


@_guard
@require_POST
def approve(request, pk):
    def do(payment):
        if not can.can_manage_funds(request.user) and not perms.is_superuser(request.user):
            raise PermissionDenied
        actions.approve_payment(payment, user=request.user)

    return _payment_action(request, pk, do)


@_guard
@require_POST
def disburse(request, pk):
    def do(payment):
        if not can.can_manage_funds(request.user):
            raise PermissionDenied
        actions.disburse_payment(
            payment,
            user=request.user,
            reference=request.POST.get("reference", ""),
            amount=request.POST.get("amount") or None,
        )

    return _payment_action(request, pk, do)


@_guard
@require_POST
def reverse(request, pk):
    def do(payment):
        if not can.can_manage_funds(request.user):
            raise PermissionDenied
        actions.reverse_payment(payment, user=request.user, reason=request.POST.get("reason", ""))

    return _payment_action(request, pk, do)


@_guard
@require_POST
def compute(request, code):
    scheme = get_object_or_404(Scheme, code=code)
    if not can.can_manage_funds(request.user):
        raise PermissionDenied
    try:
        period = Period.objects.get(code=request.POST.get("period", ""))
        payment = actions.compute_payment(scheme, period, user=request.user)
    except Period.DoesNotExist:
        messages.error(
            request, _("period: no data has been reported for %(period)r") % {"period": request.POST.get("period")}
        )
    except ValidationError as exc:
        messages.error(request, errors.sentence(exc))
    else:
        return redirect("incentives:payment", pk=payment.pk)
    return redirect("incentives:scheme", code=scheme.code)


@_guard
@require_POST
def sample_check(request, code):
    scheme = get_object_or_404(Scheme, code=code)
    if not can.can_manage_funds(request.user):
        raise PermissionDenied
    try:
        period = architecture_actions.ensure_period(request.POST.get("period", ""))
        actions.record_sample_check(
            scheme,
            period,
            checked=int_param(request, "checked", 0, source="POST"),
            eligible=int_param(request, "eligible", 0, source="POST"),
            note=request.POST.get("note", ""),
            user=request.user,
        )
        messages.success(request, _("Sample check recorded for %(period)s") % {"period": period.code})
    except (P.PeriodError, ValueError, BadParameter) as exc:
        messages.error(request, _("period or counts: %(reason)s") % {"reason": exc})
    except ValidationError as exc:
        messages.error(request, errors.sentence(exc))
    return redirect("incentives:scheme", code=scheme.code)


@_guard
@require_POST
def review(request, code):
    fund = _fund_for(request, code)
    if not can.can_manage_funds(request.user):
        raise PermissionDenied
    proposals = actions.review_corrections(user=request.user, interface="web", fund=fund)
    messages.success(
        request,
        _("%(n)s correction(s) proposed") % {"n": len(proposals)},
    )
    return redirect("incentives:fund", code=fund.code)


@_guard
def simulation(request, code):
    fund = _fund_for(request, code)
    result = simulate.fund_simulation(fund)
    return render(request, "incentives/simulation.html", {"fund": fund, **result})


def _statement_org(request, code, org):
    fund = get_object_or_404(Fund, code=code)
    organisation = get_object_or_404(Organisation, code=org)
    if not can.can_view_recipient(request.user, organisation.pk):
        raise PermissionDenied
    return exports.statement(fund, organisation)


@_guard
def statement(request, code, org):
    return render(request, "incentives/statement.html", _statement_org(request, code, org))


@_guard
def statement_pdf(request, code, org):
    context = _statement_org(request, code, org)
    pdf = exports.statement_pdf(request, context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{code}-{org}-statement.pdf"'
    return response


@_guard
def position_xlsx(request, code):
    fund = _fund_for(request, code)
    response = HttpResponse(
        exports.position_workbook(fund),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{fund.code}-position.xlsx"'
    return response


@_guard
def indigo(request, code):
    from django.http import JsonResponse

    fund = _fund_for(request, code)
    return JsonResponse(exports.indigo(fund), json_dumps_params={"indent": 2})
