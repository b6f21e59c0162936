import pytest
from django.test import Client


@pytest.fixture
def login(db):
    def _login(username):
        c = Client()
        c.login(username=username, password="demo-stocktake-2026")
        return c
    return _login


@pytest.fixture
def person(db):
    from stocktake.accounts.models import Person

    return lambda username: Person.objects.get(user__username=username)
