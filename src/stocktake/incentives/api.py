"""JSON API of the incentives app, mounted at /api/incentives/.

Money is returned as strings of exact decimals, never as JSON numbers a
client could round. Writes call the same actions as the pages.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from ninja import Field, Query, Router, Schema, Status

from stocktake import errors
from stocktake.accounts import permissions as perms
from stocktake.accounts.models import Organisation
from stocktake.architecture.models import Indicator, OrgUnit, Period
from stocktake.schemas import Error

from . import actions, queries, simulate
from . import permissions as can
from .models import Fund, Payment, Scheme

router = Router(tags=["incentives"])
SchemeListStatus = Literal[tuple(Scheme.Status.values)]  # type: ignore[valid-type]


class FundPositionOut(Schema):
    budget: str
    committed: str
    uncommitted: str
    approved: str
    disbursed: str
    balance: str
    available: str = Field(..., description="Budget less everything approved: what can still be approved.")


class FundOut(Schema):
    code: str
    name: str
    currency: str
    starts: date
    ends: date
    position: FundPositionOut
    closed_on: date | None = Field(None, description="the day the fund was closed, or null while it is open")


class FundSchemeOut(Schema):
    code: str
    name: str
    recipient: str
    indicator: str
    org_unit: str
    rule: dict
    first_period: str
    last_period: str
    cap_per_period: str | None
    cap_total: str | None
    commitment: str
    sample_threshold: str | None
    status: str


class FundInputOut(Schema):
    id: int
    version: int
    state: str
    org_unit: str


class FundPaymentOut(Schema):
    id: int
    scheme: str
    recipient: str
    period: str
    kind: str
    status: str
    result: str
    amount: str
    disbursed: str
    explanation: str
    recognition: str
    needs_review: bool
    review_note: str
    corrects: int | None
    reference: str
    computed_at: datetime
    inputs: list[FundInputOut]


class FundComputeIn(Schema):
    period: str = Field(..., description="Payment period code, e.g. '2026Q2' or '2026-05'.")


class FundDisburseIn(Schema):
    reference: str = Field(..., min_length=1, max_length=100, description="Treasury or bank reference.")
    amount: str | None = Field(None, description="Exact decimal; blank disburses everything approved.")


class FundReverseIn(Schema):
    reason: str = Field(..., min_length=1)


class FundScenarioOut(Schema):
    scenario: str
    total: str
    within_budget: bool
    margin: str
    by_period: dict[str, str]


def _err(exc: ValidationError) -> Error:
    return Error(detail=errors.sentence(exc), errors=errors.reasons(exc))


def _money(d) -> str | None:
    return None if d is None else f"{d:.2f}"


def _fund(f: Fund) -> FundOut:
    p = queries.position(f)
    return FundOut(
        code=f.code,
        name=f.name,
        currency=f.currency,
        starts=f.starts,
        ends=f.ends,
        closed_on=f.closed_on,
        position=FundPositionOut(**{k: _money(p[k]) for k in FundPositionOut.model_fields}),
    )


def _scheme(s: Scheme) -> FundSchemeOut:
    return FundSchemeOut(
        code=s.code,
        name=s.name,
        recipient=s.recipient.code,
        indicator=s.indicator.code,
        org_unit=s.org_unit.code,
        rule=s.rule,
        first_period=s.first_period.code,
        last_period=s.last_period.code,
        cap_per_period=_money(s.cap_per_period),
        cap_total=_money(s.cap_total),
        commitment=_money(s.commitment),
        sample_threshold=None if s.sample_threshold is None else str(s.sample_threshold),
        status=s.status,
    )


def _payment(p: Payment) -> FundPaymentOut:
    return FundPaymentOut(
        id=p.pk,
        scheme=p.scheme.code,
        recipient=p.scheme.recipient.code,
        period=p.period.code,
        kind=p.kind,
        status=p.status,
        result=f"{p.result.normalize():f}",
        amount=_money(p.amount),
        disbursed=_money(p.disbursed),
        explanation=p.shown_explanation,
        recognition=p.recognition,
        needs_review=p.needs_review,
        review_note=p.shown_review_note,
        corrects=p.corrects_id,
        reference=p.reference,
        computed_at=p.computed_at,
        inputs=[
            FundInputOut(id=i["id"], version=i["version"], state=i["state"], org_unit=i["org_unit"]) for i in p.inputs
        ],
    )


def _visible_payment(request, pk: int) -> Payment:
    payment = get_object_or_404(Payment.objects.select_related("scheme__recipient", "period"), pk=pk)
    if not can.can_view_recipient(request.user, payment.scheme.recipient_id):
        from django.http import Http404

        raise Http404
    return payment


class FundListQuery(Schema):
    closed: bool | None = Field(None, description="true: only closed funds; false: only open ones; left out: all")


class SchemeListQuery(Schema):
    status: SchemeListStatus | None = Field(None, description="only the schemes in this status; left out: all")


NO_READ = "only the delivery unit reads the outcomes fund; recipients read their own payments"
NO_MANAGE = "only the delivery unit head or a priority manager moves the fund's money"


@router.get("/funds", response={200: list[FundOut], 403: Error}, summary="Funds and their positions")
def list_funds(request, q: Query[FundListQuery]):
    if not can.can_view_funds(request.user):
        return Status(403, Error(detail=NO_READ))
    qs = Fund.objects.all() if q.closed is None else Fund.objects.filter(closed_on__isnull=not q.closed)
    return [_fund(f) for f in qs]


@router.get("/funds/{code}", response={200: FundOut, 403: Error, 404: Error}, summary="One fund's position")
def get_fund(request, code: str):
    if not can.can_view_funds(request.user):
        return Status(403, Error(detail=NO_READ))
    return _fund(get_object_or_404(Fund, code=code))


@router.get(
    "/funds/{code}/schemes", response={200: list[FundSchemeOut], 403: Error, 404: Error}, summary="A fund's schemes"
)
def list_schemes(request, code: str, q: Query[SchemeListQuery]):
    if not can.can_view_funds(request.user):
        return Status(403, Error(detail=NO_READ))
    fund = get_object_or_404(Fund, code=code)
    qs = fund.schemes.select_related("recipient", "indicator", "org_unit", "first_period", "last_period")
    return [_scheme(s) for s in (qs if q.status is None else qs.filter(status=q.status))]


@router.get(
    "/funds/{code}/payments",
    response={200: list[FundPaymentOut], 403: Error, 404: Error},
    summary="A fund's payments (a recipient sees only its own)",
)
def list_payments(request, code: str, status: str | None = None, needs_review: bool | None = None):
    fund = get_object_or_404(Fund, code=code)
    qs = Payment.objects.filter(scheme__fund=fund).select_related("scheme__recipient", "period")
    if not can.can_view_funds(request.user):
        org = perms.organisation_id(request.user)
        if org is None:
            return Status(403, Error(detail=NO_READ))
        qs = qs.filter(scheme__recipient_id=org)
    if status:
        qs = qs.filter(status=status)
    if needs_review is not None:
        qs = qs.filter(needs_review=needs_review)
    return [_payment(p) for p in qs]


@router.get(
    "/funds/{code}/simulation",
    response={200: list[FundScenarioOut], 403: Error, 404: Error},
    summary="Simulated payout under each scenario",
)
def get_simulation(request, code: str):
    if not can.can_view_funds(request.user):
        return Status(403, Error(detail=NO_READ))
    result = simulate.fund_simulation(get_object_or_404(Fund, code=code))
    return [
        FundScenarioOut(
            scenario=o["scenario"],
            total=_money(o["total"]),
            within_budget=o["within"],
            margin=_money(o["margin"]),
            by_period={r["date"]: _money(r["payout"]) for r in o["rows"]},
        )
        for o in result["outcomes"]
    ]


@router.get(
    "/payments/{payment_id}", response={200: FundPaymentOut, 404: Error}, summary="One payment with the values it used"
)
def get_payment(request, payment_id: int):
    return _payment(_visible_payment(request, payment_id))


@router.post(
    "/schemes/{code}/payments",
    response={200: FundPaymentOut, 400: Error, 403: Error, 404: Error},
    summary="Compute a period's payment from verified values",
)
def compute_payment(request, code: str, payload: FundComputeIn):
    if not can.can_manage_funds(request.user):
        return Status(403, Error(detail=NO_MANAGE))
    scheme = get_object_or_404(Scheme, code=code)
    period = Period.objects.filter(code=payload.period).first()
    if period is None:
        return Status(
            400,
            Error(
                detail=_("period: no data has been reported for %(period)s") % {"period": repr(payload.period)},
                errors={"period": [_("unknown period")]},
            ),
        )
    try:
        return _payment(actions.compute_payment(scheme, period, user=request.user, interface="api"))
    except ValidationError as exc:
        return Status(400, _err(exc))


def _write(request, payment_id, do):
    payment = _visible_payment(request, payment_id)
    if not can.can_manage_funds(request.user):
        return Status(403, Error(detail=NO_MANAGE))
    try:
        return _payment(do(payment))
    except ValidationError as exc:
        refused = exc.message_dict.get("approved_by") if hasattr(exc, "error_dict") else None
        return Status(403 if refused else 400, _err(exc))


@router.post(
    "/payments/{payment_id}/approve",
    response={200: FundPaymentOut, 400: Error, 403: Error, 404: Error},
    summary="Approve a computed payment (not by the person who computed it)",
)
def approve_payment(request, payment_id: int):
    return _write(request, payment_id, lambda p: actions.approve_payment(p, user=request.user, interface="api"))


@router.post(
    "/payments/{payment_id}/disburse",
    response={200: FundPaymentOut, 400: Error, 403: Error, 404: Error},
    summary="Record a disbursement against an approved payment",
)
def disburse_payment(request, payment_id: int, payload: FundDisburseIn):
    return _write(
        request,
        payment_id,
        lambda p: actions.disburse_payment(
            p, user=request.user, reference=payload.reference, amount=payload.amount, interface="api"
        ),
    )


@router.post(
    "/payments/{payment_id}/reverse",
    response={200: FundPaymentOut, 400: Error, 403: Error, 404: Error},
    summary="Reverse a payment with ledger entries that net it to zero",
)
def reverse_payment(request, payment_id: int, payload: FundReverseIn):
    return _write(
        request,
        payment_id,
        lambda p: actions.reverse_payment(p, user=request.user, reason=payload.reason, interface="api"),
    )


class FundSchemeIn(Schema):
    code: str = Field(..., min_length=1, max_length=60, pattern=r"^[-a-zA-Z0-9_]+$")
    name: str = Field(..., min_length=1, max_length=200)
    indicator: str = Field(..., description="Indicator code.")
    org_unit: str = Field(..., description="Org unit code where the result is measured.")
    recipient: str = Field(..., description="Recipient organisation code.")
    rule: dict = Field(..., description='e.g. {"type": "threshold", "target": "80", "amount": "50000"}')
    first_period: str
    last_period: str
    commitment: str = Field(..., description="Exact decimal set aside from the fund's budget.")
    cap_per_period: str | None = None
    cap_total: str | None = None
    sample_threshold: str | None = Field(
        None, description="Share of sampled results that must be eligible, e.g. '0.8'."
    )
    status: str = Field("active", pattern="^(draft|active)$")


@router.post(
    "/funds/{code}/schemes",
    response={200: FundSchemeOut, 400: Error, 403: Error, 404: Error},
    summary="Launch a scheme (or a draft for simulation), committing its money from the fund",
)
def create_scheme(request, code: str, payload: FundSchemeIn):
    if not can.can_manage_funds(request.user):
        return Status(403, Error(detail=NO_MANAGE))
    fund = get_object_or_404(Fund, code=code)
    from decimal import Decimal, InvalidOperation

    refs = {
        "indicator": (Indicator, payload.indicator),
        "org_unit": (OrgUnit, payload.org_unit),
        "recipient": (Organisation, payload.recipient),
    }
    fields = {}
    for name, (model, value) in refs.items():
        fields[name] = model.objects.filter(code=value).first()
        if fields[name] is None:
            return Status(
                400,
                Error(
                    detail=_("%(field)s: no %(what)s with code %(code)s")
                    % {"field": name, "what": model._meta.verbose_name, "code": repr(value)},
                    errors={name: [_("unknown code")]},
                ),
            )
    for name in ("commitment", "cap_per_period", "cap_total", "sample_threshold"):
        value = getattr(payload, name)
        try:
            fields[name] = None if value in (None, "") else Decimal(value)
        except InvalidOperation:
            return Status(
                400,
                Error(
                    detail=_("%(name)s: %(value)s is not a number") % {"name": name, "value": repr(value)},
                    errors={name: [_("not a number")]},
                ),
            )
    if Scheme.objects.filter(code=payload.code).exists():
        return Status(
            400,
            Error(
                detail=_("code: a scheme called %(code)s exists") % {"code": repr(payload.code)},
                errors={"code": [pgettext("a code already in use", "taken")]},
            ),
        )
    try:
        scheme = actions.create_scheme(
            fund=fund,
            code=payload.code,
            name=payload.name,
            rule=payload.rule,
            first_period=payload.first_period,
            last_period=payload.last_period,
            status=payload.status,
            user=request.user,
            interface="api",
            **fields,
        )
    except ValidationError as exc:
        return Status(400, _err(exc))
    return _scheme(scheme)


class FundIn(Schema):
    """A new outcomes fund: the pot of money schemes commit from."""

    code: str = Field(..., description="a short code, letters, digits and dashes")
    name: str = Field(..., description="the fund's name")
    currency: str = Field(..., description="the ISO 4217 currency code, e.g. 'USD'")
    budget: str = Field(..., description="the budget, an exact decimal in the currency, e.g. '2500000.00'")
    starts: date = Field(..., description="when the fund starts (YYYY-MM-DD)")
    ends: date = Field(..., description="when it ends (YYYY-MM-DD), after it starts")
    description: str = Field("", description="what the fund is for")

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "code": "north-outcomes",
                    "name": "North Outcomes Fund",
                    "currency": "USD",
                    "budget": "2500000.00",
                    "starts": "2027-01-01",
                    "ends": "2029-12-31",
                }
            ]
        }
    }


@router.post("/funds", response={201: FundOut, 400: Error, 403: Error}, summary="Create an outcomes fund")
def create_fund(request, payload: FundIn):
    from decimal import Decimal, InvalidOperation

    if not can.can_manage_funds(request.user):
        return Status(403, Error(detail=NO_MANAGE))
    try:
        budget = Decimal(payload.budget)
    except InvalidOperation:
        return Status(400, Error(detail=_("budget: %(b)r is not a decimal amount") % {"b": payload.budget}))
    if not budget.is_finite():
        return Status(400, Error(detail=_("budget: give a finite amount")))
    fields = payload.model_dump()
    fields["budget"] = budget
    fund = actions.create_fund(user=request.user, interface="api", **fields)
    return Status(201, _fund(fund))


# Changing and closing funds and schemes --------------------------------------------------------------------


SchemeStatus = Literal["draft", "active"]


class FundPatch(Schema):
    name: str = Field(None, min_length=1, max_length=200, description="the fund's name")
    description: str = Field(None, description="what the fund is for")
    budget: str = Field(None, description="the budget, an exact decimal; never below what is committed or approved")
    starts: date = Field(None, description="when the fund starts (YYYY-MM-DD)")
    ends: date = Field(None, description="when it ends (YYYY-MM-DD); every open scheme must fit inside")
    reason: str = Field("", description="why it changed, for the audit trail")

    model_config = {"json_schema_extra": {"examples": [{"budget": "3000000.00", "reason": "budget supplement"}]}}


class FundCloseIn(Schema):
    on: date = Field(default_factory=date.today, description="the day the fund closes (YYYY-MM-DD); today if left out")
    reason: str = Field("", description="why it closes, for the audit trail")

    model_config = {"json_schema_extra": {"examples": [{"on": "2029-12-31", "reason": "programme ended"}]}}


class FundReopenIn(Schema):
    reason: str = Field(..., min_length=1, description="why it reopens (required), for the audit trail")

    model_config = {"json_schema_extra": {"examples": [{"reason": "second phase approved by cabinet"}]}}


class SchemePatch(Schema):
    name: str = Field(None, min_length=1, max_length=200, description="the scheme's name")
    rule: dict = Field(
        None, description='the payment rule, e.g. {"type": "threshold", "target": "80", "amount": "50000"}'
    )
    cap_per_period: str | None = Field(None, description="the most paid in one period, an exact decimal, or null")
    cap_total: str | None = Field(None, description="the most paid in all, an exact decimal, or null")
    sample_threshold: str | None = Field(
        None, description="share of sampled results that must be eligible, e.g. '0.8', or null for no sample check"
    )
    last_period: str = Field(None, description="the last payment period's code, e.g. '2027Q4'")
    status: SchemeStatus = Field(None, description="'active' launches a draft (committing its money)")
    reason: str = Field("", description="why it changed, for the audit trail")

    model_config = {"json_schema_extra": {"examples": [{"cap_per_period": "60000.00", "reason": "cap raised"}]}}


class SchemeCloseIn(Schema):
    reason: str = Field("", description="why it closes, for the audit trail")

    model_config = {"json_schema_extra": {"examples": [{"reason": "target met, no further payments"}]}}


def _decimals(changes: dict, names: tuple[str, ...]) -> dict:
    for name in names:
        if name in changes:
            value = changes[name]
            try:
                changes[name] = None if value in (None, "") else Decimal(value)
            except InvalidOperation:
                raise ValidationError({name: _("%(v)r is not a number") % {"v": value}}) from None
            if changes[name] is not None and not changes[name].is_finite():
                raise ValidationError({name: _("give a finite number")})
    return changes


def _run(request, do):
    if not can.can_manage_funds(request.user):
        return Status(403, Error(detail=NO_MANAGE))
    try:
        return do()
    except ValidationError as exc:
        return Status(400, _err(exc))


def _changes(payload: Schema) -> dict:
    return payload.model_dump(exclude_unset=True, exclude={"reason"})


@router.patch(
    "/funds/{code}", response={200: FundOut, 400: Error, 403: Error, 404: Error}, summary="Change an outcomes fund"
)
def change_fund(request, code: str, payload: FundPatch):
    fund = get_object_or_404(Fund, code=code)

    def do():
        changes = _decimals(_changes(payload), ("budget",))
        return _fund(actions.change_fund(fund, user=request.user, interface="api", reason=payload.reason, **changes))

    return _run(request, do)


@router.post(
    "/funds/{code}/close",
    response={200: FundOut, 400: Error, 403: Error, 404: Error},
    summary="Close a fund: its open schemes close and give back what they did not approve",
)
def close_fund(request, code: str, payload: FundCloseIn):
    fund = get_object_or_404(Fund, code=code)
    return _run(
        request,
        lambda: _fund(
            actions.close_fund(fund, on=payload.on, user=request.user, interface="api", reason=payload.reason)
        ),
    )


@router.post(
    "/funds/{code}/reopen",
    response={200: FundOut, 400: Error, 403: Error, 404: Error},
    summary="Reopen a closed fund (its closed schemes stay closed)",
)
def reopen_fund(request, code: str, payload: FundReopenIn):
    fund = get_object_or_404(Fund, code=code)
    return _run(
        request, lambda: _fund(actions.reopen_fund(fund, user=request.user, interface="api", reason=payload.reason))
    )


def _scheme_or_404(code: str) -> Scheme:
    related = ("recipient", "indicator", "org_unit", "first_period", "last_period", "fund")
    return get_object_or_404(Scheme.objects.select_related(*related), code=code)


@router.get("/schemes/{code}", response={200: FundSchemeOut, 403: Error, 404: Error}, summary="One scheme")
def get_scheme(request, code: str):
    if not can.can_view_funds(request.user):
        return Status(403, Error(detail=_("only the delivery unit reads the outcomes fund")))
    return _scheme(_scheme_or_404(code))


@router.patch(
    "/schemes/{code}",
    response={200: FundSchemeOut, 400: Error, 403: Error, 404: Error},
    summary="Change a scheme, or launch a draft",
)
def change_scheme(request, code: str, payload: SchemePatch):
    scheme = _scheme_or_404(code)

    def do():
        changes = _decimals(_changes(payload), ("cap_per_period", "cap_total", "sample_threshold"))
        done = actions.change_scheme(scheme, user=request.user, interface="api", reason=payload.reason, **changes)
        return _scheme(_scheme_or_404(done.code))

    return _run(request, do)


@router.post(
    "/schemes/{code}/close",
    response={200: FundSchemeOut, 400: Error, 403: Error, 404: Error},
    summary="Close a scheme: no more payments; its unused commitment goes back to the fund",
)
def close_scheme(request, code: str, payload: SchemeCloseIn):
    scheme = _scheme_or_404(code)

    def do():
        actions.close_scheme(scheme, user=request.user, interface="api", reason=payload.reason)
        return _scheme(_scheme_or_404(code))

    return _run(request, do)
