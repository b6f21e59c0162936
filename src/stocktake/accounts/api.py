"""JSON API of the accounts app (who am I, tokens, audit), mounted at /api/accounts/."""

from __future__ import annotations

from datetime import date, datetime

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from stocktake.schemas import Error

from . import actions, auditlog, permissions, tokens
from .apiauth import signed_in
from .models import ApiToken

router = Router(tags=["accounts"], auth=signed_in())  # everything here is about the caller's own account
# Operations anyone signed in may use on their own account; the permission matrix test
# (tests/accounts/test_permission_matrix.py) lets read-only roles succeed only at these.
SELF_SERVICE = {"x-self-service": True}


class MeOut(Schema):
    username: str
    name: str
    role: str | None = Field(None, description="The person's role; null for an account with no person record.")
    organisation: str | None = None
    can_read_all: bool
    can_manage: bool
    can_validate: bool
    can_read_audit: bool


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100, description="What the token is for.")
    days: int = Field(
        tokens.DEFAULT_DAYS, ge=1, le=tokens.MAX_DAYS, description=f"Lifetime in days, at most {tokens.MAX_DAYS}."
    )


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    active: bool


class NewTokenOut(TokenOut):
    token: str = Field(..., description="The secret. Shown only in this response; store it now.")


class AuditEntryOut(Schema):
    id: int
    at: datetime
    user: str | None
    interface: str
    action: str
    model: str
    object_id: str
    object_repr: str
    before: dict | None
    after: dict | None
    reason: str


class AuditQuery(Schema):
    user: str = ""
    model: str = ""
    object_id: str = ""
    interface: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=2**31 - 1)  # bounded: a bigger OFFSET overflows the database driver


def _token_out(t: ApiToken) -> dict:
    return {
        "id": t.pk,
        "name": t.name,
        "prefix": t.prefix,
        "created_at": t.created_at,
        "expires_at": t.expires_at,
        "last_used_at": t.last_used_at,
        "revoked_at": t.revoked_at,
        "active": t.active,
    }


@router.get("/me", response=MeOut, summary="Who the caller is and what they may do")
def me(request):
    user = request.auth
    p = permissions.person(user)
    return {
        "username": user.username,
        "name": p.name if p else user.get_full_name() or user.username,
        "role": p.role if p else None,
        "organisation": p.organisation.code if p else None,
        "can_read_all": permissions.can_read_all(user),
        "can_manage": permissions.can_manage(user),
        "can_validate": permissions.can_validate(user),
        "can_read_audit": permissions.can_read_audit(user),
    }


@router.get("/tokens", response=list[TokenOut], summary="The caller's API tokens (never their secrets)")
def list_tokens(request):
    return [_token_out(t) for t in ApiToken.objects.filter(user=request.auth)]


@router.post(
    "/tokens",
    response={201: NewTokenOut, 400: Error, 429: Error},
    summary="Create an API token; the secret is in this response only",
    openapi_extra=SELF_SERVICE,
)
def create_token(request, payload: TokenIn):
    try:
        token, secret = actions.issue_token(request.auth, name=payload.name, days=payload.days, interface="api")
    except tokens.TokenRateLimited as exc:
        return Status(429, {"detail": str(exc)})
    except tokens.TokenError as exc:
        return Status(400, {"detail": str(exc)})
    return Status(201, {**_token_out(token), "token": secret})


@router.delete(
    "/tokens/{token_id}",
    response={200: TokenOut, 404: Error},
    summary="Revoke one of the caller's tokens",
    openapi_extra=SELF_SERVICE,
)
def revoke_token(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.auth)
    return Status(200, _token_out(actions.revoke_token(request.auth, token, interface="api")))


@router.get(
    "/audit",
    response={200: list[AuditEntryOut], 400: Error, 403: Error},
    summary="The audit trail, newest first (delivery unit only)",
)
def audit_entries(request, q: Query[AuditQuery]):
    if not permissions.can_read_audit(request.auth):
        raise HttpError(403, _("the audit trail is open to the delivery unit only"))
    try:
        flt = auditlog.AuditFilter.from_params(
            {k: (v.isoformat() if isinstance(v, date) else v) for k, v in q.dict().items() if v is not None}
        )
    except auditlog.FilterError as exc:
        return Status(400, {"detail": str(exc)})
    rows = flt.apply()[q.offset : q.offset + q.limit]
    return Status(
        200,
        [
            {
                "id": e.pk,
                "at": e.at,
                "user": e.user.username if e.user else None,
                "interface": e.interface,
                "action": e.action,
                "model": e.model,
                "object_id": e.object_id,
                "object_repr": e.object_repr,
                "before": e.before,
                "after": e.after,
                "reason": e.reason,
            }
            for e in rows
        ],
    )


# Organisations and people (create, read, change): routes on this router.
from . import peopleapi  # noqa: E402, F401
