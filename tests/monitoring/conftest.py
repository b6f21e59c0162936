import pytest
from django.contrib.auth import get_user_model


@pytest.fixture
def login(client, db):
    def as_(username):
        client.force_login(get_user_model().objects.get(username=username))
        return client
    return as_


@pytest.fixture(autouse=True)
def fresh_grid_cache():
    """Each test's database is rolled back, and rollup versions with it; cached grids must not outlive that."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
