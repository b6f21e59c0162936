"""The one write path for collection: verification decisions, mappings and units created by imports.

Pages, the API, the CLI and the importer all call these, and each writes its
audit record in the same transaction as the change.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from stocktake import retry
from stocktake.accounts import audit, permissions
from stocktake.accounts.models import AuditEntry
from stocktake.architecture import actions as architecture_actions
from stocktake.architecture.models import OrgUnit
from stocktake.delivery.sourcemaps import check_mapping
from stocktake.monitoring import alerts as monitoring_alerts
from stocktake.monitoring import rollups as monitoring_rollups
from stocktake.monitoring.models import DataValue, DataValueVersion
from stocktake.runners import runner_alive, runner_id

from . import selection
from . import verification as V
from .models import ColumnMapping, Dhis2Mapping, ImportBatch, Reminder, Review
from .templatetags.collection_labels import state_label


class ReviewError(ValueError):
    """A decision that does not fit the value's state, with the reason."""


class VersionMoved(ReviewError):
    """Some values changed after the validator looked at them: nothing was decided, they must look again.

    `moved` lists (value, version seen) for each, so pages and the API can name them.
    """

    def __init__(self, moved):
        self.moved = moved
        names = "; ".join(
            f"{_name(dv)}: "
            + _("you saw version %(seen)s, it is now version %(now)s") % {"seen": seen, "now": dv.version}
            for dv, seen in moved[:20]
        )
        more = _(" and %(n)s more") % {"n": len(moved) - 20} if len(moved) > 20 else ""
        super().__init__(
            _("Nothing was decided: %(n)s value(s) changed since you looked (%(names)s%(more)s). Look at them again.")
            % {"n": len(moved), "names": names, "more": more}
        )


class ValuesMissing(ReviewError):
    """Decided values that do not exist."""


class OwnValues(ReviewError):
    """Separation of duties: the decider wrote the current version of these values, so may not validate or
    publish them (STOCKTAKE_ALLOW_SELF_VERIFY relaxes this for a one-person unit). `values` lists them."""

    def __init__(self, values, state: str):
        self.values = values
        names = "; ".join(_name(dv) for dv in values[:20])
        more = _(" and %(n)s more") % {"n": len(values) - 20} if len(values) > 20 else ""
        super().__init__(
            _(
                "Nothing was decided: you submitted the current version of %(n)s value(s) (%(names)s%(more)s), "
                "and whoever submitted a value may not %(decision)s it. Ask another validator."
            )
            % {"n": len(values), "names": names, "more": more, "decision": _verb(state)}
        )


class SelectionMoved(ReviewError):
    """Values matching a filter changed between the count the decider confirmed and the decision: nothing was
    decided; count again."""

    def __init__(self, counted: int, now: int):
        self.counted, self.now = counted, now
        super().__init__(
            _(
                "Nothing was decided: you confirmed %(counted)s value(s), but the values matching the filter have "
                "changed since (now %(now)s, some new or at a newer version). Count again and look at them."
            )
            % {"counted": counted, "now": now}
        )


def _verb(state: str) -> str:
    return {"validated": _("validate"), "published": _("publish"), "returned": _("return")}.get(state, state)


def _name(dv) -> str:
    return f"{dv.indicator.code} {dv.org_unit.code} {dv.period.code}" + (
        f" {dv.disaggregation}" if dv.disaggregation else ""
    )


def own_value_ids(ids, user) -> set[int]:
    """Of these value ids, those whose current version this user wrote (the separation-of-duties check)."""
    if not getattr(user, "pk", None) or not ids:
        return set()
    return set(
        DataValueVersion.objects.filter(data_value_id__in=list(ids), version=F("data_value__version"), by=user)
        .values_list("data_value_id", flat=True)
        .distinct()
    )


def as_seen(values) -> dict[int, int]:
    """{value id: version} of values as the caller holds them: for internal callers (the demo) that decide
    on values they have just read themselves; pages and the API pass what the validator saw."""
    return {dv.pk: dv.version for dv in values}


def _locked(seen: dict[int, int]) -> list[DataValue]:
    """The decided values, locked until the decision commits, in id order (every writer locks cells in id
    order, so two never wait on each other in a circle)."""
    ids = sorted(seen)
    rows = list(
        DataValue.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("indicator", "org_unit", "period")
        .order_by("pk")
    )
    if len(rows) != len(ids):
        found = {dv.pk for dv in rows}
        missing = [str(i) for i in ids if i not in found]
        raise ValuesMissing(_("no value with id %(ids)s") % {"ids": ", ".join(missing[:20])})
    return rows


def _decide(seen, *, state: str, user, reason: str = "", interface: str = "web", note: dict | None = None) -> int:
    """Decide on exactly the versions the validator saw: `seen` is {value id: version}. The values are
    locked first; if any has a newer version than the one seen, nothing is decided (VersionMoved).

    Whoever wrote a value's current version may not validate or publish it (OwnValues), unless
    STOCKTAKE_ALLOW_SELF_VERIFY is on; then the audit entry lists those values under "self_verified".
    `note` is added to the audit entry (a bulk decision's filter)."""
    if not permissions.can_validate(user):
        raise PermissionDenied(_("only the delivery unit's validators validate, return or publish data"))
    if state == V.S.RETURNED and not reason.strip():
        raise ReviewError(_("a returned value needs a reason the data lead can act on"))
    try:
        seen = {int(pk): int(version) for pk, version in dict(seen).items()}
    except (TypeError, ValueError):
        raise ReviewError(_("each decided value needs its id and the version you saw")) from None
    values = _locked(seen)
    moved = [(dv, seen[dv.pk]) for dv in values if dv.version != seen[dv.pk]]
    if moved:
        raise VersionMoved(moved)
    wrong = [dv for dv in values if dv.state not in V.ALLOWED[state]]
    if wrong:
        dv = wrong[0]
        raise ReviewError(
            _("%(value)s is %(state)s; only %(allowed)s values can be %(decided)s")
            % {
                "value": f"{dv.indicator.code} {dv.org_unit.code} {dv.period.code}",
                "state": state_label(dv.state),
                "allowed": _(" or ").join(state_label(s) for s in sorted(V.ALLOWED[state])),
                "decided": state_label(state),
            }
        )
    deciding_own = state in (V.S.VALIDATED, V.S.PUBLISHED)
    mine = own_value_ids([dv.pk for dv in values], user) if deciding_own else set()
    own = [dv for dv in values if dv.pk in mine]
    if own and not settings.STOCKTAKE_ALLOW_SELF_VERIFY:
        raise OwnValues(own, state)
    extra = dict(note or {})
    if own:  # relaxed for a one-person unit: the audit says whose own values were decided
        extra["self_verified"] = [dv.pk for dv in own[:1000]]
        extra["self_verified_count"] = len(own)
    who = user if getattr(user, "is_authenticated", False) else None
    reviews = []
    for dv in values:
        reviews.append(
            Review(
                data_value=dv,
                indicator_id=dv.indicator_id,
                period_id=dv.period_id,
                version=dv.version,
                state=state,
                previous_state=dv.state,
                reason=reason.strip(),
                by=who,
            )
        )
    ids = [dv.pk for dv in values]
    DataValue.objects.filter(pk__in=ids).update(state=state)
    if state == V.S.PUBLISHED:  # the version published stays the public's figure while a newer one is checked
        DataValueVersion.objects.filter(data_value_id__in=ids, version=F("data_value__version")).update(state=state)
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
        audit.record(
            user=user,
            interface=interface,
            action="change",
            obj=dv,
            before=before,
            after={**audit.snapshot(dv), **extra},
            reason=reason,
        )
    elif values:
        AuditEntry.objects.create(
            user=who,
            interface=interface,
            action="change",
            model="monitoring.datavalue",
            object_id="batch",
            object_repr=f"{len(values)} values {state}",
            after={
                "state": state,
                "ids": ids[:1000],
                "count": len(ids),
                "versions": [dv.version for dv in values[:1000]],
                **extra,
            },
            reason=reason,
        )
    return len(values)


@retry.on_conflict
@transaction.atomic
def validate(seen, *, user, interface: str = "web") -> int:
    """Mark the values validated at the versions seen ({id: version}): from now on they count for official status."""
    return _decide(seen, state=V.S.VALIDATED, user=user, interface=interface)


@retry.on_conflict
@transaction.atomic
def return_values(seen, *, user, reason: str, interface: str = "web") -> int:
    """Send values back to the data lead with the reason; they must resubmit a new version."""
    return _decide(seen, state=V.S.RETURNED, user=user, reason=reason, interface=interface)


@retry.on_conflict
@transaction.atomic
def publish(seen, *, user, interface: str = "web") -> int:
    """Publish validated values at the versions seen: the public may now see them."""
    return _decide(seen, state=V.S.PUBLISHED, user=user, interface=interface)


@retry.on_conflict
@transaction.atomic
def decide_matching(token: str, *, user, reason: str = "", interface: str = "web") -> int:
    """Decide everything a counted filter matched (selection.seal), in one audited action.

    The values matching the filter now must be exactly those counted, at the versions counted; if one
    arrived or changed since, nothing is decided (SelectionMoved) and the decider counts again.
    """
    if not permissions.can_validate(user):
        raise PermissionDenied(_("only the delivery unit's validators validate, return or publish data"))
    try:
        value_filter, decision, counted, sealed = selection.unseal(token, user)
        seen = selection.seen_now(selection.for_decision(value_filter, decision))
    except selection.FilterError as exc:
        raise ReviewError(str(exc)) from exc
    if selection.digest(seen) != sealed:
        raise SelectionMoved(counted, len(seen))
    if not seen:
        return 0
    state = selection.DECISIONS[decision][0]
    note = {"filter": value_filter.as_dict(), "decision": decision}
    return _decide(seen, state=state, user=user, reason=reason, interface=interface, note=note)


@transaction.atomic
def save_column_mapping(
    *, name: str, config: dict, description: str = "", user, interface: str = "web"
) -> ColumnMapping:
    if not permissions.can_manage(user) and permissions.role(user) != "data_lead":
        raise PermissionDenied(_("only the delivery unit and data leads save column mappings"))
    problems = check_mapping(config)
    if problems:
        raise ValidationError({"config": problems})
    mapping = ColumnMapping.objects.filter(name=name).first() or ColumnMapping(name=name)
    mapping.config, mapping.description = config, description
    return audit.save_audited(mapping, user=user, interface=interface)


@transaction.atomic
def save_dhis2_mapping(
    *, kind: str, dhis2_id: str, code: str, field: str = "value", name: str = "", user, interface: str = "web"
) -> Dhis2Mapping:
    if not permissions.can_manage(user):
        raise PermissionDenied(_("only the delivery unit maps DHIS2 ids"))
    mapping = Dhis2Mapping.objects.filter(kind=kind, dhis2_id=dhis2_id).first() or Dhis2Mapping(
        kind=kind, dhis2_id=dhis2_id
    )
    mapping.code, mapping.field, mapping.name = code, field, name
    return audit.save_audited(mapping, user=user, interface=interface)


def create_org_unit(*, code: str, name: str, parent: OrgUnit | None, user, interface: str = "import") -> OrgUnit:
    """An org unit a mapped import met for the first time, created because the importer asked for it."""
    return architecture_actions.create_org_unit(
        code=code[:60],
        name=(name or code)[:200],
        parent=parent,
        user=user,
        interface=interface,
        reason=gettext_noop("created by an import on request"),
    )


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

    # -- import jobs -------------------------------------------------------------------------------------------
    # An upload too large to import inside its request is queued: its batch row (state, progress, heartbeat,
    # runner) and its task row are written together, the file waits in DATA_DIR/imports, and `stocktake worker`
    # runs it. Its live progress and heartbeat are collection/progress.py's: they must be seen while the import's
    # own transaction is still open.

    return True


def queue_import(
    upload,
    *,
    file_name: str,
    fmt: str | None,
    mapping: ColumnMapping | None,
    user,
    interface: str = "web",
    dry_run: bool = False,
    strict: bool = False,
) -> ImportBatch:
    """Spool the upload and queue its import for the worker; the batch and its task are stored together."""
    from . import tasks

    spool_dir = settings.DATA_DIR / "imports"
    spool_dir.mkdir(parents=True, exist_ok=True)
    path = spool_dir / f"{uuid.uuid4().hex}.upload"
    with open(path, "wb") as out:
        for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(1 << 20), b""):
            out.write(chunk)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            user=user if getattr(user, "is_authenticated", False) else None,
            interface=interface,
            file_name=file_name[:255],
            format=fmt or "",
            mapping=mapping,
            dry_run=dry_run,
            strict=strict,
            status=ImportBatch.Status.QUEUED,
            spool=str(path),
            language=translation.get_language() or "",
        )
        result = tasks.run_queued_import.enqueue(batch.pk)
        batch.task_id = str(result.id)
        batch.save(update_fields=["task_id"])
        audit.record(
            user=user,
            interface=interface,
            action="create",
            obj=batch,
            after={"status": batch.status, "file_name": batch.file_name, "task": batch.task_id},
        )
    return batch


def start_import(batch: ImportBatch) -> bool:
    """Claim a queued batch for this process; False if another runner has it or it already ended."""
    now = timezone.now()
    claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.QUEUED).update(
        status=ImportBatch.Status.RUNNING, runner=runner_id(), started_at=now, heartbeat_at=now
    )
    if claimed:
        batch.refresh_from_db()
    return bool(claimed)


def fail_import(batch: ImportBatch, reason: str) -> ImportBatch:
    """Mark a job that did not finish as failed, with its reason; nothing it was importing was stored."""
    with transaction.atomic():
        before = {"status": batch.status}
        ImportBatch.objects.filter(
            pk=batch.pk, status__in=[ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING]
        ).update(status=ImportBatch.Status.FAILED, message=reason[:2000], finished_at=timezone.now())
        batch.refresh_from_db()
        audit.record(
            user=None,
            interface="worker",
            action="change",
            obj=batch,
            before=before,
            after={"status": batch.status, "message": batch.message},
        )
    if batch.spool:
        Path(batch.spool).unlink(missing_ok=True)
    return batch


def fail_abandoned_imports(now=None) -> list[ImportBatch]:
    """Running batches whose runner died (same host: its process is gone; elsewhere: no heartbeat for
    STOCKTAKE_JOB_STALE_SECONDS) are marked failed, so no page polls a dead import for ever."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.STOCKTAKE_JOB_STALE_SECONDS)
    failed = []
    for batch in ImportBatch.objects.filter(status=ImportBatch.Status.RUNNING).exclude(runner=""):
        alive = runner_alive(batch.runner)
        if alive is False or (alive is None and (batch.heartbeat_at or batch.created_at) < stale):
            why = _(
                "the worker running this import (%(runner)s) stopped before it finished; nothing was stored. "
                "Upload the file again."
            ) % {"runner": batch.runner}
            failed.append(fail_import(batch, str(why)))
    return failed
