"""The one write path for the outcomes fund.

Pages, the API, the CLI and the demo call these functions, so every fund,
scheme, sample check and payment is checked the same way, and each change is
audited and written to the ledger in the same transaction. Refusals raise
ValidationError with the field at fault and change nothing.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from stocktake.accounts import audit
from stocktake.architecture import actions as architecture_actions
from stocktake.architecture.models import Period
from stocktake.delivery import payments as PAY
from stocktake.delivery import periods as P
from stocktake.monitoring.models import DataValue

from . import notes, permissions
from .models import Fund, LedgerEntry, Payment, SampleCheck, Scheme
from .queries import ZERO, position, verified_result

# Audit reasons with values in them, stored in English and shown in the reader's language (accounts/reasons.py).
DISBURSED_REF = audit.template(gettext_noop("Disbursed %(amount)s ref %(reference)s"))
FUND_CLOSED = audit.template(gettext_noop("Fund %(fund)s closed"))

S = LedgerEntry.Stage


def _who(user):
    return user if getattr(user, "is_authenticated", False) else None


def _fmt(amount: Decimal, fund: Fund) -> str:
    return f"{fund.currency} {formats.number_format(amount, 2, use_l10n=True, force_grouping=True)}"


def _entry(payment_or_scheme, stage, amount, user, *, reference="", note="", reverses=None) -> LedgerEntry:
    if isinstance(payment_or_scheme, Payment):
        payment, scheme = payment_or_scheme, payment_or_scheme.scheme
    else:
        payment, scheme = None, payment_or_scheme
    return LedgerEntry.objects.create(
        fund=scheme.fund,
        scheme=scheme,
        payment=payment,
        stage=stage,
        amount=amount,
        reference=reference,
        note=note,
        reverses=reverses,
        by=_who(user),
    )


# Funds and schemes ------------------------------------------------------------


@transaction.atomic
def create_fund(*, user=None, interface="web", **fields) -> Fund:
    return audit.save_audited(Fund(**fields), user=user, interface=interface, reason=gettext_noop("Fund created"))


def _check_scheme(scheme: Scheme) -> None:
    errors = {}
    ind = scheme.indicator
    try:
        rule = PAY.parse_rule(scheme.rule, ind.direction)
        PAY.check_caps(rule, scheme.cap_per_period, scheme.cap_total)
    except PAY.RuleError as exc:
        key = exc.field if exc.field in ("cap_per_period", "cap_total") else "rule"
        raise ValidationError({key: str(exc) if key == "rule" else str(exc).split(": ", 1)[1]}) from None
    if scheme.period_kind != ind.frequency:
        errors["period_kind"] = _(
            "payment periods are %(kind)s but %(indicator)s is reported %(frequency)s: they must match"
        ) % {
            "kind": P.FREQUENCY_NAMES.get(scheme.period_kind, scheme.period_kind),
            "indicator": ind.code,
            "frequency": P.FREQUENCY_NAMES[ind.frequency],
        }
    for name in ("first_period", "last_period"):
        period = getattr(scheme, name)
        if period.kind != scheme.period_kind:
            errors[name] = _("%(period)s is not a %(frequency)s period") % {
                "period": period.code,
                "frequency": P.FREQUENCY_NAMES.get(scheme.period_kind),
            }
    if scheme.first_period.start > scheme.last_period.start:
        errors["last_period"] = _("%(last_period)s is before %(first_period)s") % {
            "last_period": scheme.last_period.code,
            "first_period": scheme.first_period.code,
        }
    fund = scheme.fund
    if scheme.first_period.start < fund.starts or scheme.last_period.end > fund.ends:
        errors["first_period"] = _(
            "payment periods %(first)s-%(last)s fall outside the fund's operation (%(starts)s to %(ends)s)"
        ) % {
            "first": scheme.first_period.code,
            "last": scheme.last_period.code,
            "starts": fund.starts,
            "ends": fund.ends,
        }
    if scheme.org_unit.depth > ind.report_depth:
        errors["org_unit"] = _("%(ind)s is reported at level %(report_depth)s; %(org_unit)s is below it") % {
            "ind": ind.code,
            "report_depth": ind.report_depth,
            "org_unit": scheme.org_unit.code,
        }
    if scheme.commitment is None or scheme.commitment < 0:
        errors["commitment"] = _("the commitment must be 0 or more")
    elif scheme.cap_total is not None and scheme.commitment < scheme.cap_total:
        errors["commitment"] = _(
            "%(commitment)s is less than the scheme cap of %(cap)s: the fund could not honour it"
        ) % {"commitment": _fmt(scheme.commitment, fund), "cap": _fmt(scheme.cap_total, fund)}
    if scheme.sample_threshold is not None and not (0 < scheme.sample_threshold <= 1):
        errors["sample_threshold"] = _("must be a share between 0 and 1, e.g. 0.8")
    # The same result must never be paid twice: no other live scheme on the same indicator over any
    # of the same places (this unit, one above it or one beneath it) and periods.
    unit = scheme.org_unit
    ancestors = [int(x) for x in unit.path.strip("/").split("/") if x]
    overlapping = (
        Scheme.objects.filter(indicator=ind)
        .exclude(status=Scheme.Status.CLOSED)
        .exclude(pk=scheme.pk)
        .filter(Q(org_unit_id__in=ancestors) | Q(org_unit__path__startswith=unit.path))
        .filter(first_period__start__lte=scheme.last_period.start, last_period__start__gte=scheme.first_period.start)
    )
    clash = overlapping.select_related("org_unit").first()
    if clash is not None:
        errors["indicator"] = _(
            "scheme %(scheme)s already pays for %(indicator)s at %(place)s over overlapping periods: "
            "the same result would be paid twice"
        ) % {"scheme": clash.code, "indicator": ind.code, "place": clash.org_unit.name}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_scheme(*, user=None, interface="web", **fields) -> Scheme:
    """Launch a scheme, committing its money from the fund; refused if the fund cannot cover it."""
    fund = Fund.objects.select_for_update().get(pk=fields["fund"].pk)
    fields["fund"] = fund
    if fund.closed_on:
        raise ValidationError(
            {
                "fund": _("%(fund)s was closed on %(closed_on)s: no new scheme")
                % {"fund": fund.code, "closed_on": fund.closed_on}
            }
        )
    for name in ("first_period", "last_period"):
        if isinstance(fields.get(name), str):
            try:
                fields[name] = architecture_actions.ensure_period(fields[name])
            except P.PeriodError as exc:
                raise ValidationError({name: str(exc)}) from None
    fields.setdefault("period_kind", fields["indicator"].frequency)
    scheme = Scheme(**fields)
    scheme.full_clean(exclude=["rule"])
    _check_scheme(scheme)
    if scheme.status != Scheme.Status.DRAFT:
        pos = position(fund)
        short = PAY.shortfall(fund.budget, pos["committed"], scheme.commitment)
        if short > 0:
            raise ValidationError(
                {
                    "commitment": (
                        _(
                            "the fund cannot commit %(commitment)s: only %(uncommitted)s of its budget is "
                            "uncommitted, a shortfall of %(short)s"
                        )
                        % {
                            "commitment": _fmt(scheme.commitment, fund),
                            "uncommitted": _fmt(pos["uncommitted"], fund),
                            "short": _fmt(short, fund),
                        }
                    )
                }
            )
    scheme.save()
    audit.record(
        user=user,
        interface=interface,
        action="create",
        obj=scheme,
        after=audit.snapshot(scheme),
        reason=gettext_noop("Scheme launched"),
    )
    if scheme.status != Scheme.Status.DRAFT and scheme.commitment:
        _entry(scheme, S.COMMITMENT, scheme.commitment, user, note=notes.write(notes.COMMITMENT, scheme=scheme.name))
    return scheme


def _paid_so_far(scheme: Scheme, exclude: Payment | None = None) -> Decimal:
    qs = scheme.payments.exclude(status__in=[Payment.Status.REVERSED, Payment.Status.WITHHELD, Payment.Status.PROPOSED])
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return PAY.money(
        qs.filter(Q(kind=Payment.Kind.CORRECTION) | Q(amount__gt=0)).aggregate(t=Sum("amount"))["t"] or ZERO
    )


def _live(scheme: Scheme, period: Period):
    return scheme.payments.filter(period=period, kind=Payment.Kind.PAYMENT).exclude(
        status__in=[Payment.Status.REVERSED, Payment.Status.WITHHELD]
    )


# Sample verification ----------------------------------------------------------


@transaction.atomic
def record_sample_check(
    scheme: Scheme, period: Period, *, checked: int, eligible: int, note: str = "", user=None, interface="web"
) -> SampleCheck:
    """Record a verifier's sample; a recipient who failed may resubmit, which is a new attempt."""
    if scheme.sample_threshold is None:
        raise ValidationError({"scheme": _("%(scheme)s has no sample verification") % {"scheme": scheme.code}})
    try:
        passed = PAY.sample_passes(int(checked), int(eligible), scheme.sample_threshold)
    except PAY.RuleError as exc:
        raise ValidationError({exc.field: str(exc).split(": ", 1)[1]}) from None
    if period.kind != scheme.period_kind:
        raise ValidationError(
            {"period": _("%(period)s is not one of the scheme's payment periods") % {"period": period.code}}
        )
    if _live(scheme, period).exists():
        raise ValidationError(
            {
                "period": _("%(scheme)s already has a payment for %(period)s")
                % {"scheme": scheme.code, "period": period.code}
            }
        )
    attempt = (scheme.sample_checks.filter(period=period).count()) + 1
    check = SampleCheck.objects.create(
        scheme=scheme,
        period=period,
        attempt=attempt,
        checked=checked,
        eligible=eligible,
        passed=passed,
        note=note,
        by=_who(user),
    )
    audit.record(user=user, interface=interface, action="create", obj=check, after=audit.snapshot(check))
    return check


# Payments -------------------------------------------------------------------


def _evaluate(scheme: Scheme, result: Decimal, exclude: Payment | None = None) -> PAY.Payment:
    return PAY.compute(
        scheme.parsed_rule(),
        result,
        cap_per_period=scheme.cap_per_period,
        cap_total=scheme.cap_total,
        paid_so_far=_paid_so_far(scheme, exclude),
    )


@transaction.atomic
def compute_payment(scheme: Scheme, period: Period, *, user=None, interface="web") -> Payment:
    """Compute one period's payment from verified values, or withhold it if the sample check failed."""
    scheme = Scheme.objects.select_for_update().select_related("fund", "indicator", "org_unit").get(pk=scheme.pk)
    if scheme.status != Scheme.Status.ACTIVE:
        raise ValidationError(
            {
                "scheme": _("%(scheme)s is %(status)s: no payments")
                % {"scheme": scheme.code, "status": scheme.get_status_display().lower()}
            }
        )
    if period.kind != scheme.period_kind or not (scheme.first_period.start <= period.start <= scheme.last_period.start):
        raise ValidationError(
            {
                "period": _("%(period)s is not one of %(scheme)s's payment periods (%(first)s to %(last)s)")
                % {
                    "period": period.code,
                    "scheme": scheme.code,
                    "first": scheme.first_period.code,
                    "last": scheme.last_period.code,
                }
            }
        )
    if _live(scheme, period).exists():
        raise ValidationError(
            {
                "period": _(
                    "%(scheme)s already has a payment for %(period)s; a changed value is handled by a correction, "
                    "never a second payment"
                )
                % {"scheme": scheme.code, "period": period.code}
            }
        )
    check = None
    if scheme.sample_threshold is not None:
        check = scheme.sample_checks.filter(period=period).order_by("-attempt").first()
        if check is None:
            raise ValidationError(
                {
                    "period": _("%(scheme)s pays only after a sample check; none is recorded for %(period)s")
                    % {"scheme": scheme.code, "period": period.code}
                }
            )
        if scheme.payments.filter(period=period, sample_check=check).exists():
            raise ValidationError(
                {
                    "period": _(
                        "the sample check for %(period)s failed and was already applied; "
                        "the recipient may resubmit for a new check"
                    )
                    % {"period": period.code}
                }
            )
    result, inputs = verified_result(scheme, period)
    computed = _evaluate(scheme, result)
    status, amount, explanation = Payment.Status.COMPUTED, computed.amount, computed.explanation
    if check is not None and not check.passed:
        status, amount = Payment.Status.WITHHELD, ZERO
        explanation = notes.write(
            notes.WITHHELD,
            eligible=check.eligible,
            checked=check.checked,
            share=f"{check.share:.0%}",
            threshold=f"{scheme.sample_threshold:.0%}",
            explanation=computed.explanation,
        )
    payment = Payment.objects.create(
        scheme=scheme,
        period=period,
        result=result,
        amount=amount,
        uncapped=computed.uncapped,
        explanation=explanation,
        recognition=computed.recognition if status == Payment.Status.COMPUTED else "",
        inputs=inputs,
        sample_check=check,
        status=status,
        computed_by=_who(user),
    )
    audit.record(user=user, interface=interface, action="create", obj=payment, after=audit.snapshot(payment))
    if status == Payment.Status.COMPUTED and amount > 0:
        _entry(payment, S.COMPUTED, amount, user, note=explanation[:500])
    return payment


def _transition(payment: Payment, user, interface: str, reason: str, **changes) -> Payment:
    before = audit.snapshot(payment)
    for k, v in changes.items():
        setattr(payment, k, v)
    payment.save()
    audit.record(
        user=user,
        interface=interface,
        action="change",
        obj=payment,
        before=before,
        after=audit.snapshot(payment),
        reason=reason,
    )
    return payment


@transaction.atomic
def approve_payment(payment: Payment, *, user, interface="web") -> Payment:
    """Approve a computed payment or a proposed correction; refused beyond the fund's budget."""
    payment = Payment.objects.select_for_update().select_related("scheme__fund").get(pk=payment.pk)
    refusal = permissions.approval_refusal(user, payment)
    if refusal:
        raise ValidationError({"approved_by": refusal})
    if payment.status not in (Payment.Status.COMPUTED, Payment.Status.PROPOSED):
        raise ValidationError(
            {"status": _("a %(status)s payment cannot be approved") % {"status": payment.get_status_display().lower()}}
        )
    fund = Fund.objects.select_for_update().get(pk=payment.scheme.fund_id)
    if payment.amount > 0 and not payment.is_reduction:
        pos = position(fund)
        short = PAY.shortfall(fund.budget, pos["approved"], payment.amount)
        if short > 0:
            raise ValidationError(
                {
                    "amount": (
                        _(
                            "approving %(amount)s would take the fund beyond its budget: only %(available)s remains, "
                            "a shortfall of %(short)s"
                        )
                        % {
                            "amount": _fmt(payment.amount, fund),
                            "available": _fmt(pos["available"], fund),
                            "short": _fmt(short, fund),
                        }
                    )
                }
            )
    _transition(
        payment,
        user,
        interface,
        gettext_noop("Approved"),
        status=Payment.Status.APPROVED,
        approved_by=_who(user),
        approved_at=timezone.now(),
    )
    if payment.is_reduction:
        return payment
    if payment.status == Payment.Status.APPROVED and payment.kind == Payment.Kind.CORRECTION and payment.amount:
        _entry(
            payment,
            S.COMPUTED,
            payment.amount,
            user,
            note=notes.write(notes.CORRECTION_ENTRY, payment=payment.corrects_id),
        )
    if payment.amount:
        _entry(payment, S.APPROVED, payment.amount, user, note=notes.write(notes.APPROVED))
    return payment


@transaction.atomic
def disburse_payment(
    payment: Payment, *, user, reference: str, amount: Decimal | None = None, interface="web"
) -> Payment:
    """Record money leaving the fund (or recovered, for a negative correction) against an approval."""
    payment = Payment.objects.select_for_update().select_related("scheme__fund").get(pk=payment.pk)
    if not permissions.can_manage_funds(user) and not getattr(user, "is_superuser", False):
        raise ValidationError({"user": _("only the delivery unit may record disbursements")})
    if payment.status != Payment.Status.APPROVED:
        raise ValidationError(
            {
                "status": _("only an approved payment can be disbursed; this one is %(status)s")
                % {"status": payment.get_status_display().lower()}
            }
        )
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError({"reference": _("a treasury or bank reference is required")})
    fund = payment.scheme.fund
    remaining = payment.amount - payment.disbursed
    try:
        amount = remaining if amount in (None, "") else PAY.money(PAY.to_decimal(amount, "amount"))
    except PAY.RuleError as exc:
        raise ValidationError({"amount": str(exc).split(": ", 1)[1]}) from None
    if payment.is_reduction:
        if amount != remaining:
            raise ValidationError(
                {"amount": _("a reduction is applied in full (%(amount)s)") % {"amount": _fmt(remaining, fund)}}
            )
    elif remaining >= 0 and not (0 < amount <= remaining):
        raise ValidationError(
            {
                "amount": (
                    _("%(amount)s is larger than the %(remaining)s approved and not yet disbursed")
                    % {"amount": _fmt(amount, fund), "remaining": _fmt(remaining, fund)}
                    if amount > remaining
                    else _("the amount must be more than 0")
                )
            }
        )
    elif remaining < 0 and not (remaining <= amount < 0):
        raise ValidationError(
            {"amount": _("a recovery must be between %(amount)s and 0") % {"amount": _fmt(remaining, fund)}}
        )
    done = payment.disbursed + amount
    _transition(
        payment,
        user,
        interface,
        audit.reason(DISBURSED_REF, amount=amount, reference=reference),
        disbursed=done,
        reference=reference,
        disbursed_at=timezone.now(),
        status=Payment.Status.DISBURSED if done == payment.amount else Payment.Status.APPROVED,
    )
    _entry(
        payment,
        S.REDUCTION if payment.is_reduction else S.DISBURSED,
        amount,
        user,
        reference=reference,
        note=notes.write(notes.REDUCTION if payment.is_reduction else notes.DISBURSED),
    )
    return payment


@transaction.atomic
def reverse_payment(payment: Payment, *, user, reason: str, interface="web") -> Payment:
    """Undo a payment by reversal entries that net its ledger to zero; the old entries stay."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if not permissions.can_manage_funds(user):
        raise ValidationError({"user": _("only the delivery unit may reverse payments")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("a reversal needs a reason")})
    if payment.status in (Payment.Status.REVERSED, Payment.Status.WITHHELD):
        raise ValidationError(
            {"status": _("a %(status)s payment cannot be reversed") % {"status": payment.get_status_display().lower()}}
        )
    for entry in payment.ledger.filter(reverses__isnull=True, reversed_by__isnull=True).order_by("-id"):
        _entry(
            payment, entry.stage, -entry.amount, user, reverses=entry, note=notes.write(notes.REVERSAL, reason=reason)
        )
    return _transition(payment, user, interface, reason, status=Payment.Status.REVERSED)


@transaction.atomic
def review_corrections(*, user=None, interface="system", fund: Fund | None = None) -> list[Payment]:
    """Flag payments whose values were corrected since, and propose a correcting payment for each.

    The old payment is never edited beyond its review flag; the proposal,
    once approved, moves only the difference through the ledger.
    """
    proposals = []
    qs = (
        Payment.objects.filter(kind=Payment.Kind.PAYMENT, needs_review=False)
        .exclude(status__in=[Payment.Status.REVERSED, Payment.Status.WITHHELD])
        .select_related("scheme__fund", "scheme__indicator", "period")
    )
    if fund is not None:
        qs = qs.filter(scheme__fund=fund)
    for payment in qs:
        used = {i["id"]: i["version"] for i in payment.inputs}
        current = dict(DataValue.objects.filter(pk__in=used).values_list("pk", "version"))
        changed = sorted(pk for pk, v in used.items() if current.get(pk, v) != v)
        if not changed:
            continue
        latest = payment.corrections.order_by("-id").first() or payment
        try:
            result, inputs = verified_result(payment.scheme, payment.period)
        except ValidationError as exc:
            _transition(
                payment,
                user,
                interface,
                gettext_noop("Flagged for review"),
                needs_review=True,
                review_note=notes.write(
                    notes.NOT_PAYABLE, values=", ".join(f"#{c}" for c in changed), reasons="; ".join(exc.messages)
                ),
            )
            continue
        new = _evaluate(payment.scheme, result, exclude=payment)
        net_paid = payment.amount + sum(
            (c.amount for c in payment.corrections.exclude(status=Payment.Status.REVERSED)), ZERO
        )
        delta = new.amount - net_paid
        _transition(
            payment,
            user,
            interface,
            gettext_noop("Flagged for review"),
            needs_review=True,
            review_note=notes.corrected(
                len(changed),
                values=", ".join(f"#{c}" for c in changed),
                now=f"{result.normalize():f}",
                was=f"{payment.result.normalize():f}",
                delta=f"{delta:+,.2f}",
            ),
        )
        if delta == 0 and latest is payment:
            continue
        proposal = Payment.objects.create(
            scheme=payment.scheme,
            period=payment.period,
            kind=Payment.Kind.CORRECTION,
            corrects=payment,
            result=result,
            amount=delta,
            uncapped=new.uncapped,
            explanation=notes.write(
                notes.CORRECTION_EXPLANATION, payment=payment.pk, paid=f"{net_paid:,.2f}", explanation=new.explanation
            ),
            recognition=new.recognition,
            inputs=inputs,
            status=Payment.Status.PROPOSED,
            computed_by=_who(user),
        )
        audit.record(
            user=user,
            interface=interface,
            action="create",
            obj=proposal,
            after=audit.snapshot(proposal),
            reason=gettext_noop("Correction proposed after a corrected value"),
        )
        proposals.append(proposal)
    return proposals


# Changing and closing funds and schemes -------------------------------------------

FUND_FIELDS = {"name", "description", "budget", "starts", "ends"}
SCHEME_FIELDS = {"name", "rule", "cap_per_period", "cap_total", "sample_threshold", "last_period", "status"}
PENDING = (Payment.Status.COMPUTED, Payment.Status.APPROVED, Payment.Status.PROPOSED)


def _refuse_unknown(fields: dict, allowed: set[str], what: str) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationError(
            {
                unknown[0]: _("cannot be changed on %(what)s (only %(fields)s)")
                % {"what": what, "fields": ", ".join(sorted(allowed))}
            }
        )


def _audit_change(obj, before: dict, user, interface: str, reason: str) -> None:
    after = audit.snapshot(obj)
    if after != before:
        audit.record(
            user=user, interface=interface, action="change", obj=obj, before=before, after=after, reason=reason
        )


@transaction.atomic
def change_fund(fund: Fund, *, user=None, interface="web", reason: str = "", **fields) -> Fund:
    """Rename a fund, change its description, budget or dates; refused below what is committed or approved."""
    _refuse_unknown(fields, FUND_FIELDS, "a fund")
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    if fund.closed_on:
        raise ValidationError(
            {
                "fund": _("%(fund)s was closed on %(closed_on)s: reopen it first")
                % {"fund": fund.code, "closed_on": fund.closed_on}
            }
        )
    before = audit.snapshot(fund)
    for name, value in fields.items():
        setattr(fund, name, value)
    fund.full_clean()
    pos = position(fund)
    floor = max(pos["committed"], pos["approved"])
    if fund.budget < floor:
        raise ValidationError(
            {
                "budget": _("%(amount)s is less than the %(other)s already committed or approved")
                % {"amount": _fmt(fund.budget, fund), "other": _fmt(floor, fund)}
            }
        )
    outside = fund.schemes.exclude(status=Scheme.Status.CLOSED).filter(
        Q(first_period__start__lt=fund.starts) | Q(last_period__end__gt=fund.ends)
    )
    clash = outside.first()
    if clash is not None:
        raise ValidationError(
            {
                "ends": _("scheme %(clash)s pays outside %(starts)s to %(ends)s: close or change it first")
                % {"clash": clash.code, "starts": fund.starts, "ends": fund.ends}
            }
        )
    fund.save()
    _audit_change(fund, before, user, interface, reason or gettext_noop("Fund changed"))
    return fund


def _release(scheme: Scheme, user, reason: str) -> None:
    """Give back to the fund what a closing scheme committed and did not approve."""
    spent = PAY.money(scheme.ledger.filter(stage=S.APPROVED).aggregate(t=Sum("amount"))["t"] or ZERO)
    committed = PAY.money(scheme.ledger.filter(stage=S.COMMITMENT).aggregate(t=Sum("amount"))["t"] or ZERO)
    unused = committed - max(spent, ZERO)
    if unused > 0:
        _entry(
            scheme,
            S.COMMITMENT,
            -unused,
            user,
            note=notes.write(notes.RELEASED, scheme=scheme.name, reason=reason)[:500],
        )


@transaction.atomic
def close_scheme(scheme: Scheme, *, user=None, interface="web", reason: str = "") -> Scheme:
    """Close a scheme: no more payments; what it committed and did not approve goes back to the fund.

    Refused while a payment is computed, approved but not disbursed, or proposed: settle those first.
    """
    scheme = Scheme.objects.select_for_update().select_related("fund").get(pk=scheme.pk)
    if scheme.status == Scheme.Status.CLOSED:
        return scheme
    pending = scheme.payments.filter(status__in=PENDING).order_by("period__start").select_related("period").first()
    if pending is not None:
        raise ValidationError(
            {
                "status": _(
                    "payment #%(n)s for %(period)s is %(status)s: disburse, reverse or settle it before closing %(scheme)s"
                )
                % {
                    "n": pending.pk,
                    "period": pending.period.code,
                    "status": pending.get_status_display().lower(),
                    "scheme": scheme.code,
                }
            }
        )
    before = audit.snapshot(scheme)
    was_draft = scheme.status == Scheme.Status.DRAFT
    scheme.status = Scheme.Status.CLOSED
    scheme.save(update_fields=["status"])
    if not was_draft:
        _release(scheme, user, reason or "closed")
    _audit_change(scheme, before, user, interface, reason or gettext_noop("Scheme closed"))
    return scheme


@transaction.atomic
def change_scheme(scheme: Scheme, *, user=None, interface="web", reason: str = "", **fields) -> Scheme:
    """Change a scheme's name, rule, caps, sample threshold or last period, or launch a draft (status 'active').

    A closed scheme is not changed; closing goes through close_scheme. Launching a draft commits its money.
    """
    _refuse_unknown(fields, SCHEME_FIELDS, "a scheme")
    scheme = Scheme.objects.select_for_update().select_related("fund", "indicator", "org_unit").get(pk=scheme.pk)
    if scheme.status == Scheme.Status.CLOSED:
        raise ValidationError({"status": _("%(scheme)s is closed and cannot be changed") % {"scheme": scheme.code}})
    status = fields.pop("status", scheme.status)
    if status == Scheme.Status.CLOSED:
        raise ValidationError({"status": _("close a scheme with its close action, which settles its money")})
    if scheme.status == Scheme.Status.ACTIVE and status == Scheme.Status.DRAFT:
        raise ValidationError(
            {"status": _("%(scheme)s is launched: it cannot go back to a draft") % {"scheme": scheme.code}}
        )
    if isinstance(fields.get("last_period"), str):
        try:
            fields["last_period"] = architecture_actions.ensure_period(fields["last_period"])
        except P.PeriodError as exc:
            raise ValidationError({"last_period": str(exc)}) from None
    before = audit.snapshot(scheme)
    for name, value in fields.items():
        setattr(scheme, name, value)
    scheme.full_clean(exclude=["rule"])
    _check_scheme(scheme)
    paid = scheme.payments.filter(period__start__gt=scheme.last_period.start).exclude(
        status__in=[Payment.Status.REVERSED, Payment.Status.WITHHELD]
    )
    if paid.exists():
        raise ValidationError(
            {
                "last_period": _("%(scheme)s has payments after %(last_period)s")
                % {"scheme": scheme.code, "last_period": scheme.last_period.code}
            }
        )
    launching = scheme.status == Scheme.Status.DRAFT and status == Scheme.Status.ACTIVE
    if launching:
        fund = Fund.objects.select_for_update().get(pk=scheme.fund_id)
        if fund.closed_on:
            raise ValidationError(
                {"status": _("the fund %(fund)s is closed: no scheme can be launched from it") % {"fund": fund.code}}
            )
        pos = position(fund)
        short = PAY.shortfall(fund.budget, pos["committed"], scheme.commitment)
        if short > 0:
            raise ValidationError(
                {
                    "commitment": _("the fund cannot commit %(amount)s: a shortfall of %(other)s")
                    % {"amount": _fmt(scheme.commitment, fund), "other": _fmt(short, fund)}
                }
            )
    scheme.status = status
    scheme.save()
    if launching and scheme.commitment:
        _entry(scheme, S.COMMITMENT, scheme.commitment, user, note=notes.write(notes.COMMITMENT, scheme=scheme.name))
    _audit_change(
        scheme,
        before,
        user,
        interface,
        reason or (gettext_noop("Scheme launched") if launching else gettext_noop("Scheme changed")),
    )
    return scheme


@transaction.atomic
def close_fund(fund: Fund, *, on, user=None, interface="web", reason: str = "") -> Fund:
    """Close a fund on a day: each of its open schemes is closed (settling its money) and no new one is made."""
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    if fund.closed_on:
        return fund
    if on is None:
        raise ValidationError({"on": _("a close needs the day it takes effect")})
    for scheme in fund.schemes.exclude(status=Scheme.Status.CLOSED):
        close_scheme(scheme, user=user, interface=interface, reason=reason or audit.reason(FUND_CLOSED, fund=fund.code))
    before = audit.snapshot(fund)
    fund.closed_on = on
    fund.save(update_fields=["closed_on"])
    _audit_change(fund, before, user, interface, reason or gettext_noop("Fund closed"))
    return fund


@transaction.atomic
def reopen_fund(fund: Fund, *, user=None, interface="web", reason: str = "") -> Fund:
    """Reopen a closed fund so new schemes can be launched from it (closed schemes stay closed)."""
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    if not fund.closed_on:
        return fund
    if not (reason or "").strip():
        raise ValidationError({"reason": _("reopening a fund needs a reason")})
    before = audit.snapshot(fund)
    fund.closed_on = None
    fund.save(update_fields=["closed_on"])
    _audit_change(fund, before, user, interface, reason)
    return fund
