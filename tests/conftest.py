"""Shared fixtures.

The database tests run on whatever STOCKTAKE_DATABASE_URL names: SQLite by
default, or the throwaway PostgreSQL server that scripts/test.sh starts.
The demo delivery unit is built once per session into the test database,
so tests read a realistic government without paying for it each time.
"""

from __future__ import annotations

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM
# calls in the same tests are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from stocktake.demo import build

    with django_db_blocker.unblock():
        build.build(seed=2026)


@pytest.fixture
def admin_user(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="admin")


@pytest.fixture
def sign_in(db):
    """A new test client signed in as a demo user or role: sign_in("manager"); sign_in(None) is the public.

    The one sign-in fixture for every app's tests (tests/factories.py, sign_in).
    """
    from tests import factories

    return factories.sign_in


@pytest.fixture(autouse=True)
def _jobs_in_the_test_transaction(settings):
    """Job progress goes through its own connection in a real process (tests/collection/test_jobs.py starts
    real workers for that); inside a test it stays in the test's transaction on the default connection."""
    settings.STOCKTAKE_JOBS_DATABASE = "default"


@pytest.fixture(autouse=True)
def _no_api_rate_limit(settings):
    """The API's rate limit is off in tests (the fuzzers send far more than a person would);
    tests/accounts/test_api_rate.py turns it on to check it."""
    settings.STOCKTAKE_API_RATE = None


@pytest.fixture(autouse=True)
def _english_until_asked():
    """Each test starts in the default language: a request made in Spanish leaves Spanish active in the thread
    (LocaleMiddleware activates it and nothing resets it), which would translate the next test's messages."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test's database is rolled back, and the rollup versions that key cached grids and portfolio
    summaries with it: a cached figure must not outlive the test that wrote it."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
