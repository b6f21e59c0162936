"""The accounts app's writes that are not a record's create, change or delete: lockouts in the audit trail.

A lockout changes no delivery data, but the delivery unit must be able to see
that someone was guessing passwords or tokens, from where, and what was
refused: each lockout is one audit entry (action "lockout", no user, since
the caller is by definition unknown).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import AuditEntry


def interface_of(request) -> str:
    path = getattr(request, "path", "") or ""
    if path.startswith("/admin/"):
        return AuditEntry.Interface.ADMIN
    if path.startswith("/api/"):
        return AuditEntry.Interface.API
    return AuditEntry.Interface.WEB


@transaction.atomic
def record_sign_in_lockout(*, username: str, address: str, failures: int, seconds: int, request) -> AuditEntry:
    """This user name is refused from this address after repeated failed sign-ins."""
    user = get_user_model().objects.filter(username__iexact=username).first()
    return AuditEntry.objects.create(
        user=None, interface=interface_of(request), action=AuditEntry.Action.LOCKOUT,
        model="auth.user", object_id=str(user.pk) if user else "", object_repr=username[:300],
        after={"username": username[:150], "address": address, "failures": failures, "seconds": seconds},
        reason=f"{failures} failed sign-ins for '{username[:150]}' from {address}: this name is refused "
               f"from this address for {seconds // 60} minutes (other addresses are not affected)")


@transaction.atomic
def record_address_lockout(*, kind: str, address: str, count: int, seconds: int, request) -> AuditEntry:
    """Every sign-in (kind 'sign-in') or unknown token (kind 'token') from this address is refused for a while."""
    what = {"sign-in": ("auth.user", "sign-ins"), "token": ("accounts.apitoken", "invalid API tokens")}
    model, label = what[kind]
    return AuditEntry.objects.create(
        user=None, interface=interface_of(request), action=AuditEntry.Action.LOCKOUT,
        model=model, object_id="", object_repr=f"{label} from {address}"[:300],
        after={"address": address, "count": count, "seconds": seconds, "kind": kind},
        reason=f"{count} {label} from {address}: refused from this address for {seconds} seconds")
