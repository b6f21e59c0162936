"""Fixtures for the accounts tests: demo users by name, and a clean rate-limit cache.

Signing in is the shared `sign_in` fixture (tests/conftest.py); roles and the demo password are in tests/factories.py.
"""

from __future__ import annotations

import pytest


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
