"""Personal API tokens: the secret's form and digest, and authentication.

Issuing and revoking are actions (accounts.actions.issue_token, revoke_token),
used by the tokens page and the API alike and audited there.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import ApiToken

PREFIX = "stk_"
# The longest and the suggested (form and API default) lifetime of a token, in days: one number for the tokens page,
# the API schema and issue() alike (STOCKTAKE_TOKEN_DAYS in settings).
MAX_DAYS = settings.STOCKTAKE_TOKEN_DAYS
DEFAULT_DAYS = min(30, MAX_DAYS)


class TokenError(ValueError):
    pass


class TokenRateLimited(TokenError):
    pass


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def authenticate(secret: str):
    """The active token's user for this secret, or None."""
    if not secret or not secret.startswith(PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(digest=digest(secret)).first()
    if token is None or not token.active or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        # Bounded writes: at most one per token per five minutes.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
