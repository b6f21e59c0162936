"""The one write path for data values: every change is a new version, audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from stocktake import retry
from stocktake.accounts import audit
from stocktake.accounts.models import AuditEntry

from . import bulk, distribution, rollups, staging, valuesql, versionsql
from .models import Alert, AlertRule, DataValue, DataValueVersion

VALUE_FIELDS = ("value", "numerator", "denominator", "comment")


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
    touched: set | None = None,
    refresh_rollups: bool = True,
    progress=None,
) -> dict:
    """Store many already-validated values at once; the bulk twin of record_value.

    rows: dicts with indicator_id, org_unit_id, period_id, disaggregation, value,
    numerator, denominator, comment (and optionally state), or a Polars frame with
    staging.LOADED's columns (state optional), one row per cell (the importer's). New
    cells are created, changed cells get a new version, identical ones are left alone,
    so loading the same rows twice changes nothing. Every version goes to
    DataValueVersion; the batch gets one audit entry with its counts.
    Returns {"created": n, "changed": n, "unchanged": n}.

    The rows go through a staging table (staging, valuesql, versionsql): a handful of set-based
    statements per batch, so a national file's million cells cost what the database needs to
    store them, not a Python object each.

    deltas, if given, receives (indicator_id, org_unit_id, period_id,
    disaggregation, old (value, numerator, denominator) or None, new) for
    every created or changed cell; touched, if given, receives (indicator_id,
    period_id) of each. refresh_rollups=False leaves the Rollup refresh to a
    caller that refreshes once for everything it touched (the importer). progress, if given, is told
    how many of a frame's rows are staged so far.
    """
    who = user if getattr(user, "is_authenticated", False) else None
    who_id = who.pk if who else None
    source = source or interface
    if hasattr(rows, "write_csv"):  # a frame: one row per cell already (the importer refuses duplicates)
        import polars as pl

        staged = rows if "state" in rows.columns else rows.with_columns(pl.lit(str(state)).alias("state"))
        size = staged.height
    else:  # dicts: a cell given twice is written once, as last given
        by_key = {}
        for r in rows:
            k = (r["indicator_id"], r["org_unit_id"], r["period_id"], r.get("disaggregation") or "")
            by_key[k] = (*k, r.get("value"), r.get("numerator"), r.get("denominator"), r.get("comment") or "")
            by_key[k] += (str(r.get("state", state)),)
        staged, size = list(by_key.values()), len(by_key)
    if not size:
        return {"created": 0, "changed": 0, "unchanged": 0}
    stamp = bulk.prepare(DataValue, "updated_at", timezone.now())
    written = {"source": source, "stamp": stamp, "who_id": who_id}
    with connection.cursor() as cur:
        staging.create(cur)
        staging.load(cur, staged, progress)
        if valuesql.any_stored(cur):  # else every staged cell is new (marks left empty)
            valuesql.lock(cur)
            valuesql.mark(cur)
        if deltas is not None:
            deltas.extend(valuesql.deltas(cur))
        versionsql.insert_changed(cur, **written)
        changed = valuesql.update_changed(cur, **written)
        if connection.vendor == "postgresql":
            created = versionsql.insert_new_with_cells(cur, **written)
        else:
            after = valuesql.last_id(cur)
            sql, params = valuesql.insert_new(cur, **written)
            cur.execute(sql, params)
            created = cur.rowcount
            versionsql.insert_first(cur, after)
        pairs = valuesql.touched(cur) if created or changed else set()
        if created >= distribution.ANALYZE_NEW_ROWS and connection.vendor == "postgresql":
            distribution.analyze_touched(cur, DataValue._meta.db_table, {p for _, p in pairs})
        staging.drop(cur)
    if touched is not None:
        touched.update(pairs)
    counts = {"created": created, "changed": changed, "unchanged": size - created - changed}
    if pairs and refresh_rollups:
        rollups.refresh({i for i, _ in pairs}, {p for _, p in pairs})
    if created or changed:
        AuditEntry.objects.create(
            user=who,
            interface=interface,
            action="change",
            model="monitoring.datavalue",
            object_id="batch",
            object_repr=f"{created} created, {changed} changed from {source}",
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
        raise ValidationError({"depth": _("level and periods must be whole numbers")}) from None
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
        reason=gettext_noop("alerts emailed"),
    )
