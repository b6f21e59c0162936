"""Publishing to the public site: only the delivery unit, every change audited in the same transaction."""

import pytest
from django.core.exceptions import PermissionDenied

from stocktake.accounts.models import AuditEntry
from stocktake.architecture.models import Priority
from stocktake.public import actions
from stocktake.public.models import PublicCommitment
from tests import factories


def test_the_delivery_unit_publishes_a_commitment_and_the_change_is_audited(db):
    priority = Priority.objects.get(code="ae-waits")
    row = actions.publish(priority, user=factories.user("duhead"), published=True, show_strategy=True, summary=" A ")
    assert (row.published, row.show_strategy, row.show_target, row.summary) == (True, True, True, "A")
    assert row.published_at is not None
    entry = AuditEntry.objects.filter(model="public.publiccommitment", object_id=str(priority.pk)).get()
    assert entry.action == "create" and entry.after["published"] is True
    actions.publish(priority, user=factories.user("duhead"), show_target=False)
    change = AuditEntry.objects.filter(model="public.publiccommitment", action="change").get()
    assert change.before["show_target"] is True and change.after["show_target"] is False


@pytest.mark.parametrize("who", ["validator", "health-data", "observer"])
def test_no_one_else_publishes(db, who):
    priority = Priority.objects.get(code="ae-waits")
    with pytest.raises(PermissionDenied):
        actions.publish(priority, user=factories.user(who), published=True)
    assert not PublicCommitment.objects.exists()
    assert not AuditEntry.objects.filter(model="public.publiccommitment").exists()


def test_an_unknown_field_is_refused_and_nothing_is_written(db):
    priority = Priority.objects.get(code="ae-waits")
    with pytest.raises(TypeError, match="colour"):
        actions.publish(priority, user=factories.user("duhead"), colour=True)
    assert not PublicCommitment.objects.exists()
