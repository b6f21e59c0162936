"""How API callers prove who they are: a personal token, or the browser's session with CSRF.

Set as the NinjaAPI's global auth for every app's endpoints:

- writes (POST, PUT, PATCH, DELETE) need a token or a signed-in session: anonymous
  writes get 401 before any endpoint code runs (a signed-in caller without the
  right gets the endpoint's own 403 or 404);
- reads without credentials go through as the public (AnonymousUser), because
  the public may read published priorities through the API as on the pages.
  Every read endpoint filters through permissions.py (visible_priorities,
  can_read_priority), as the pages do; the permission matrix test checks that
  no API read shows the public anything unpublished.

Endpoints only for signed-in people use `auth=signed_in()` (the accounts router does).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import BaseThrottle

from . import actions, throttle, tokens


class TokenAuth(HttpBearer):
    """`Authorization: Bearer stk_...`; too many unknown tokens from one address get 429.

    A valid token is always accepted, however many bad ones came from its address
    (an office behind one address must not lose its nightly import because someone
    there, or a stranger sharing the address, sent rubbish). Tokens are 256-bit
    random, so the throttle is not what stops guessing; it bounds the load and
    makes the guessing visible: crossing the limit is written to the audit trail.
    """

    def authenticate(self, request, token):
        user = tokens.authenticate(token)
        if user is not None:
            request.user = user
            return user
        address = throttle.client_address(request)
        limit, window = settings.STOCKTAKE_BAD_TOKEN_LIMIT
        if throttle.exceeded("bad-token", address, limit):
            raise HttpError(429, _("too many invalid tokens from this address; wait a minute"))
        if throttle.hit("bad-token", address, window) == limit:
            actions.record_address_lockout(kind="token", address=address, count=limit, seconds=window, request=request)
        return None


class BrowserSession(SessionAuth):
    """The signed-in browser session; unsafe methods need the CSRF token (X-CSRFToken header)."""

    def __call__(self, request):
        # Ninja checks CSRF before it looks at the session, so an anonymous write would get
        # "403 CSRF check Failed" instead of the documented 401. Without a signed-in session
        # there is nothing for CSRF to protect: pass on, and public_read answers 401.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def public_read(request):
    """No credentials on a read: the caller is the public (not listed in the OpenAPI schema).

    Tried last, so reaching it with a write means neither a token nor a session came
    with it: returning None makes Ninja answer 401.
    """
    if request.method in SAFE_METHODS:
        return request.user  # AnonymousUser, or the session's user if BrowserSession passed on it
    return None


def signed_in():
    """A token or a signed-in session, for any method."""
    return [TokenAuth(), BrowserSession(csrf=True)]


def api_auth():
    """The API's default: signed in for writes, the public allowed to read."""
    return [*signed_in(), public_read]


class ApiRate(BaseThrottle):
    """Every API call counts against its caller: the signed-in user, or the client address for
    the public. Over STOCKTAKE_API_RATE the API answers 429 with Retry-After.

    Our fixed-window counters (throttle.py) rather than Ninja's rate throttles, which keep
    per-request state on a shared instance and so mix callers up under a threaded server.
    Runs after authentication, so a token's owner is known.
    """

    def allow_request(self, request) -> bool:
        rate = settings.STOCKTAKE_API_RATE
        if not rate:
            return True
        limit, window = rate
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ident = f"user:{user.pk}"
        else:
            ident = f"address:{throttle.client_address(request)}"
        return throttle.hit("api", ident, window) <= limit

    def wait(self):
        return settings.STOCKTAKE_API_RATE[1] if settings.STOCKTAKE_API_RATE else None
