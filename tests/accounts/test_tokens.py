"""Personal API tokens: shown once, hashed at rest, revocable, expiring; and the API's session auth with CSRF."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from django.test import Client, override_settings
from django.utils import timezone

from stocktake.accounts.models import ApiToken, AuditEntry


def _bearer(secret):
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_token_page_shows_the_secret_once_and_stores_only_its_hash(sign_in, user):
    c = sign_in("health-data")
    response = c.post("/accounts/tokens/", {"name": "monthly upload", "days": 30})
    assert response.status_code == 201
    secret = re.search(r'id="new-token">(stk_[^<]+)<', response.content.decode()).group(1)
    token = ApiToken.objects.get(user=user("health-data"), name="monthly upload")
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(list(ApiToken.objects.values()))
    assert secret not in c.get("/accounts/tokens/").content.decode()  # never again
    assert AuditEntry.objects.filter(model="accounts.apitoken", object_id=str(token.pk), action="create").exists()
    me = _bearer(secret).get("/api/accounts/me").json()
    assert me["username"] == "health-data" and me["role"] == "data_lead" and not me["can_read_all"]


def test_token_form_names_bad_fields(sign_in):
    c = sign_in("observer")
    response = c.post("/accounts/tokens/", {"name": "", "days": 9999})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required" in html and "less than or equal to" in html
    assert not ApiToken.objects.filter(user__username="observer").exists()


def test_revoke_own_token_and_not_anyone_elses(sign_in):
    owner, other = sign_in("education-data"), sign_in("interior-data")
    secret = owner.post("/api/accounts/tokens", {"name": "script", "days": 5}, content_type="application/json").json()[
        "token"
    ]
    token = ApiToken.objects.get(prefix=secret[:12])
    assert other.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert other.delete(f"/api/accounts/tokens/{token.pk}").status_code == 404
    assert _bearer(secret).get("/api/accounts/me").status_code == 200
    assert owner.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    assert _bearer(secret).get("/api/accounts/me").status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_api_token_lifecycle(sign_in):
    c = sign_in("validator")
    created = c.post("/api/accounts/tokens", {"name": "validation bot", "days": 7}, content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert body["token"].startswith("stk_") and body["active"]
    assert (timezone.now() + timedelta(days=7) - ApiToken.objects.get(pk=body["id"]).expires_at) < timedelta(minutes=1)
    listed = _bearer(body["token"]).get("/api/accounts/tokens").json()
    assert [t["name"] for t in listed] == ["validation bot"] and "token" not in listed[0]
    revoked = _bearer(body["token"]).delete(f"/api/accounts/tokens/{body['id']}")
    assert revoked.status_code == 200 and revoked.json()["active"] is False
    assert _bearer(body["token"]).get("/api/accounts/tokens").status_code == 401


def test_expired_token_and_inactive_user_are_refused(sign_in, user):
    c = sign_in("manager")
    secret = c.post("/api/accounts/tokens", {"name": "x", "days": 1}, content_type="application/json").json()["token"]
    ApiToken.objects.filter(prefix=secret[:12]).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _bearer(secret).get("/api/accounts/me").status_code == 401
    ApiToken.objects.filter(prefix=secret[:12]).update(expires_at=timezone.now() + timedelta(days=1))
    assert _bearer(secret).get("/api/accounts/me").status_code == 200
    u = user("manager")
    u.is_active = False
    u.save()
    assert _bearer(secret).get("/api/accounts/me").status_code == 401


def test_anonymous_api_calls_need_auth_but_health_does_not(db):
    c = Client()
    assert c.get("/api/health").status_code == 200
    assert c.get("/api/accounts/me").status_code == 401
    assert c.post("/api/accounts/tokens", {"name": "x"}, content_type="application/json").status_code == 401
    assert _bearer("stk_not-a-real-token").get("/api/accounts/me").status_code == 401


@override_settings(STOCKTAKE_BAD_TOKEN_LIMIT=(3, 60))
def test_guessing_tokens_is_rate_limited(db):
    for _ in range(3):
        assert _bearer("stk_guess").get("/api/accounts/me").status_code == 401
    assert _bearer("stk_guess").get("/api/accounts/me").status_code == 429


@override_settings(STOCKTAKE_TOKEN_LIMIT=(2, 60))
def test_token_creation_is_rate_limited(sign_in):
    c = sign_in("observer")
    codes = [
        c.post("/api/accounts/tokens", {"name": f"t{i}"}, content_type="application/json").status_code for i in range(3)
    ]
    assert codes == [201, 201, 429]
    assert ApiToken.objects.filter(user__username="observer").count() == 2


def test_session_writes_through_the_api_need_the_csrf_token(user):
    c = Client(enforce_csrf_checks=True)
    c.force_login(user("observer"))
    refused = c.post("/api/accounts/tokens", {"name": "x"}, content_type="application/json")
    assert refused.status_code == 403 and not ApiToken.objects.filter(user__username="observer").exists()
    c.get("/accounts/tokens/")  # the page sets the CSRF cookie
    ok = c.post(
        "/api/accounts/tokens",
        {"name": "x"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=c.cookies["csrftoken"].value,
    )
    assert ok.status_code == 201
    # a token is not a cookie: no CSRF needed, none possible
    token_client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {ok.json()['token']}")
    assert token_client.post("/api/accounts/tokens", {"name": "y"}, content_type="application/json").status_code == 201
