"""The API's general rate limit: per signed-in user, or per client address for the public."""

from __future__ import annotations

from stocktake.accounts.models import ApiToken
from stocktake.architecture.models import Indicator


def test_each_caller_gets_its_own_allowance_then_429_with_retry_after(settings, sign_in, client):
    settings.STOCKTAKE_API_RATE = (3, 60)
    observer, validator = sign_in("observer"), sign_in("validator")
    assert [observer.get("/api/monitoring/portfolio").status_code for _ in range(3)] == [200, 200, 200]
    refused = observer.get("/api/monitoring/portfolio")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    # another person, and the public from its address, still have theirs
    assert validator.get("/api/monitoring/portfolio").status_code == 200
    assert client.get("/api/monitoring/portfolio").status_code == 200


def test_a_refused_write_changes_nothing(settings, sign_in):
    settings.STOCKTAKE_API_RATE = (1, 60)
    c = sign_in("observer")
    assert c.get("/api/accounts/me").status_code == 200
    before = ApiToken.objects.count(), Indicator.objects.count()
    r = c.post("/api/accounts/tokens", {"name": "one too many", "days": 5}, content_type="application/json")
    assert r.status_code == 429
    assert (ApiToken.objects.count(), Indicator.objects.count()) == before


def test_tokens_count_against_their_owner(settings, sign_in):
    settings.STOCKTAKE_API_RATE = (2, 60)
    owner = sign_in("health-data")
    secret = owner.post("/api/accounts/tokens", {"name": "script", "days": 5}, content_type="application/json").json()[
        "token"
    ]
    from django.test import Client

    script = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert script.get("/api/accounts/me").status_code == 200
    assert script.get("/api/accounts/me").status_code == 429  # the session's call above counted too
