"""Fixtures for the monitoring tests (signing in is the shared `sign_in` fixture in tests/conftest.py)."""

import pytest


@pytest.fixture(autouse=True)
def fresh_grid_cache():
    """Each test's database is rolled back, and rollup versions with it; cached grids must not outlive that."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
