"""Two threads on one database, run as its own process by tests/collection/test_concurrency.py.

    python -m tests.collection.race          (STOCKTAKE_DATABASE_URL names a demo database)

A data lead's thread writes new versions of a few cells while a validator's thread reads them and
validates what it read. It prints one JSON line: what happened and every breach of the rule that no
value is ever official at a version nobody reviewed.
"""

from __future__ import annotations

import json
import os
import threading


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stocktake.settings")
    import django

    django.setup()


def breaches(value_ids) -> list[str]:
    """Reviews that made a version official after a newer version was already written, and official
    values whose current version has no official review."""
    from stocktake.collection.models import Review
    from stocktake.monitoring.models import DataValue, DataValueVersion

    found = []
    written = {}
    for data_value, version, at in DataValueVersion.objects.filter(data_value__in=value_ids).values_list(
        "data_value", "version", "at"
    ):
        written[(data_value, version)] = at
    for r in Review.objects.filter(data_value__in=value_ids, state__in=["validated", "published"]):
        newer = written.get((r.data_value_id, r.version + 1))
        if newer is not None and newer <= r.at:
            found.append(
                f"value {r.data_value_id}: {r.state} at version {r.version} after version {r.version + 1} was written"
            )
    for dv in DataValue.objects.filter(pk__in=value_ids, state__in=["validated", "published"]):
        if not Review.objects.filter(data_value=dv, version=dv.version, state=dv.state).exists():
            found.append(f"value {dv.pk} is {dv.state} at version {dv.version} with no such review")
    return found


def main() -> None:
    setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from stocktake.collection import actions
    from stocktake.monitoring import actions as monitoring_actions
    from stocktake.monitoring.models import DataValue

    User = get_user_model()
    lead, validator = User.objects.get(username="admin"), User.objects.get(username="validator")
    cells = list(
        DataValue.objects.filter(indicator__code="homicides", disaggregation="")
        .select_related("indicator", "org_unit", "period")
        .order_by("pk")[:4]
    )
    ids = [dv.pk for dv in cells]
    out = {"refused_stale": 0, "decided": 0, "moved": 0, "writes": 0, "errors": []}

    # 1. In turn: the validator reads, the data lead writes a new version, the validator decides on what it read.
    read, written = threading.Event(), threading.Event()
    target = cells[0]

    def lead_writes():
        read.wait(30)
        dv = DataValue.objects.get(pk=target.pk)
        monitoring_actions.record_value(
            indicator=target.indicator,
            org_unit=target.org_unit,
            period=target.period,
            value=(dv.value or 0) + 1,
            user=lead,
            interface="api",
        )
        connection.close()
        written.set()

    t = threading.Thread(target=lead_writes)
    t.start()
    seen = actions.as_seen(DataValue.objects.filter(pk=target.pk))
    read.set()
    written.wait(30)
    try:
        actions.validate(seen, user=validator, interface="api")
    except actions.VersionMoved as exc:
        out["refused_stale"] += 1
        out["message"] = str(exc)
    t.join()

    # 2. At once: the lead keeps writing while the validator keeps validating what it last read.
    stop = threading.Event()

    def lead_loop():
        try:
            for n in range(40):
                dv = cells[n % len(cells)]
                monitoring_actions.record_value(
                    indicator=dv.indicator,
                    org_unit=dv.org_unit,
                    period=dv.period,
                    value=1000 + n,
                    user=lead,
                    interface="api",
                )
                out["writes"] += 1
        except Exception as exc:  # noqa: BLE001 - reported, not hidden
            out["errors"].append(f"writer: {exc.__class__.__name__}: {exc}")
        finally:
            stop.set()
            connection.close()

    def validator_loop():
        try:
            while not stop.is_set():
                seen = {
                    pk: v
                    for pk, v in DataValue.objects.filter(pk__in=ids, state="submitted").values_list("pk", "version")
                }
                if not seen:
                    continue
                try:
                    out["decided"] += actions.validate(seen, user=validator, interface="api")
                except actions.VersionMoved:
                    out["moved"] += 1
                except actions.ReviewError:
                    pass  # someone's state changed under the read (validated already): read again
        except Exception as exc:  # noqa: BLE001
            out["errors"].append(f"validator: {exc.__class__.__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=lead_loop), threading.Thread(target=validator_loop)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(300)
    out["breaches"] = breaches(ids)
    print(json.dumps(out))


def version_gaps(value_ids=None) -> list[str]:
    """Cells whose version history is not exactly 1..N with N their current version."""
    from django.db.models import Count, Max, Min

    from stocktake.monitoring.models import DataValue

    qs = DataValue.objects.all() if value_ids is None else DataValue.objects.filter(pk__in=value_ids)
    bad = []
    for dv in qs.annotate(n=Count("versions"), lo=Min("versions__version"), hi=Max("versions__version")):
        if (dv.n, dv.lo, dv.hi) != (dv.version, 1, dv.version):
            bad.append(f"value {dv.pk}: version {dv.version}, history {dv.n} rows {dv.lo}..{dv.hi}")
    return bad


def imports(n_threads: int = 6) -> None:
    """Data leads importing at once for one indicator and period: each file has cells of its own and
    cells every file shares. All must be stored, every shared cell with versions 1..N."""
    setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from stocktake.architecture.models import OrgUnit
    from stocktake.collection.importer import run_import
    from stocktake.monitoring.models import DataValue, Rollup

    admin = get_user_model().objects.get(username="admin")
    units = list(OrgUnit.objects.filter(depth=3).order_by("code").values_list("code", flat=True))
    shared, own = units[:3], units[3:]
    out = {"batches": [], "errors": []}
    start = threading.Barrier(n_threads)

    def one(i: int):
        rows = [{"indicator": "homicides", "org_unit": u, "period": "2019-03", "value": 10 + i} for u in shared]
        rows += [{"indicator": "homicides", "org_unit": u, "period": "2019-03", "value": i} for u in own[i::n_threads]]
        body = json.dumps({"rows": rows}).encode()
        try:
            start.wait(30)
            b = run_import(body, file_name=f"lead-{i}.json", fmt="json-rows", user=admin, interface="api")
            out["batches"].append((b.status, b.created + b.changed, b.message))
        except Exception as exc:  # noqa: BLE001 - reported, not hidden
            out["errors"].append(f"{exc.__class__.__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n_threads)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(300)
    cells = DataValue.objects.filter(indicator__code="homicides", period__code="2019-03")
    out["shared_versions"] = sorted(cells.filter(org_unit__code__in=shared).values_list("version", flat=True))
    out["cells"] = cells.count()
    out["gaps"] = version_gaps(list(cells.values_list("pk", flat=True)))
    top = Rollup.objects.filter(indicator__code="homicides", period__code="2019-03", depth=1).first()
    out["national_count"] = top.count if top else None
    print(json.dumps(out))


if __name__ == "__main__":
    import sys

    imports() if sys.argv[1:] == ["imports"] else main()
