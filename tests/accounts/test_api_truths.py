"""Small promises of the API docs that must hold: anonymous writes get 401, and token lifetimes agree."""

from __future__ import annotations

import pytest
from django.test import Client

from stocktake.accounts import tokens
from stocktake.accounts.forms import TokenForm
from stocktake.accounts.models import ApiToken


@pytest.mark.parametrize(
    "path,body",
    [
        ("/api/accounts/tokens", {"name": "x"}),
        ("/api/plans/homicides/strategies", {"name": "x"}),
    ],
)
def test_anonymous_write_is_401_even_with_csrf_checks_on(db, path, body):
    """A real client (CSRF enforced, as in a browser or a script) with no credentials: 401, as documented."""
    c = Client(enforce_csrf_checks=True)
    response = c.post(path, body, content_type="application/json")
    assert response.status_code == 401, response.content


def test_signed_in_write_without_csrf_token_is_still_refused(user):
    c = Client(enforce_csrf_checks=True)
    c.force_login(user("observer"))
    assert c.post("/api/accounts/tokens", {"name": "x"}, content_type="application/json").status_code == 403
    assert not ApiToken.objects.filter(user__username="observer").exists()


def test_form_and_api_schema_agree_on_the_longest_token(client, db):
    schema = client.get("/api/openapi.json").json()
    days = schema["components"]["schemas"]["TokenIn"]["properties"]["days"]
    form_days = TokenForm().fields["days"]
    assert days["maximum"] == form_days.max_value == tokens.MAX_DAYS
    assert days["default"] == form_days.initial == tokens.DEFAULT_DAYS


def test_api_refuses_a_token_longer_than_the_maximum(sign_in):
    c = sign_in("observer")
    response = c.post(
        "/api/accounts/tokens", {"name": "long", "days": tokens.MAX_DAYS + 1}, content_type="application/json"
    )
    assert response.status_code == 422
    assert not ApiToken.objects.filter(user__username="observer").exists()
    ok = c.post("/api/accounts/tokens", {"name": "longest", "days": tokens.MAX_DAYS}, content_type="application/json")
    assert ok.status_code == 201
