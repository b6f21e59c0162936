"""Personal API tokens: issue (secret shown once), authenticate, revoke.

The one write path for tokens, used by the tokens page and the API alike;
each issue and revocation is written to the audit trail.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import audit, throttle
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


def _audit_view(token: ApiToken) -> dict:
    # Never the digest: the audit trail is readable by the delivery unit.
    return {"name": token.name, "prefix": token.prefix, "user_id": token.user_id,
            "expires_at": token.expires_at.isoformat(),
            "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None}


@transaction.atomic
def issue(user, *, name: str, days: int | None = None, interface: str) -> tuple[ApiToken, str]:
    """Create a token; return it with its secret, which is never shown again."""
    name = (name or "").strip()
    max_days = MAX_DAYS
    days = max_days if days is None else days
    if not name:
        raise TokenError("name: give the token a name saying what it is for")
    if any(ord(ch) < 32 for ch in name):
        raise TokenError("name: control characters are not allowed")
    if len(name) > 100:
        raise TokenError("name: at most 100 characters")
    if not 1 <= days <= max_days:
        raise TokenError(f"days: a token lives between 1 and {max_days} days")
    limit, window = settings.STOCKTAKE_TOKEN_LIMIT
    if throttle.exceeded("token-issue", str(user.pk), limit):
        raise TokenRateLimited("too many tokens created in a short time; wait a minute")
    throttle.hit("token-issue", str(user.pk), window)
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=secret[:12], digest=digest(secret),
                                    expires_at=timezone.now() + timedelta(days=days))
    audit.record(user=user, interface=interface, action="create", obj=token, after=_audit_view(token))
    return token, secret


@transaction.atomic
def revoke(user, token: ApiToken, *, interface: str) -> ApiToken:
    """Revoke one of the user's own tokens (the caller has checked ownership)."""
    if token.revoked_at is None:
        before = _audit_view(token)
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(user=user, interface=interface, action="change", obj=token, before=before,
                     after=_audit_view(token), reason="revoked")
    return token


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
