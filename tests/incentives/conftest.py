"""Fixtures for the outcomes fund tests: demo users and a way to change a value's state with history kept."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from stocktake.accounts import audit
from stocktake.monitoring.models import DataValue, DataValueVersion


@pytest.fixture
def users(db):
    return lambda name: get_user_model().objects.get(username=name)


@pytest.fixture
def set_state():
    """Move values to a state as a new version (what the collection app's validation will do)."""

    def move(values, state):
        for dv in values:
            before = audit.snapshot(dv)
            dv.state = state
            dv.version += 1
            dv.save()
            DataValueVersion.objects.create(
                data_value=dv,
                version=dv.version,
                value=dv.value,
                numerator=dv.numerator,
                denominator=dv.denominator,
                state=state,
                comment=dv.comment,
                source="test",
            )
            audit.record(
                user=None,
                interface="system",
                action="change",
                obj=dv,
                before=before,
                after=audit.snapshot(dv),
                reason=f"state {state}",
            )

    return move


@pytest.fixture
def fund(db):
    from stocktake.incentives.models import Fund

    return Fund.objects.get(code="meridia-outcomes-fund")


__all__ = ["DataValue"]
