"""Sign-in with a lockout after repeated failures and a rate limit per client address.

Done in the authentication backend, not a view, so the sign-in page, the back
office's sign-in and anything else that calls authenticate() are all covered.

The lockout counts failures per user name AND client address together: a
stranger who types someone's name wrongly five times locks that name out
from the stranger's address only, so the owner, signing in from elsewhere,
is not locked out by someone else. Guessing from many addresses is held back
by the per-address limits. Every lockout is written to the audit trail.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from . import actions, throttle


def _address(request_or_address) -> str:
    if isinstance(request_or_address, str):
        return request_or_address
    return throttle.client_address(request_or_address)


def lockout_key(username: str, address: str) -> str:
    return f"{(username or '').lower()}\n{address}"


def locked_out(username: str, request_or_address) -> bool:
    """Is this user name refused from this request's (or this) address?"""
    limit, _ = settings.STOCKTAKE_LOCKOUT
    return throttle.exceeded("fail-user", lockout_key(username, _address(request_or_address)), limit)


def rate_limited(request) -> bool:
    if request is None:
        return False
    address = throttle.client_address(request)
    return throttle.exceeded("login-ip", address, settings.STOCKTAKE_LOGIN_LIMIT[0]) or throttle.exceeded(
        "fail-ip", address, settings.STOCKTAKE_LOGIN_FAIL_LIMIT[0]
    )


def _count(kind: str, ident: str, limit_window: tuple[int, int]) -> int:
    """Count one event; return the new count (the caller audits when it reaches the limit)."""
    return throttle.hit(kind, ident, limit_window[1])


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("username")
        address = _address(request)
        if request is not None:
            if rate_limited(request):
                raise PermissionDenied(_("too many sign-in attempts from this address"))
            limit, window = settings.STOCKTAKE_LOGIN_LIMIT
            if _count("login-ip", address, settings.STOCKTAKE_LOGIN_LIMIT) == limit:
                actions.record_address_lockout(
                    kind="sign-in", address=address, count=limit, seconds=window, request=request
                )
        if username and locked_out(username, address):
            # Refused even with the right password, so guessing gains nothing.
            raise PermissionDenied(_("account locked from this address after repeated failures"))
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if username:
            key = lockout_key(username, address)
            if user is None:
                limit, window = settings.STOCKTAKE_LOCKOUT
                if _count("fail-user", key, settings.STOCKTAKE_LOCKOUT) == limit:
                    actions.record_sign_in_lockout(
                        username=username, address=address, failures=limit, seconds=window, request=request
                    )
                if request is not None:
                    limit, window = settings.STOCKTAKE_LOGIN_FAIL_LIMIT
                    if _count("fail-ip", address, settings.STOCKTAKE_LOGIN_FAIL_LIMIT) == limit:
                        actions.record_address_lockout(
                            kind="sign-in", address=address, count=limit, seconds=window, request=request
                        )
            else:
                throttle.reset("fail-user", key)
        return user
