"""Lockouts a stranger cannot turn against the owner, and every lockout in the audit trail."""

from __future__ import annotations

from django.test import Client, override_settings

from stocktake.accounts import actions
from stocktake.accounts.models import AuditEntry
from tests.factories import PASSWORD

STRANGER, OWNER = "203.0.113.9", "198.51.100.7"


def _sign_in(address, username, password):
    c = Client(REMOTE_ADDR=address)
    response = c.post("/accounts/login/", {"username": username, "password": password})
    return response, "_auth_user_id" in c.session


@override_settings(STOCKTAKE_LOCKOUT=(5, 900))
def test_a_stranger_cannot_lock_the_owner_out(user):
    for _ in range(7):
        _sign_in(STRANGER, "validator", "wrong")
    response, signed_in = _sign_in(STRANGER, "validator", PASSWORD)
    assert not signed_in and "locked" in response.content.decode()
    # the back office's sign-in from the stranger's address is refused too
    c = Client(REMOTE_ADDR=STRANGER)
    c.post("/admin/login/", {"username": "validator", "password": PASSWORD})
    assert "_auth_user_id" not in c.session
    # the owner, at their own address, signs in
    response, signed_in = _sign_in(OWNER, "validator", PASSWORD)
    assert signed_in and response.status_code == 302


@override_settings(STOCKTAKE_LOCKOUT=(5, 900))
def test_each_sign_in_lockout_is_audited_once(user):
    for _ in range(8):
        _sign_in(STRANGER, "Validator", "wrong")
    entries = AuditEntry.objects.filter(action="lockout", model="auth.user")
    assert entries.count() == 1
    entry = entries.get()
    assert entry.object_id == str(user("validator").pk) and entry.user is None and entry.interface == "web"
    assert entry.after["address"] == STRANGER and entry.after["failures"] == 5
    assert STRANGER in entry.reason


@override_settings(STOCKTAKE_LOGIN_FAIL_LIMIT=(4, 600))
def test_an_address_sign_in_limit_is_audited(db):
    for name in ["a", "b", "c", "d", "e"]:
        _sign_in(STRANGER, name, "guess")
    entry = AuditEntry.objects.get(action="lockout", object_repr=f"sign-ins from {STRANGER}")
    assert entry.after == {"address": STRANGER, "count": 4, "seconds": 600, "kind": "sign-in"}


@override_settings(STOCKTAKE_BAD_TOKEN_LIMIT=(3, 60))
def test_bad_tokens_are_throttled_but_a_valid_token_from_the_same_address_works(user):
    _, secret = actions.issue_token(user("health-data"), name="nightly import", interface="cli")
    bad = Client(REMOTE_ADDR=STRANGER, HTTP_AUTHORIZATION="Bearer stk_guess")
    codes = [bad.get("/api/accounts/me").status_code for _ in range(5)]
    assert codes == [401, 401, 401, 429, 429]
    good = Client(REMOTE_ADDR=STRANGER, HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = good.get("/api/accounts/me")
    assert response.status_code == 200 and response.json()["username"] == "health-data"
    assert bad.get("/api/accounts/me").status_code == 429  # the valid call did not reset the bad count
    entry = AuditEntry.objects.get(action="lockout", model="accounts.apitoken")
    assert entry.interface == "api" and entry.after["address"] == STRANGER and entry.after["count"] == 3


def test_lockouts_are_listed_and_filterable_in_the_audit_trail(sign_in, db):
    with override_settings(STOCKTAKE_LOCKOUT=(2, 900)):
        for _ in range(2):
            _sign_in(STRANGER, "observer", "wrong")
    page = sign_in("duhead").get("/accounts/audit/?action=lockout")
    assert page.status_code == 200 and STRANGER in page.content.decode()
