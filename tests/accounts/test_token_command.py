"""`stocktake token USER`: the first API token from the command line, audited, usable at once."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from stocktake.accounts.models import ApiToken, AuditEntry


def _token(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_the_command_prints_a_working_secret_once_and_audits_it(client, db):
    secret, said = _token("manager", "--name", "setup script", "--days", "7")
    token = ApiToken.objects.get(user__username="manager", name="setup script")
    assert secret.startswith(token.prefix) and secret not in said and "not shown again" in said
    assert (token.expires_at - token.created_at).days in (6, 7)
    assert AuditEntry.objects.filter(model="accounts.apitoken", object_id=str(token.pk), interface="cli").exists()
    me = client.get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert me.status_code == 200 and me.json()["username"] == "manager"


def test_unknown_users_and_bad_days_are_refused_naming_the_field(db):
    with pytest.raises(CommandError, match="user: there is no user named 'nobody'"):
        _token("nobody")
    with pytest.raises(CommandError, match="days"):
        _token("manager", "--days", "1000")
    assert not ApiToken.objects.filter(user__username="manager").exists()
