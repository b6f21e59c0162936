"""Writing the audit trail. Called by every action function, inside its transaction."""

from __future__ import annotations

import datetime
import decimal

from django.db import models
from django.db.models.fields.files import FieldFile

from .models import AuditEntry


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
