"""Who may see and move the fund's money, built only from the shared permission layer."""

from __future__ import annotations

from django.utils.translation import gettext as _

from stocktake.accounts import permissions as perms
from stocktake.accounts.models import Person


def can_view_funds(user) -> bool:
    """The delivery unit, the head of government and observers read every fund."""
    return perms.can_read_all(user)


def can_view_recipient(user, organisation_id: int) -> bool:
    """A recipient reads its own statement; the delivery unit reads all."""
    return can_view_funds(user) or (
        perms.organisation_id(user) is not None and perms.organisation_id(user) == organisation_id
    )


def can_manage_funds(user) -> bool:
    """Creating funds and schemes, computing payments, recording sample checks."""
    return perms.can_manage(user)


def approval_refusal(user, payment) -> str | None:
    """Why this user may not approve (or disburse) this payment, or None if they may.

    Approval needs a delivery unit head or priority manager, and never the
    person who computed the payment: two pairs of eyes on every payment.
    """
    if not (
        perms.is_superuser(user) or perms.role(user) in {Person.Role.DELIVERY_UNIT_HEAD, Person.Role.PRIORITY_MANAGER}
    ):
        return _("only the delivery unit head or a priority manager may approve payments")
    if payment.computed_by_id is not None and payment.computed_by_id == getattr(user, "pk", None):
        return _("the person who computed a payment may not approve it")
    return None


def can_approve_payment(user, payment) -> bool:
    return approval_refusal(user, payment) is None
