import pytest
from django.test import Client

from stocktake.architecture.models import Indicator
from stocktake.monitoring.models import OrgUnit


@pytest.fixture
def login(db):
    def _login(username):
        c = Client()
        assert c.login(username=username, password="demo-stocktake-2026")
        return c

    return _login


@pytest.fixture
def homicides(db):
    return Indicator.objects.get(code="homicides")


@pytest.fixture
def units(db):
    return lambda *codes: [OrgUnit.objects.get(code=c) for c in codes]


@pytest.fixture
def demo_evaluation(db):
    from stocktake.demo.evaluations import NAME
    from stocktake.evaluations.models import Evaluation

    return Evaluation.objects.get(name=NAME)


# A small hand-made design on the demo's homicides: two Northern districts treated, four Eastern compared.
WINDOWS = dict(pre_start="2024-01", pre_end="2024-06", post_start="2024-07", post_end="2025-06")
TREATED = [("R01-D01", "2024-07"), ("R01-D02", "2024-07")]
COMPARISON = ["R02-D01", "R02-D02", "R02-D03", "R02-D04"]
