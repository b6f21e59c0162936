import pytest
from django.contrib.auth import get_user_model


@pytest.fixture
def login(client, db):
    def as_(username):
        client.force_login(get_user_model().objects.get(username=username))
        return client
    return as_
