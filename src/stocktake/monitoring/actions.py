"""The one write path for data values: every change is a new version, audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from stocktake import retry
from stocktake.accounts import audit
from stocktake.accounts.models import AuditEntry

from . import bulk, rollups
from .models import Alert, AlertRule, DataValue, DataValueVersion

VALUE_FIELDS = ("value", "numerator", "denominator", "comment")
# a new cell's row as record_values builds it: the cell's key, its numbers, then what is said of it
NEW_COLUMNS = [
    "indicator",
    "org_unit",
    "period",
    "disaggregation",
    "value",
    "numerator",
    "denominator",
    "comment",
    "state",
    "source",
]


def _version_row(dv: DataValue, user) -> DataValueVersion:
    return DataValueVersion(
        data_value=dv,
        version=dv.version,
        value=dv.value,
        numerator=dv.numerator,
        denominator=dv.denominator,
        state=dv.state,
        comment=dv.comment,
        source=dv.source,
        by=user if getattr(user, "is_authenticated", False) else None,
    )


# the value's indicator and period travel with every version: the table's distribution and partition key
VERSION_COLUMNS = [
    "data_value",
    "indicator",
    "period",
    "version",
    "value",
    "numerator",
    "denominator",
    "state",
    "comment",
    "source",
    "at",
    "by",
]


def _first_versions(indicator_ids, period_ids, unit_ids, stamp) -> None:
    """Version 1 of every cell record_values has just created, copied inside the database.

    The new cells are those of these indicators x periods (x units) at version 1, stamped with
    this batch's timestamp and without a version yet: a cell someone else created at the same
    moment would have collided with ours on the one-value-per-cell constraint.
    """
    q = connection.ops.quote_name
    dv, ver = DataValue._meta, DataValueVersion._meta
    col = lambda name: q(dv.get_field(name).column)  # noqa: E731
    source = [
        col(n)
        for n in (
            "id",
            "indicator",
            "period",
            "version",
            "value",
            "numerator",
            "denominator",
            "state",
            "comment",
            "source",
            "updated_at",
            "updated_by",
        )
    ]
    where, params = [f"{col('updated_at')} = %s", f"{col('version')} = 1"], [stamp]
    for name, ids in (("indicator", indicator_ids), ("period", period_ids), ("org_unit", unit_ids)):
        if ids is not None:
            ids = sorted(ids)
            where.append(f"{col(name)} IN ({', '.join(['%s'] * len(ids))})")
            params += ids
    # and never twice: a cell that already has a version is not new (two batches in one microsecond)
    where.append(
        f"NOT EXISTS (SELECT 1 FROM {q(ver.db_table)} x WHERE x.{q(ver.get_field('data_value').column)} = "
        f"{q(dv.db_table)}.{col('id')})"
    )
    sql = (
        f"INSERT INTO {q(ver.db_table)} ({', '.join(q(c) for c in bulk.columns(DataValueVersion, VERSION_COLUMNS))}) "
        f"SELECT {', '.join(source)} FROM {q(dv.db_table)} WHERE {' AND '.join(where)}"
    )
    with connection.cursor() as cur:
        cur.execute(sql, params)


@retry.on_conflict
@transaction.atomic
def record_value(
    *,
    indicator,
    org_unit,
    period,
    value=None,
    numerator=None,
    denominator=None,
    disaggregation="",
    comment="",
    state=DataValue.State.SUBMITTED,
    user=None,
    interface="web",
    source="",
) -> tuple[DataValue, bool]:
    """Store one value. Returns (value, changed); the same number twice changes nothing."""
    existing = (
        DataValue.objects.select_for_update()
        .filter(indicator=indicator, org_unit=org_unit, period=period, disaggregation=disaggregation)
        .first()
    )
    who = user if getattr(user, "is_authenticated", False) else None
    if existing is None:
        dv = DataValue(
            indicator=indicator,
            org_unit=org_unit,
            period=period,
            disaggregation=disaggregation,
            value=value,
            numerator=numerator,
            denominator=denominator,
            comment=comment,
            state=state,
            source=source or interface,
            updated_by=who,
        )
        dv.full_clean()
        dv.save()
        _version_row(dv, user).save()
        audit.record(user=user, interface=interface, action="create", obj=dv, after=audit.snapshot(dv))
        rollups.refresh([indicator.pk], [period.pk])
        return dv, True
    before = audit.snapshot(existing)
    if (existing.value, existing.numerator, existing.denominator, existing.comment) == (
        value,
        numerator,
        denominator,
        comment,
    ):
        return existing, False
    existing.value, existing.numerator, existing.denominator, existing.comment = value, numerator, denominator, comment
    existing.state = state
    existing.version += 1
    existing.source = source or interface
    existing.updated_by = who
    existing.full_clean()
    existing.save()
    _version_row(existing, user).save()
    audit.record(
        user=user, interface=interface, action="change", obj=existing, before=before, after=audit.snapshot(existing)
    )
    rollups.refresh([indicator.pk], [period.pk])
    return existing, True


@retry.on_conflict
@transaction.atomic
def record_values(
    rows,
    *,
    user=None,
    interface="import",
    source="",
    state=DataValue.State.SUBMITTED,
    deltas: list | None = None,
    refresh_rollups: bool = True,
) -> dict:
    """Store many already-validated values at once; the bulk twin of record_value.

    rows: dicts with indicator_id, org_unit_id, period_id, disaggregation, value,
    numerator, denominator, comment (and optionally state). New cells are
    created, changed cells get a new version, identical ones are left alone,
    so loading the same rows twice changes nothing. Every version goes to
    DataValueVersion; the batch gets one audit entry with its counts.
    Returns {"created": n, "changed": n, "unchanged": n}.

    deltas, if given, receives (indicator_id, org_unit_id, period_id,
    disaggregation, old (value, numerator, denominator) or None, new) for
    every created or changed cell, so rollups can be refreshed incrementally.
    refresh_rollups=False leaves the Rollup refresh to a caller that writes
    in chunks (the importer) and refreshes once for everything it touched.
    """
    rows = list(rows)
    who = user if getattr(user, "is_authenticated", False) else None
    key = lambda r: (r["indicator_id"], r["org_unit_id"], r["period_id"], r.get("disaggregation", ""))  # noqa: E731
    existing = {}
    indicator_ids = {r["indicator_id"] for r in rows}
    period_ids = {r["period_id"] for r in rows}
    unit_ids = {r["org_unit_id"] for r in rows}
    if rows:
        # The cells are locked (in id order, as every writer locks them) until this transaction ends, so a
        # second writer of the same cell waits and then numbers its version after ours, never the same.
        lookup = DataValue.objects.select_for_update().filter(indicator_id__in=indicator_ids, period_id__in=period_ids)
        if len(unit_ids) <= 2000:  # a chunk of a national file: read only its units' cells
            lookup = lookup.filter(org_unit_id__in=unit_ids)
        for dv in lookup.order_by("pk"):
            existing[(dv.indicator_id, dv.org_unit_id, dv.period_id, dv.disaggregation)] = dv
    new, changed, unchanged = {}, [], 0  # new: cell key -> row tuple in NEW_COLUMNS order
    now = timezone.now()
    for r in rows:
        fields = (r.get("value"), r.get("numerator"), r.get("denominator"))
        comment = r.get("comment") or ""
        k = key(r)
        dv = existing.get(k)
        if dv is None:
            new[k] = (*k, *fields, comment, r.get("state", state), source or interface)
        elif (dv.value, dv.numerator, dv.denominator, dv.comment) == (*fields, comment):
            unchanged += 1
        else:
            if deltas is not None:
                deltas.append((*k, (dv.value, dv.numerator, dv.denominator), fields))
            dv.value, dv.numerator, dv.denominator = fields
            dv.comment = comment
            dv.version += 1
            dv.state = r.get("state", state)
            dv.source = source or interface
            dv.updated_by = who
            dv.updated_at = now
            changed.append(dv)
    if deltas is not None:
        deltas.extend((*k, None, t[4:7]) for k, t in new.items())
    stamp = bulk.prepare(DataValue, "updated_at", now)
    who_id = who.pk if who else None
    bulk.insert(
        DataValue, [*NEW_COLUMNS, "version", "updated_at", "updated_by"], [(*t, 1, stamp, who_id) for t in new.values()]
    )
    DataValue.objects.bulk_update(
        changed,
        ["value", "numerator", "denominator", "comment", "version", "state", "source", "updated_by", "updated_at"],
        batch_size=2000,
    )
    # every created or changed cell gets its version row
    bulk.insert(
        DataValueVersion,
        VERSION_COLUMNS,
        [
            (
                dv.pk,
                dv.indicator_id,
                dv.period_id,
                dv.version,
                dv.value,
                dv.numerator,
                dv.denominator,
                dv.state,
                dv.comment,
                dv.source,
                stamp,
                who_id,
            )
            for dv in changed
        ],
    )
    if new:
        _first_versions(indicator_ids, period_ids, unit_ids if len(unit_ids) <= 2000 else None, stamp)
    counts = {"created": len(new), "changed": len(changed), "unchanged": unchanged}
    if (new or changed) and refresh_rollups:
        rollups.refresh(
            {k[0] for k in new} | {dv.indicator_id for dv in changed},
            {k[2] for k in new} | {dv.period_id for dv in changed},
        )
    if new or changed:
        AuditEntry.objects.create(
            user=who,
            interface=interface,
            action="change",
            model="monitoring.datavalue",
            object_id="batch",
            object_repr=f"{len(new)} created, {len(changed)} changed from {source or interface}",
            after=counts,
        )
    return counts


@transaction.atomic
def create_alert_rule(
    *, indicator, kind, depth=3, worst="off_track", periods=2, active=True, user=None, interface="web"
) -> AlertRule:
    """Add a rule; ValidationError names the field that is wrong and nothing is saved."""

    try:
        depth, periods = int(depth), int(periods)
    except (TypeError, ValueError):
        raise ValidationError({"depth": "level and periods must be whole numbers"}) from None
    rule = AlertRule(indicator=indicator, kind=kind, depth=depth, worst=worst, periods=periods, active=active)
    return audit.save_audited(rule, user=user, interface=interface)


@transaction.atomic
def set_alert_rule_active(rule, active: bool, *, user=None, interface="web"):
    rule.active = bool(active)
    return audit.save_audited(rule, user=user, interface=interface)


@transaction.atomic
def raise_alert(*, rule: AlertRule, org_unit_id: int, period_id: int, message: str) -> Alert | None:
    """Raise one finding of a rule, once per rule, unit and period; None if it was raised before."""
    alert, created = Alert.objects.get_or_create(
        rule=rule, org_unit_id=org_unit_id, period_id=period_id, defaults={"message": message[:400]}
    )
    if not created:
        return None
    audit.record(user=None, interface="system", action="create", obj=alert, after=audit.snapshot(alert))
    return alert


@transaction.atomic
def note_alerts_emailed(alerts: list[Alert], recipients: list[str]) -> None:
    """Record who the alerts were sent to (after the email went out)."""
    to = "\n".join(recipients)
    Alert.objects.filter(pk__in=[a.pk for a in alerts]).update(emailed_to=to)
    for a in alerts:
        a.emailed_to = to
    audit.record(
        user=None,
        interface="system",
        action="change",
        obj=alerts[0],
        after={"emailed_to": recipients, "alerts": [a.pk for a in alerts]},
        reason="alerts emailed",
    )
