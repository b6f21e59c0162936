"""Actions of the accounts app: tokens, organisations, people and their sign-ins, and lockouts.

Each is the one write path for what it changes, called alike by pages, the
API, the CLI and the demo, and writes its audit entry in the same transaction.
A lockout changes no delivery data, but the delivery unit must be able to see
that someone was guessing passwords or tokens, from where, and what was
refused: each lockout is one audit entry (action "lockout", no user, since
the caller is by definition unknown).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from . import audit, throttle
from .models import ApiToken, AuditEntry, Organisation, Person
from .tokens import MAX_DAYS, PREFIX, TokenError, TokenRateLimited, digest

# The lockout reasons, stored in English and shown in the reader's language (accounts/reasons.py).
SIGN_IN_LOCKOUT = audit.template(
    gettext_noop(
        "%(failures)s failed sign-ins for '%(username)s' from %(address)s: this name is refused "
        "from this address for %(minutes)s minutes (other addresses are not affected)"
    )
)
ADDRESS_LOCKOUT = {
    "sign-in": audit.template(
        gettext_noop("%(count)s sign-ins from %(address)s: refused from this address for %(seconds)s seconds")
    ),
    "token": audit.template(
        gettext_noop("%(count)s invalid API tokens from %(address)s: refused from this address for %(seconds)s seconds")
    ),
}


def _token_view(token: ApiToken) -> dict:
    # Never the digest: the audit trail is readable by the delivery unit.
    return {
        "name": token.name,
        "prefix": token.prefix,
        "user_id": token.user_id,
        "expires_at": token.expires_at.isoformat(),
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
    }


@transaction.atomic
def issue_token(user, *, name: str, days: int | None = None, interface: str) -> tuple[ApiToken, str]:
    """Create a token; return it with its secret, which is never shown again."""
    name = (name or "").strip()
    max_days = MAX_DAYS
    days = max_days if days is None else days
    if not name:
        raise TokenError(_("name: give the token a name saying what it is for"))
    if any(ord(ch) < 32 for ch in name):
        raise TokenError(_("name: control characters are not allowed"))
    if len(name) > 100:
        raise TokenError(_("name: at most 100 characters"))
    if not 1 <= days <= max_days:
        raise TokenError(_("days: a token lives between 1 and %(days)s days") % {"days": max_days})
    limit, window = settings.STOCKTAKE_TOKEN_LIMIT
    if throttle.exceeded("token-issue", str(user.pk), limit):
        raise TokenRateLimited(_("too many tokens created in a short time; wait a minute"))
    throttle.hit("token-issue", str(user.pk), window)
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[:12],
        digest=digest(secret),
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit.record(user=user, interface=interface, action="create", obj=token, after=_token_view(token))
    return token, secret


@transaction.atomic
def revoke_token(user, token: ApiToken, *, interface: str) -> ApiToken:
    """Revoke one of the user's own tokens (the caller has checked ownership)."""
    if token.revoked_at is None:
        before = _token_view(token)
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            user=user,
            interface=interface,
            action="change",
            obj=token,
            before=before,
            after=_token_view(token),
            reason=gettext_noop("revoked"),
        )
    return token


@transaction.atomic
def create_placeholder_token(user, *, name: str, seed: int, days: int, interface: str) -> ApiToken:
    """A token that can never sign in (its secret lacks the stk_ prefix): something for the tokens page to list."""
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix="stk_demo0000",
        digest=digest(f"demo-token-{seed}-not-usable"),
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit.record(user=None, interface=interface, action="create", obj=token, after=_token_view(token))
    return token


@transaction.atomic
def create_organisation(
    *, code: str, name: str, kind: str, parent: Organisation | None = None, user=None, interface: str = "web"
) -> Organisation:
    return audit.save_audited(
        Organisation(code=code, name=name, kind=kind, parent=parent), user=user, interface=interface
    )


@transaction.atomic
def create_person(
    *,
    name: str,
    role: str,
    organisation: Organisation,
    title: str = "",
    email: str = "",
    language: str = "",
    account=None,
    user=None,
    interface: str = "web",
) -> Person:
    """A person in a role; `account` is their sign-in, if they have one (their role group follows by signal)."""
    _check_language(language)
    return audit.save_audited(
        Person(
            name=name, role=role, organisation=organisation, title=title, email=email, language=language, user=account
        ),
        user=user,
        interface=interface,
    )


@transaction.atomic
def create_account(
    *,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    superuser: bool = False,
    user=None,
    interface: str = "web",
):
    """A sign-in. Audited without its password hash: the audit trail is readable by the delivery unit."""
    account = get_user_model().objects.create_user(
        username=username,
        password=password,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_staff=superuser,
        is_superuser=superuser,
    )
    audit.record(
        user=user,
        interface=interface,
        action="create",
        obj=account,
        after={"username": username, "email": email, "is_superuser": superuser},
    )
    return account


def _created_entry(obj, after: dict, *, user, interface: str, reason: str) -> AuditEntry:
    who = user if getattr(user, "is_authenticated", False) else None
    return AuditEntry(
        user=who,
        interface=interface,
        action="create",
        model=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        after=after,
        reason=reason,
    )


@transaction.atomic
def create_people(
    rows: list[dict], *, user=None, interface: str = "web", reason: str = ""
) -> tuple[list[Person], list[tuple[int, ValidationError]]]:
    """Many new people at once (a setup file's 500), with new sign-ins where a row names one.

    Each row: name, role, organisation, title, email, and `account` (an existing sign-in) or `username` (a
    new one). Set-based, so a national roster costs a handful of INSERTs: new sign-ins get an unusable
    password (a setup file carries none, so nothing is hashed), every person and sign-in its own audit entry
    and every sign-in the group of its person's role, as create_account, create_person and the role signal
    give them. Returns the people made and the (row index, error) of each row refused (nothing made for it).
    """
    from django.contrib.auth.models import Group

    from . import roles

    User = get_user_model()
    people, accounts, refused = [], [], []
    for i, row in enumerate(rows):
        person = Person(
            name=row["name"],
            role=row["role"],
            organisation=row["organisation"],
            title=row.get("title") or "",
            email=row.get("email") or "",
            user=row.get("account"),
        )
        account = None
        try:
            person.clean_fields(exclude=["organisation", "user"])
            if row.get("username") and person.user is None:
                first, _sp, last = row["name"].rpartition(" ")
                account = User(username=row["username"], first_name=first, last_name=last, email=person.email)
                account.set_unusable_password()
                account.clean_fields(exclude=["password"])
        except ValidationError as exc:
            refused.append((i, exc))
            continue
        people.append((person, account))
        if account is not None:
            accounts.append(account)
    User.objects.bulk_create(accounts, batch_size=500)
    for person, account in people:
        if account is not None:
            person.user = account
    made = [person for person, _a in people]
    Person.objects.bulk_create(made, batch_size=500)
    groups = {}
    for role in {p.role for p in made if p.user_id}:
        groups[role], _created = Group.objects.get_or_create(name=roles.group_name(role))
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=p.user_id, group_id=groups[p.role].pk) for p in made if p.user_id],
        batch_size=500,
        ignore_conflicts=True,
    )
    entries = [
        _created_entry(
            a,
            {"username": a.username, "email": a.email, "is_superuser": False},
            user=user,
            interface=interface,
            reason=reason,
        )
        for a in accounts
    ]
    entries += [_created_entry(p, audit.snapshot(p), user=user, interface=interface, reason=reason) for p in made]
    AuditEntry.objects.bulk_create(entries, batch_size=500)
    return made, refused


@transaction.atomic
def give_account(person: Person, account, *, user=None, interface: str = "web") -> Person:
    """Link a person to their sign-in; their email becomes the account's."""
    before = audit.snapshot(person)
    person.user = account
    person.email = account.email
    person.save(update_fields=["user", "email"])
    audit.record(
        user=user, interface=interface, action="change", obj=person, before=before, after=audit.snapshot(person)
    )
    return person


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
        user=None,
        interface=interface_of(request),
        action=AuditEntry.Action.LOCKOUT,
        model="auth.user",
        object_id=str(user.pk) if user else "",
        object_repr=username[:300],
        after={"username": username[:150], "address": address, "failures": failures, "seconds": seconds},
        reason=audit.reason(
            SIGN_IN_LOCKOUT, failures=failures, username=username[:150], address=address, minutes=seconds // 60
        ),
    )


@transaction.atomic
def record_address_lockout(*, kind: str, address: str, count: int, seconds: int, request) -> AuditEntry:
    """Every sign-in (kind 'sign-in') or unknown token (kind 'token') from this address is refused for a while."""
    what = {"sign-in": ("auth.user", "sign-ins"), "token": ("accounts.apitoken", "invalid API tokens")}
    model, label = what[kind]
    return AuditEntry.objects.create(
        user=None,
        interface=interface_of(request),
        action=AuditEntry.Action.LOCKOUT,
        model=model,
        object_id="",
        object_repr=f"{label} from {address}"[:300],
        after={"address": address, "count": count, "seconds": seconds, "kind": kind},
        reason=audit.reason(ADDRESS_LOCKOUT[kind], count=count, address=address, seconds=seconds),
    )


# Changes to organisations and people (the onboarding workbook, the API, the edit pages) ----------------------

ORGANISATION_FIELDS = {"name", "kind", "parent"}
PERSON_FIELDS = {"name", "title", "email", "role", "organisation", "language"}


def _check_language(code: str) -> None:
    """A person's language is one the site is translated into, or blank for the site's own."""
    codes = [c for c, _name in settings.LANGUAGES]
    if code and code not in codes:
        raise ValidationError(
            {"language": _("'%(code)s' is not one of %(codes)s") % {"code": code, "codes": ", ".join(codes)}}
        )


def _change_audited(obj, fields: dict, allowed: set[str], *, user, interface: str, reason: str = ""):
    """Change a plain record's allowed fields and audit it (the PATCH of the API, the edit pages)."""
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationError(
            _("cannot change %(unknown)s on a %(verbose_name)s")
            % {"unknown": ", ".join(unknown), "verbose_name": obj._meta.verbose_name}
        )
    current = type(obj).objects.select_for_update().get(pk=obj.pk)
    for name, value in fields.items():
        setattr(current, name, value)
    return audit.save_audited(current, user=user, interface=interface, reason=reason)


@transaction.atomic
def change_organisation(org: Organisation, *, user=None, interface: str = "web", reason: str = "", **fields):
    """Rename an organisation, change its kind or move it under another (never under itself or its own)."""
    if "parent" in fields:
        parent_of = dict(Organisation.objects.values_list("pk", "parent_id"))  # as stored, not as in memory
        node = getattr(fields["parent"], "pk", None)
        while node is not None:
            if node == org.pk:
                raise ValidationError({"parent": _("an organisation cannot sit under itself")})
            node = parent_of.get(node)
    return _change_audited(org, fields, ORGANISATION_FIELDS, user=user, interface=interface, reason=reason)


@transaction.atomic
def change_person(person: Person, *, user=None, interface: str = "web", reason: str = "", **fields) -> Person:
    """Change a person's name, title, email, language, role or organisation (their role group follows by signal)."""
    _check_language(fields.get("language", ""))
    return _change_audited(person, fields, PERSON_FIELDS, user=user, interface=interface, reason=reason)
