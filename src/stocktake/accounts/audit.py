"""Writing the audit trail. Called by every action function, inside its transaction."""

from __future__ import annotations

import copy
import datetime
import decimal

from django.db import models
from django.db.models.fields.files import FieldFile

from .models import AuditEntry
from .reasons import reason as reason  # the reasons the system writes: see reasons.py
from .reasons import template as template


def _plain(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):  # an uploaded file: its stored name
        return value.name or ""
    return value


def snapshot(obj: models.Model) -> dict:
    """The record's concrete fields as JSON-safe values (foreign keys as ids)."""
    out = {}
    for field in obj._meta.concrete_fields:
        out[field.attname] = _plain(getattr(obj, field.attname))
    return out


def changed(before: dict | None, after: dict | None) -> dict:
    """Only the fields that differ, as {field: [before, after]}."""
    before, after = before or {}, after or {}
    return {k: [before.get(k), after.get(k)] for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)}


def record(
    *,
    user,
    interface: str,
    action: str,
    obj: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
) -> AuditEntry:
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return AuditEntry.objects.create(
        user=user,
        interface=interface,
        action=action,
        model=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        before=before,
        after=after,
        reason=reason,
    )


def save_audited(obj: models.Model, *, user, interface: str, reason: str = "", clean: bool = True) -> models.Model:
    """Create or change a plain record and audit it: the one write path for simple records.

    clean=False only where a form has already validated the record (the back office).
    """
    is_new = obj._state.adding
    before = None if is_new else snapshot(type(obj)._base_manager.get(pk=obj.pk))
    if clean:
        obj.full_clean()
    obj.save()
    record(
        user=user,
        interface=interface,
        action="create" if is_new else "change",
        obj=obj,
        before=before,
        after=snapshot(obj),
        reason=reason,
    )
    return obj


def delete_audited(obj: models.Model, *, user, interface: str, reason: str = "") -> None:
    before = snapshot(obj)
    record(user=user, interface=interface, action="delete", obj=obj, before=before, reason=reason)
    obj.delete()


def as_of(instances, moment: datetime.datetime | None) -> list:
    """Each record as it stood at the moment, from the audit trail: unsaved copies with the fields of its last
    snapshot by then (a frozen pack shows a problem's level and status, a milestone's status, as they were).

    A record whose first entry after the moment is its creation did not exist then, and one deleted by then
    is gone: both are left out. A record changed only after the moment stood as that first change's `before`.
    A record with no entry at all (written before audits, or loaded without one) is as it is now: its
    history was not kept. Live (moment None): the records themselves."""
    instances = list(instances)
    if moment is None or not instances:
        return instances
    model = instances[0]._meta.label_lower
    entries: dict[str, list] = {}
    for oid, at, action, before, after in (
        AuditEntry.objects.filter(model=model, object_id__in=[str(o.pk) for o in instances])
        .order_by("at", "id")
        .values_list("object_id", "at", "action", "before", "after")
    ):
        entries.setdefault(oid, []).append((at, action, before, after))
    out = []
    for obj in instances:
        found = entries.get(str(obj.pk))
        if not found:
            out.append(obj)
            continue
        by_then = [e for e in found if e[0] <= moment]
        if by_then:
            _at, action, _before, state = by_then[-1]
        else:
            _at, action, state, _after = found[0]
            action = "delete" if action == "create" else action  # created after the moment: not there then
        if action == "delete" or not state:
            continue
        out.append(_with_fields(obj, state))
    return out


def _with_fields(obj: models.Model, state: dict) -> models.Model:
    then = copy.copy(obj)
    then._state = copy.copy(obj._state)
    then._state.fields_cache = dict(obj._state.fields_cache)
    for field in obj._meta.concrete_fields:
        if field.attname in state:
            value = field.to_python(state[field.attname])
            if value != getattr(obj, field.attname):
                then._state.fields_cache.pop(field.name, None)  # a related record that changed since
            setattr(then, field.attname, value)
    return then
