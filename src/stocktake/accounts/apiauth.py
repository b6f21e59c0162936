"""How API callers prove who they are: a personal token, or the browser's session with CSRF.

Set as the NinjaAPI's global auth, so every endpoint of every app needs one of
them unless it says `auth=None` (public endpoints, which must then show only
published data). Which user may do what is still decided by permissions.py.
"""

from __future__ import annotations

from django.conf import settings
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from . import throttle, tokens


class TokenAuth(HttpBearer):
    """`Authorization: Bearer stk_...`; too many unknown tokens from one address get 429."""

    def authenticate(self, request, token):
        address = throttle.client_address(request)
        limit, window = settings.STOCKTAKE_BAD_TOKEN_LIMIT
        if throttle.exceeded("bad-token", address, limit):
            raise HttpError(429, "too many invalid tokens from this address; wait a minute")
        user = tokens.authenticate(token)
        if user is None:
            throttle.hit("bad-token", address, window)
            return None
        request.user = user
        return user


class BrowserSession(SessionAuth):
    """The signed-in browser session; unsafe methods need the CSRF token (X-CSRFToken header)."""

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


def api_auth():
    return [TokenAuth(), BrowserSession(csrf=True)]
