"""Fixtures for the accounts tests: demo users by role, and a clean rate-limit cache."""

from __future__ import annotations

import pytest

PASSWORD = "demo-stocktake-2026"
# demo user name for each role; None is the public
ROLES = {
    "public": None,
    "head_of_government": "pm",
    "delivery_unit_head": "duhead",
    "priority_manager": "manager",
    "information_validator": "validator",
    "data_lead_health": "health-data",
    "data_lead_education": "education-data",
    "accountable_leader": "leader",
    "observer": "observer",
}


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Rate limits and lockouts live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user(db):
    from django.contrib.auth import get_user_model

    return lambda username: get_user_model().objects.get(username=username)


@pytest.fixture
def client_as(db, client):
    """A test client signed in as the given demo user (None: the public)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    def make(username, **kwargs):
        c = Client(**kwargs)
        if username:
            c.force_login(get_user_model().objects.get(username=username))
        return c

    return make
