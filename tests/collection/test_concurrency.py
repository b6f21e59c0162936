"""Many hands at once: decisions on what was seen, writers that wait their turn, honest answers when the
database is busy or down, and an honest /api/health.

The in-process tests use the demo in the test database; the tests with threads or several processes run
tests/collection/race.py, or `stocktake`, in processes of their own on a demo database of their own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from stocktake.collection import actions
from stocktake.collection.models import Review
from stocktake.monitoring import actions as monitoring_actions
from stocktake.monitoring.models import DataValue

POSTGRES = os.environ.get("STOCKTAKE_DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


@pytest.fixture
def submitted(db):
    return list(
        DataValue.objects.filter(indicator__code="homicides", period__code="2026-10", state="submitted")
        .select_related("indicator", "org_unit", "period")
        .order_by("org_unit__code")[:3]
    )


def _new_version(dv, users, value=None):
    monitoring_actions.record_value(
        indicator=dv.indicator,
        org_unit=dv.org_unit,
        period=dv.period,
        value=(dv.value or 0) + 1 if value is None else value,
        user=users["admin"],
    )


# -- decisions on what was seen -------------------------------------------------------------------------------


def test_a_decision_on_a_version_that_moved_decides_nothing_and_names_it(submitted, users):
    seen = actions.as_seen(submitted)
    _new_version(submitted[1], users)
    with pytest.raises(actions.VersionMoved) as refused:
        actions.validate(seen, user=users["validator"])
    moved = refused.value.moved
    assert [(dv.pk, was, dv.version) for dv, was in moved] == [(submitted[1].pk, 1, 2)]
    assert f"homicides {submitted[1].org_unit.code} 2026-10" in str(refused.value)
    assert "you saw version 1, it is now version 2" in str(refused.value)
    assert DataValue.objects.filter(pk__in=seen, state="submitted").count() == 3  # nothing decided
    assert not Review.objects.filter(data_value__in=seen, state="validated").exists()
    fresh = actions.as_seen(DataValue.objects.filter(pk__in=seen))
    assert actions.validate(fresh, user=users["validator"]) == 3
    assert (
        dict(Review.objects.filter(data_value__in=seen, state="validated").values_list("data_value", "version"))
        == fresh
    )


def test_the_page_refuses_a_stale_decision_with_409_and_lists_the_values(client, users, submitted):
    client.force_login(users["validator"])
    seen = " ".join(f"{v.pk}:{v.version}" for v in submitted)
    _new_version(submitted[0], users)
    form = {"indicator": "homicides", "period": "2026-10", "state": "submitted", "seen": seen, "decision": "validate"}
    r = client.post("/collection/decide/", form, HTTP_HX_REQUEST="true")
    text = r.content.decode()
    assert r.status_code == 409 and 'role="alert"' in text and "Nothing was decided" in text
    assert f"homicides {submitted[0].org_unit.code} 2026-10" in text
    r = client.post("/collection/decide/", form)  # without htmx: a whole page that says the same
    assert r.status_code == 409 and "<h1>Nothing decided</h1>" in r.content.decode()
    assert DataValue.objects.filter(pk__in=[v.pk for v in submitted], state="submitted").count() == 3
    r = client.post("/collection/decide/", {**form, "seen": ""}, HTTP_HX_REQUEST="true")
    assert r.status_code == 400 and "reload the page" in r.content.decode()
    r = client.post("/collection/decide/", {**form, "seen": "12:x"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 400 and "damaged at" in r.content.decode()
    # the queue page's form carries what it shows; a group value that joined since is not decided
    html = client.get("/collection/queue/").content.decode()
    assert f"{submitted[0].pk}:2" in html


def test_the_api_refuses_a_stale_decision_with_409_naming_each_value(client, users, submitted):
    client.force_login(users["validator"])
    body = {"values": [{"id": v.pk, "version": v.version} for v in submitted]}
    _new_version(submitted[2], users)
    r = client.post("/api/collection/decisions/validate", json.dumps(body), content_type="application/json")
    assert r.status_code == 409
    data = r.json()
    assert data["moved"] == [
        {
            "id": submitted[2].pk,
            "indicator": "homicides",
            "org_unit": submitted[2].org_unit.code,
            "period": "2026-10",
            "disaggregation": "",
            "seen_version": 1,
            "version": 2,
        }
    ]
    assert "changed since you looked" in data["detail"]
    assert DataValue.objects.filter(pk__in=[v.pk for v in submitted], state="submitted").count() == 3
    body["values"][2]["version"] = 2
    r = client.post("/api/collection/decisions/validate", json.dumps(body), content_type="application/json")
    assert r.status_code == 200 and r.json()["decided"] == 3
    assert Review.objects.get(data_value=submitted[2], state="validated").version == 2
    r = client.post(
        "/api/collection/decisions/publish",
        json.dumps({"values": [{"id": 2**31 - 1, "version": 1}]}),
        content_type="application/json",
    )
    assert r.status_code == 404 and "no value with id" in r.json()["detail"]


def _run(env, *args, timeout=600):
    out = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_two_threads_never_make_a_value_official_at_a_version_nobody_reviewed(own_database):
    out = _run(own_database, "-m", "tests.collection.race")
    assert out["refused_stale"] == 1 and "changed since you looked" in out["message"]
    assert out["errors"] == [] and out["writes"] == 40
    assert out["breaches"] == []
    assert out["decided"] + out["moved"] > 0  # the validator really raced the writer


# -- writers that wait their turn -----------------------------------------------------------------------------


def test_concurrent_imports_for_one_indicator_and_period_are_all_stored_with_whole_histories(own_database):
    out = _run(own_database, "-m", "tests.collection.race", "imports")
    assert out["errors"] == []
    assert [status for status, _n, _m in out["batches"]] == ["done"] * 6
    assert out["gaps"] == []
    # the three cells every file shares: version 1 from the first writer, then one more per writer
    assert out["shared_versions"] == [6, 6, 6]
    assert out["national_count"] == out["cells"]  # the rollup saw every writer's cells


def test_record_values_numbers_versions_after_the_current_one(db, submitted, users):
    dv = submitted[0]
    rows = [
        {
            "indicator_id": dv.indicator_id,
            "org_unit_id": dv.org_unit_id,
            "period_id": dv.period_id,
            "disaggregation": "",
            "value": 77.0,
            "numerator": None,
            "denominator": None,
            "comment": "",
        }
    ]
    assert monitoring_actions.record_values(rows, user=users["admin"])["changed"] == 1
    dv.refresh_from_db()
    assert dv.version == 2 and list(dv.versions.values_list("version", flat=True)) == [1, 2]


@pytest.mark.skipif(POSTGRES, reason="SQLite's one writer and its busy timeout")
def test_a_write_that_waits_past_the_busy_timeout_gets_503_with_retry_after(own_database):
    import sqlite3

    env = {**own_database, "STOCKTAKE_SQLITE_BUSY_SECONDS": "0.3"}
    db = env["STOCKTAKE_DATABASE_URL"][len("sqlite:///") :]
    holder = sqlite3.connect(db, timeout=30, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock for longer than the timeout
    try:
        code = (
            "from django.test import Client\n"
            'c = Client(HTTP_HOST="localhost")\n'
            "r = c.post('/accounts/login/', {'username': 'admin', 'password': 'demo-stocktake-2026'})\n"
            "print(r.status_code, r['Retry-After'], 'busy with other people' in r.content.decode(),"
            " '<link rel=\"stylesheet\"' in r.content.decode())"
        )
        out = subprocess.run(
            [sys.executable, "-m", "stocktake", "shell", "--no-imports", "-c", code],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert out.stdout.strip().splitlines()[-1] == "503 5 True True", out.stderr[-2000:]


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL's row locks and its lock timeout")
def test_a_request_that_waits_past_the_lock_timeout_on_postgresql_gets_503_with_retry_after(own_database):
    """Another connection holds the rows a sign-in and a decision must change: each request waits
    STOCKTAKE_PG_LOCK_SECONDS (as the web server sets it), then is answered 503 busy, never 500 or a hang."""
    import psycopg

    env = {**own_database, "STOCKTAKE_PG_LOCK_SECONDS": "0.3"}
    url = env["STOCKTAKE_DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    setup = (
        "from django.contrib.auth import get_user_model\n"
        "from stocktake.accounts import actions\n"
        "from stocktake.monitoring.models import DataValue\n"
        "u = get_user_model().objects.get(username='validator')\n"
        "dv = DataValue.objects.filter(state='submitted').order_by('pk').first()\n"
        "print(actions.issue_token(u, name='busy', interface='system')[1], dv.pk, dv.version)"
    )
    out = subprocess.run(
        [sys.executable, "-m", "stocktake", "shell", "--no-imports", "-c", setup],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    token, pk, version = out.stdout.strip().splitlines()[-1].split()
    holder = psycopg.connect(url)  # a transaction of its own, left open while the requests run
    try:
        holder.execute("SELECT 1 FROM auth_user WHERE username = 'admin' FOR UPDATE")
        holder.execute("SELECT 1 FROM monitoring_datavalue WHERE id = %s FOR UPDATE", (int(pk),))
        code = (
            "import json\n"
            "from django.test import Client\n"
            "from stocktake.web import busy\n"
            "busy.limit_lock_waits()\n"
            'c = Client(HTTP_HOST="localhost")\n'
            "r = c.post('/accounts/login/', {'username': 'admin', 'password': 'demo-stocktake-2026'})\n"
            "print(r.status_code, r['Retry-After'], 'busy with other people' in r.content.decode(),"
            " '<link rel=\"stylesheet\"' in r.content.decode())\n"
            f"body = json.dumps({{'values': [{{'id': {pk}, 'version': {version}}}]}})\n"
            "a = c.post('/api/collection/decisions/validate', body, content_type='application/json',"
            f" HTTP_AUTHORIZATION='Bearer {token}')\n"
            "print(a.status_code, a['Retry-After'], a.json()['reason'], 'busy' in a.json()['detail'])"
        )
        out = subprocess.run(
            [sys.executable, "-m", "stocktake", "shell", "--no-imports", "-c", code],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        holder.rollback()
        holder.close()
    assert out.stdout.strip().splitlines()[-2:] == ["503 5 True True", "503 5 busy True"], out.stderr[-2000:]
    with psycopg.connect(url) as conn:  # nothing was changed: the value is still submitted at its version
        assert conn.execute("SELECT state, version FROM monitoring_datavalue WHERE id = %s", (int(pk),)).fetchone() == (
            "submitted",
            int(version),
        )


# -- honest health and honest failures ------------------------------------------------------------------------


def test_health_queries_the_database_and_reads_the_worker_from_the_queue(client, db, settings):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()
    r = client.get("/api/health")
    assert r.status_code == 200 and r.json()["database"] == "ok" and r.json()["worker"] == "none seen"
    from stocktake.collection import tasks

    result = tasks.run_queued_import.enqueue(2**31 - 1)
    assert client.get("/api/health").json()["worker"] == "idle"  # queued a moment ago: a worker will come
    DBTaskResult.objects.filter(pk=result.id).update(status="RUNNING")
    assert client.get("/api/health").json()["worker"] == "busy"
    DBTaskResult.objects.filter(pk=result.id).update(status="READY", run_after=timezone.now() - timedelta(hours=1))
    r = client.get("/api/health")
    assert r.status_code == 503 and r.json() | {"version": ""} == {
        "status": "unavailable",
        "version": "",
        "database": "ok",
        "worker": "stopped",
    }


def _unreachable(env) -> dict:
    if POSTGRES:
        return {**env, "STOCKTAKE_DATABASE_URL": "postgres://nobody@127.0.0.1:9/nowhere"}
    return {**env, "STOCKTAKE_DATABASE_URL": "sqlite:////nonexistent-dir/for/sure/db.sqlite3"}


def test_an_unreachable_database_is_503_in_health_and_pages_and_one_line_in_the_cli(own_database):
    env = _unreachable(own_database)
    code = (
        "from django.test import Client\n"
        'c = Client(raise_request_exception=False, HTTP_HOST="localhost")\n'
        "h = c.get('/api/health')\n"
        "p = c.post('/accounts/login/', {'username': 'admin', 'password': 'x'})\n"
        "print(h.status_code, h.json()['database'].split(':')[0], p.status_code, p.get('Retry-After'),"
        " 'Database unavailable' in p.content.decode())"
    )
    out = subprocess.run(
        [sys.executable, "-m", "stocktake", "shell", "--no-imports", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.stdout.strip().splitlines()[-1] == "503 down 503 30 True", out.stderr[-2000:]
    cli = subprocess.run(
        [sys.executable, "-m", "stocktake", "migrate"], env=env, capture_output=True, text=True, timeout=120
    )
    assert cli.returncode == 3 and "Traceback" not in cli.stderr
    lines = cli.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("stocktake: the database cannot be reached or opened"), cli.stderr


@pytest.mark.skipif(not POSTGRES, reason="a PostgreSQL database set read-only")
def test_a_read_only_database_is_503_in_health_and_sign_in_and_one_line_in_the_cli(own_database):
    import dj_database_url
    import psycopg

    url = own_database["STOCKTAKE_DATABASE_URL"]
    name = dj_database_url.parse(url)["NAME"]
    admin_url = url.rsplit("/", 1)[0].replace("postgres://", "postgresql://", 1) + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    try:
        code = (
            "from django.test import Client\n"
            'c = Client(raise_request_exception=False, HTTP_HOST="localhost")\n'
            "h = c.get('/api/health')\n"
            "p = c.post('/accounts/login/', {'username': 'admin', 'password': 'demo-stocktake-2026'})\n"
            "print(h.status_code, h.json()['database'], p.status_code, 'Database unavailable' in p.content.decode())"
        )
        out = subprocess.run(
            [sys.executable, "-m", "stocktake", "shell", "--no-imports", "-c", code],
            env=own_database,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert out.stdout.strip().splitlines()[-1] == "503 read-only 503 True", out.stderr[-2000:]
        cli = subprocess.run(
            [
                sys.executable,
                "-m",
                "stocktake",
                "createsuperuser",
                "--noinput",
                "--username",
                "x",
                "--email",
                "x@example.org",
            ],
            env=own_database,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert cli.returncode == 3 and "Traceback" not in cli.stderr and "read-only" in cli.stderr, cli.stderr
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{name}" RESET default_transaction_read_only')


def test_an_import_whose_report_cannot_be_saved_after_the_commit_still_says_done_with_its_counts(db, run):
    """The report's own save after the commit fails (here: a real trigger refusing it); the record
    written with the values still says done, with the counts of what was stored."""
    from django.db import connection

    from stocktake.collection.models import ImportBatch

    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute(
                "CREATE TRIGGER refuse_report BEFORE UPDATE OF warnings ON collection_importbatch "
                "BEGIN SELECT RAISE(ABORT, 'database is locked'); END"
            )
        else:
            cur.execute(
                "CREATE FUNCTION refuse_report() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'database is locked'; END $$ LANGUAGE plpgsql"
            )
            cur.execute(
                "CREATE TRIGGER refuse_report BEFORE UPDATE OF warnings ON collection_importbatch "
                "FOR EACH ROW EXECUTE FUNCTION refuse_report()"
            )
    before = DataValue.objects.count()
    batch = run(b"indicator,org_unit,period,value\nhomicides,R01-D01,2019-04,3\nhomicides,R01-D02,2019-04,4\n")
    stored = ImportBatch.objects.get(pk=batch.pk)
    assert DataValue.objects.count() == before + 2
    assert (stored.status, stored.rows_accepted, stored.created) == ("done", 2, 2)
    assert batch.status == "done" and not batch.crashed
