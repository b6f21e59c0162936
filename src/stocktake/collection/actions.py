"""The one write path for collection: verification decisions, mappings and units created by imports.

Pages, the API, the CLI and the importer all call these, and each writes its
audit record in the same transaction as the change.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from stocktake.accounts import audit, permissions
from stocktake.accounts.models import AuditEntry
from stocktake.architecture import actions as architecture_actions
from stocktake.architecture.models import OrgUnit
from stocktake.monitoring import alerts as monitoring_alerts
from stocktake.monitoring import rollups as monitoring_rollups
from stocktake.monitoring.models import DataValue

from . import verification as V
from .models import ColumnMapping, Dhis2Mapping, Reminder, Review


class ReviewError(ValueError):
    """A decision that does not fit the value's state, with the reason."""


def _decide(values, *, state: str, user, reason: str = "", interface: str = "web") -> int:
    if not permissions.can_validate(user):
        raise PermissionDenied("only the delivery unit's validators validate, return or publish data")
    if state == V.S.RETURNED and not reason.strip():
        raise ReviewError("a returned value needs a reason the data lead can act on")
    values = list(values)
    wrong = [dv for dv in values if dv.state not in V.ALLOWED[state]]
    if wrong:
        dv = wrong[0]
        raise ReviewError(f"{dv.indicator.code} {dv.org_unit.code} {dv.period.code} is {dv.state}; "
                          f"only {' or '.join(sorted(V.ALLOWED[state]))} values can be {state}")
    who = user if getattr(user, "is_authenticated", False) else None
    reviews = []
    for dv in values:
        reviews.append(Review(data_value=dv, version=dv.version, state=state, previous_state=dv.state,
                              reason=reason.strip(), by=who))
    ids = [dv.pk for dv in values]
    DataValue.objects.filter(pk__in=ids).update(state=state)
    Review.objects.bulk_create(reviews)
    # Official status and alerts follow validated/published values (monitoring's rollups split them).
    changed_indicators = {dv.indicator_id for dv in values}
    monitoring_rollups.refresh(changed_indicators, {dv.period_id for dv in values})
    if state in monitoring_rollups.OFFICIAL_STATES and changed_indicators:
        transaction.on_commit(lambda: monitoring_alerts.evaluate(changed_indicators))
    if len(values) == 1:
        dv = values[0]
        before = audit.snapshot(dv)
        dv.state = state
        audit.record(user=user, interface=interface, action="change", obj=dv, before=before,
                     after=audit.snapshot(dv), reason=reason)
    elif values:
        AuditEntry.objects.create(user=who, interface=interface, action="change", model="monitoring.datavalue",
                                  object_id="batch", object_repr=f"{len(values)} values {state}",
                                  after={"state": state, "ids": ids[:1000], "count": len(ids)}, reason=reason)
    return len(values)


@transaction.atomic
def validate(values, *, user, interface: str = "web") -> int:
    """Mark submitted values validated: from now on they count for official status."""
    return _decide(values, state=V.S.VALIDATED, user=user, interface=interface)


@transaction.atomic
def return_values(values, *, user, reason: str, interface: str = "web") -> int:
    """Send values back to the data lead with the reason; they must resubmit a new version."""
    return _decide(values, state=V.S.RETURNED, user=user, reason=reason, interface=interface)


@transaction.atomic
def publish(values, *, user, interface: str = "web") -> int:
    """Publish validated values: the public may now see them."""
    return _decide(values, state=V.S.PUBLISHED, user=user, interface=interface)


@transaction.atomic
def save_column_mapping(*, name: str, config: dict, description: str = "", user, interface: str = "web") -> ColumnMapping:
    if not permissions.can_manage(user) and permissions.role(user) != "data_lead":
        raise PermissionDenied("only the delivery unit and data leads save column mappings")
    if not isinstance(config, dict):
        raise ValidationError({"config": "a column mapping is a JSON object"})
    mapping = ColumnMapping.objects.filter(name=name).first() or ColumnMapping(name=name)
    mapping.config, mapping.description = config, description
    return audit.save_audited(mapping, user=user, interface=interface)


@transaction.atomic
def save_dhis2_mapping(*, kind: str, dhis2_id: str, code: str, field: str = "value", name: str = "", user,
                       interface: str = "web") -> Dhis2Mapping:
    if not permissions.can_manage(user):
        raise PermissionDenied("only the delivery unit maps DHIS2 ids")
    mapping = Dhis2Mapping.objects.filter(kind=kind, dhis2_id=dhis2_id).first() or Dhis2Mapping(kind=kind, dhis2_id=dhis2_id)
    mapping.code, mapping.field, mapping.name = code, field, name
    return audit.save_audited(mapping, user=user, interface=interface)


def create_org_unit(*, code: str, name: str, parent: OrgUnit | None, user, interface: str = "import") -> OrgUnit:
    """An org unit a mapped import met for the first time, created because the importer asked for it."""
    return architecture_actions.create_org_unit(code=code[:60], name=(name or code)[:200], parent=parent, user=user,
                                                interface=interface, reason="created by an import on request")


@transaction.atomic
def record_reminder(*, indicator, period, kind: str, email: str, interface: str = "system") -> Reminder | None:
    """Note that a reminder of this kind goes to this address for this period; None if it already went.

    The caller sends the email inside the same transaction, so a failed send leaves no record.
    """
    period = architecture_actions.ensure_period(period)
    reminder, new = Reminder.objects.get_or_create(indicator=indicator, period=period, kind=kind, email=email)
    if not new:
        return None
    audit.record(user=None, interface=interface, action="create", obj=reminder, after=audit.snapshot(reminder))
    return reminder
