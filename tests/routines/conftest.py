"""Fixtures for the routines tests (signing in is the shared `sign_in` fixture in tests/conftest.py)."""

import pytest

from tests.collection.conftest import own_database  # noqa: F401  (a demo database of its own, for real processes)


@pytest.fixture
def person(db):
    from stocktake.accounts.models import Person

    return lambda username: Person.objects.get(user__username=username)
