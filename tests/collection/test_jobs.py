"""Imports as background jobs: queued in the database, run by `stocktake worker`, honest when a worker dies.

The in-process tests check the page and the task against the demo; the process tests start real
`stocktake worker` processes on a database of their own, restart and kill them, and read the batch rows.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from stocktake.collection import actions, tasks
from stocktake.collection.models import ImportBatch
from stocktake.monitoring.models import DataValue

PASSWORD = "demo-stocktake-2026"
CSV = b"indicator,org_unit,period,value\nhomicides,R01-D01,2025-06,3\nhomicides,R01-D02,2025-06,4\n"


def _upload(client, data=CSV, name="homicides.csv"):
    return client.post("/collection/import/", {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def test_a_large_upload_is_queued_and_its_page_reads_the_batch_row(db, client, settings):
    settings.STOCKTAKE_IMPORT_INLINE_BYTES = 10  # every upload is "large"
    client.login(username="admin", password=PASSWORD)
    before = DataValue.objects.count()
    response = _upload(client)
    batch = ImportBatch.objects.latest("pk")
    assert response.status_code == 302 and response.url.endswith(f"/{batch.pk}/")
    assert batch.status == "queued" and batch.task_id and os.path.exists(batch.spool)
    page = client.get(f"/collection/imports/{batch.pk}/").content.decode()
    assert 'data-status="queued"' in page and "background worker" in page and 'hx-trigger="every 1s"' in page
    assert DataValue.objects.count() == before  # nothing is stored by the request itself

    assert tasks.run_queued_import.call(batch.pk) == "done"  # what the worker does with the task
    batch.refresh_from_db()
    assert (batch.status, batch.rows_accepted, batch.created + batch.changed + batch.unchanged) == ("done", 2, 2)
    assert batch.runner == actions.runner_id() and batch.started_at and not os.path.exists(batch.spool)
    assert 'data-status="done"' in client.get(f"/collection/imports/{batch.pk}/").content.decode()
    assert tasks.run_queued_import.call(batch.pk) == "not queued"  # a second worker cannot run it again


def test_a_batch_left_running_by_a_dead_process_is_marked_failed(db, client, admin_user):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    batch = ImportBatch.objects.create(
        user=admin_user,
        file_name="big.csv",
        format="csv",
        status="running",
        runner=f"{actions.runner_id().rpartition(':')[0]}:{dead.stdout.strip()}",
    )
    alive = ImportBatch.objects.create(
        user=admin_user, file_name="other.csv", format="csv", status="running", runner=actions.runner_id()
    )
    client.login(username="admin", password=PASSWORD)
    page = client.get(f"/collection/imports/{batch.pk}/").content.decode()
    batch.refresh_from_db()
    alive.refresh_from_db()
    assert batch.status == "failed" and "stopped before it finished" in batch.message
    assert 'data-status="failed"' in page and "Failed." in page and "hx-trigger" not in page
    assert alive.status == "running"  # this process is alive: its job is left alone


def test_a_batch_on_another_host_fails_only_when_its_heartbeat_is_stale(db, admin_user, settings):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    fresh = ImportBatch.objects.create(
        user=admin_user,
        file_name="a.csv",
        format="csv",
        status="running",
        runner="elsewhere:1",
        heartbeat_at=now - timedelta(seconds=60),
    )
    stale = ImportBatch.objects.create(
        user=admin_user,
        file_name="b.csv",
        format="csv",
        status="running",
        runner="elsewhere:2",
        heartbeat_at=now - timedelta(hours=1),
    )
    settings.STOCKTAKE_JOB_STALE_SECONDS = 15 * 60
    assert [b.pk for b in actions.fail_abandoned_imports(now)] == [stale.pk]
    fresh.refresh_from_db()
    assert fresh.status == "running"


# -- real processes -----------------------------------------------------------------------------------------


def _shell(env, code: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "stocktake", "shell", "--no-imports", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]  # the shell may first list what it imported


def _queue(env, path: str) -> int:
    return int(
        _shell(
            env,
            (
                "from django.contrib.auth import get_user_model\n"
                "from stocktake.collection import actions\n"
                f"f = open({path!r}, 'rb')\n"
                "b = actions.queue_import(f, file_name='upload.csv', fmt=None, mapping=None,"
                " user=get_user_model().objects.get(username='admin'))\n"
                "print(b.pk)"
            ),
        )
    )


def _batch(env, pk: int) -> dict:
    """The batch row as another process sees it, read straight from the database (no Django start-up)."""
    url = env["STOCKTAKE_DATABASE_URL"]
    sql = "SELECT status, rows_read, rows_accepted, message, runner FROM collection_importbatch WHERE id = %s"
    if url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(url[len("sqlite:///") :], timeout=30) as conn:
            row = conn.execute(sql.replace("%s", "?"), (pk,)).fetchone()
    else:
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
            row = conn.execute(sql, (pk,)).fetchone()
    return dict(zip(("status", "rows_read", "accepted", "message", "runner"), row))


def _big_csv(path, rows: int) -> None:
    """Many distinct cells: the demo's districts x disaggregations x one year."""
    from stocktake.architecture.models import OrgUnit

    units = list(OrgUnit.objects.filter(depth=3).values_list("code", flat=True))
    with open(path, "w") as f:
        f.write("indicator,org_unit,period,disaggregation,value\n")
        n = 0
        while n < rows:
            for u in units:
                f.write(f"homicides,{u},2025-06,group-{n // len(units)},{n % 7}\n")
                n += 1


@pytest.mark.django_db
def test_a_queued_upload_survives_until_a_worker_starts_and_finishes(own_database, tmp_path):
    env = own_database
    path = tmp_path / "small.csv"
    path.write_bytes(CSV)
    pk = _queue(env, str(path))
    assert _batch(env, pk)["status"] == "queued"  # no worker is running: the job waits in the database
    out = subprocess.run(
        [sys.executable, "-m", "stocktake", "worker", "--batch"], env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    assert _batch(env, pk) | {"runner": ""} == {
        "status": "done",
        "rows_read": 2,
        "accepted": 2,
        "message": "",
        "runner": "",
    }


# big enough that the worker is still storing it when the test looks (a set-based commit stores 150,000 rows
# before a second process has started)
ROWS_TO_KILL = 1_000_000


@pytest.mark.django_db
def test_a_worker_killed_mid_import_leaves_a_failed_batch_and_no_values(own_database, tmp_path):
    env = own_database
    path = tmp_path / "big.csv"
    _big_csv(path, ROWS_TO_KILL)
    count = "from stocktake.monitoring.models import DataValue; print(DataValue.objects.count())"
    before = int(_shell(env, count))
    pk = _queue(env, str(path))
    # The watcher starts (Django set-up and all) before the worker, and polls from the moment it is ready: the
    # rows are checked as columns first (no count), then staged in chunks, each chunk's count reported. A watcher
    # started after the worker could arrive when every chunk is staged already (seen in CI on PostgreSQL).
    # Progress is committed on the jobs connection, so the watcher sees it while the import's own transaction
    # is open (on SQLite only until the import takes the write lock: see docs/collection.md).
    watch = (
        "import time\nfrom stocktake.collection import progress\nfrom stocktake.collection.models import ImportBatch\n"
        f"def get(): return progress.read(ImportBatch.objects.get(pk={pk}))\n"
        "b = get(); print('ready', flush=True)\n"
        "while b.status == 'queued' or (b.status == 'running' and not b.rows_read):\n"
        "    time.sleep(0.01); b = get()\n"
        "print(b.status, b.rows_read, flush=True)"
    )
    watcher = subprocess.Popen(
        [sys.executable, "-m", "stocktake", "shell", "--no-imports", "-c", watch],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    for line in watcher.stdout:  # the shell may first list what it imported
        if line.strip() == "ready":
            break
    else:
        raise AssertionError("the watcher never started")
    worker = subprocess.Popen(
        [sys.executable, "-m", "stocktake", "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        status, rows = watcher.communicate(timeout=300)[0].split()[-2:]
        assert status == "running" and 0 < int(rows) < ROWS_TO_KILL, (status, rows)  # what the batch page shows
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        for process in (worker, watcher):
            if process.poll() is None:
                process.kill()
    assert _batch(env, pk)["status"] == "running"  # nobody has noticed yet
    out = subprocess.run(
        [sys.executable, "-m", "stocktake", "worker", "--batch"], env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0 and f"import #{pk}" in out.stderr, out.stderr
    state = _batch(env, pk)
    assert state["status"] == "failed" and "stopped before it finished" in state["message"]
    assert int(_shell(env, count)) == before  # all or nothing: the killed import stored nothing


# -- a kill during PostgreSQL's COMMIT ----------------------------------------------------------------------

ON_POSTGRES = os.environ.get("STOCKTAKE_DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
HOLD = 17017  # the advisory lock the test holds to stop a COMMIT half-way

# A deferred constraint trigger runs inside COMMIT, after every statement of the transaction: on the test file's
# values it waits there on the advisory lock the test holds, so the worker's import is caught in the middle of
# its COMMIT, whatever else the transaction wrote (the values, their rollups, the batch's record).
HOLD_COMMIT = f"""
CREATE OR REPLACE FUNCTION stocktake_test_hold_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_advisory_xact_lock({HOLD}); RETURN NULL; END $$;
CREATE CONSTRAINT TRIGGER stocktake_test_hold_commit AFTER INSERT ON monitoring_datavalue
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.disaggregation = 'commit-test')
EXECUTE FUNCTION stocktake_test_hold_commit();
"""
RELEASE_COMMIT = """
DROP TRIGGER IF EXISTS stocktake_test_hold_commit ON monitoring_datavalue;
DROP FUNCTION IF EXISTS stocktake_test_hold_commit();
"""


def _pg(env):
    import psycopg

    return psycopg.connect(env["STOCKTAKE_DATABASE_URL"].replace("postgres://", "postgresql://", 1), autocommit=True)


def _stored(env, period: str) -> int:
    """The values the test's file would store, read straight from the database."""
    with _pg(env) as conn:
        return conn.execute(
            "SELECT count(*) FROM monitoring_datavalue v JOIN monitoring_period p ON p.id = v.period_id "
            "WHERE p.code = %s AND v.disaggregation = 'commit-test'",
            (period,),
        ).fetchone()[0]


def _committing_backend(env, deadline: float) -> int:
    """The server process of the connection that is stuck in COMMIT on the test's lock."""
    with _pg(env) as conn:
        while True:
            row = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' "
                "AND wait_event_type = 'Lock' AND wait_event = 'advisory' AND query ILIKE 'COMMIT%%'"
            ).fetchone()
            if row:
                return row[0]
            assert time.monotonic() < deadline, "the worker's import never reached its COMMIT"
            time.sleep(0.05)


def _gone(env, pid: int, deadline: float) -> None:
    with _pg(env) as conn:
        while conn.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone():
            assert time.monotonic() < deadline, "the killed worker's server process never ended"
            time.sleep(0.05)


@pytest.mark.skipif(not ON_POSTGRES, reason="a COMMIT held half-way is PostgreSQL's (SQLite has no server side)")
@pytest.mark.parametrize(
    ("then", "period"), [("the server finishes the commit", "2025-08"), ("the server ends the commit", "2025-09")]
)
@pytest.mark.django_db
def test_a_worker_killed_during_commit_leaves_a_truthful_record(own_database, tmp_path, then, period):
    """kill -9 while the import's COMMIT is under way: the server may still finish it (it does not notice the
    client is gone) or end it. Either way the record must say what is stored: done with the counts of the values
    stored, or failed (after the next worker's start-up check) with nothing stored."""
    from stocktake.architecture.models import OrgUnit

    env = own_database
    units = list(OrgUnit.objects.filter(depth=3).order_by("code").values_list("code", flat=True)[:40])
    path = tmp_path / "commit.csv"
    path.write_text(
        "indicator,org_unit,period,disaggregation,value\n"
        + "".join(f"homicides,{u},{period},commit-test,{n % 9}\n" for n, u in enumerate(units))
    )
    assert _stored(env, period) == 0
    deadline = time.monotonic() + 180
    with _pg(env) as holder:
        holder.execute(HOLD_COMMIT)
        holder.execute("SELECT pg_advisory_lock(%s)", (HOLD,))
        worker = None
        try:
            pk = _queue(env, str(path))
            worker = subprocess.Popen(
                [sys.executable, "-m", "stocktake", "worker"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            backend = _committing_backend(env, deadline)
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)
            assert _batch(env, pk)["status"] == "running" and _stored(env, period) == 0  # the COMMIT is not done
            if then == "the server finishes the commit":
                holder.execute("SELECT pg_advisory_unlock(%s)", (HOLD,))
            else:
                holder.execute("SELECT pg_terminate_backend(%s)", (backend,))
            _gone(env, backend, deadline)
        finally:
            if worker is not None and worker.poll() is None:
                worker.kill()
            holder.execute("SELECT pg_advisory_unlock_all()")
            holder.execute(RELEASE_COMMIT)
    out = subprocess.run(
        [sys.executable, "-m", "stocktake", "worker", "--batch"], env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    state, stored = _batch(env, pk), _stored(env, period)
    assert state["accepted"] == stored  # the record's count is what is in the database
    if then == "the server finishes the commit":
        assert (state["status"], stored, state["rows_read"]) == ("done", len(units), len(units))
    else:
        assert state["status"] == "failed" and "stopped before it finished" in state["message"] and stored == 0
