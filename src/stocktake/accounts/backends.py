"""Sign-in with a lockout after repeated failures and a rate limit per client address.

Done in the authentication backend, not a view, so the sign-in page, the back
office's sign-in and anything else that calls authenticate() are all covered.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from . import throttle


def locked_out(username: str) -> bool:
    limit, _ = settings.STOCKTAKE_LOCKOUT
    return throttle.exceeded("fail-user", (username or "").lower(), limit)


def rate_limited(request) -> bool:
    if request is None:
        return False
    address = throttle.client_address(request)
    return (throttle.exceeded("login-ip", address, settings.STOCKTAKE_LOGIN_LIMIT[0])
            or throttle.exceeded("fail-ip", address, settings.STOCKTAKE_LOGIN_FAIL_LIMIT[0]))


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("username")
        if request is not None:
            _, window = settings.STOCKTAKE_LOGIN_LIMIT
            if rate_limited(request):
                raise PermissionDenied("too many sign-in attempts from this address")
            throttle.hit("login-ip", throttle.client_address(request), window)
        if username and locked_out(username):
            # Refused even with the right password, so guessing gains nothing.
            raise PermissionDenied("account locked after repeated failures")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if username:
            if user is None:
                throttle.hit("fail-user", username.lower(), settings.STOCKTAKE_LOCKOUT[1])
                if request is not None:
                    throttle.hit("fail-ip", throttle.client_address(request), settings.STOCKTAKE_LOGIN_FAIL_LIMIT[1])
            else:
                throttle.reset("fail-user", username.lower())
        return user
