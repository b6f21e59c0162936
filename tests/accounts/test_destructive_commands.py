"""Commands that delete (demo --reset, restore, flush): refused in production, asked for, backed up first.

Run as a person or CI would, as `python -m stocktake ...` processes on a database
of their own, with no terminal on stdin (as in CI).
"""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from stocktake.accounts.backup import FORMAT, FORMAT_VERSION

from .test_production import GOOD

PRODUCTION = {
    "STOCKTAKE_PRODUCTION": "1",
    "STOCKTAKE_SECRET_KEY": GOOD["secret_key"] * 2,
    "STOCKTAKE_ALLOWED_HOSTS": "stocktake.gov.example",
}
MARKER = (
    "from stocktake.accounts.models import Organisation as O; "
    "O.objects.create(code='marker', name='Still here', kind='agency')"
)


def _runner(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOCKTAKE_")}
    env.update({"STOCKTAKE_DATA_DIR": str(tmp_path), "STOCKTAKE_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})

    def run(*args, extra=None, timeout=300):
        return subprocess.run(
            [sys.executable, "-m", "stocktake", *args],
            env={**env, **(extra or {})},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    run.tmp_path = tmp_path
    return run


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A migrated SQLite database with one marker row, made once and copied for each test."""
    folder = tmp_path_factory.mktemp("stocktake-base")
    run = _runner(folder)
    assert run("migrate", "--noinput").returncode == 0
    assert run("shell", "-c", MARKER).returncode == 0
    return folder / "db.sqlite3"


@pytest.fixture
def instance(migrated, tmp_path):
    """A Stocktake of its own (SQLite in tmp_path, holding the marker row), and a way to run its commands."""
    with sqlite3.connect(migrated) as source, sqlite3.connect(tmp_path / "db.sqlite3") as copy:
        source.backup(copy)
    return _runner(tmp_path)


def _marker(tmp_path) -> bool:
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        return db.execute("SELECT count(*) FROM accounts_organisation WHERE code='marker'").fetchone()[0] == 1


def _backups(tmp_path):
    return sorted((tmp_path / "backups").glob("*.backup.gz")) if (tmp_path / "backups").is_dir() else []


def test_production_mode_refuses_demo_reset_before_touching_anything(instance):
    """The reported case: `demo --reset` in production flushed everything, then refused."""
    run = instance("demo", "--reset", extra=PRODUCTION)
    assert run.returncode != 0
    assert "refused in production mode" in run.stderr and "Traceback" not in run.stderr
    assert _marker(instance.tmp_path) and not _backups(instance.tmp_path)


def test_no_terminal_and_no_yes_refuses_demo_reset(instance):
    run = instance("demo", "--reset")
    assert run.returncode != 0
    assert "no terminal" in run.stderr and "--yes" in run.stderr and "Traceback" not in run.stderr
    assert _marker(instance.tmp_path) and not _backups(instance.tmp_path)


# The same refusals in this process, on the test database (cheaper than a process each).


def _header_only_backup(path):
    with gzip.open(path, "wt") as f:
        f.write(
            json.dumps(
                {"format": FORMAT, "format_version": FORMAT_VERSION, "created": "2026-11-30T00:00:00", "migrations": []}
            )
            + "\n"
        )
    return path


def _flush_from_command_line(*args):
    """`stocktake flush ARGS` as from the command line, in this process.

    run_from_argv would close the database connections at the end, and with them the
    test's transaction on PostgreSQL; so mark the command as the command line does and call it.
    """
    from stocktake.accounts.management.commands.flush import Command

    command = Command()
    command.from_command_line = True
    call_command(command, *args)


@pytest.fixture
def test_db_state(db, settings, tmp_path):
    from stocktake.monitoring.models import DataValue

    settings.DATA_DIR = tmp_path
    count = DataValue.objects.count()
    assert count > 0
    yield lambda: DataValue.objects.count() == count and not (tmp_path / "backups").exists()


@pytest.mark.parametrize(
    "call",
    [
        lambda tmp: call_command("demo", reset=True, yes=True),
        lambda tmp: call_command("flush", interactive=False),
        lambda tmp: call_command("restore", str(_header_only_backup(tmp / "b.gz")), yes=True),
    ],
)
def test_production_mode_refuses_every_deleting_command(test_db_state, settings, tmp_path, call):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="refused in production mode"):
        call(tmp_path)
    assert test_db_state()


def test_production_mode_refuses_flush_on_the_command_line(test_db_state, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="refused in production mode"):
        _flush_from_command_line("--yes")
    assert test_db_state()


def test_no_terminal_refuses_flush_and_restore_without_yes(test_db_state, tmp_path):
    with pytest.raises(CommandError, match="no terminal.*--yes"):
        _flush_from_command_line()
    with pytest.raises(CommandError, match="no terminal.*--yes"):
        call_command("restore", str(_header_only_backup(tmp_path / "b.gz")))
    assert test_db_state()


def test_flush_with_yes_backs_up_first_and_the_backup_restores(instance):
    run = instance("flush", "--yes")
    assert run.returncode == 0, run.stderr
    assert not _marker(instance.tmp_path)
    (backup,) = _backups(instance.tmp_path)
    assert str(backup) in run.stdout
    restored = instance("restore", str(backup), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert _marker(instance.tmp_path)
    # the restore backed up the flushed database first, too
    assert len(_backups(instance.tmp_path)) == 2


def test_demo_reset_with_yes_backs_up_first_and_the_backup_restores(instance):
    run = instance("demo", "--reset", "--yes", timeout=600)
    assert run.returncode == 0, run.stderr
    assert not _marker(instance.tmp_path)  # replaced by the demo
    (backup,) = _backups(instance.tmp_path)
    assert "before-demo-reset" in backup.name and str(backup) in run.stdout
    restored = instance("restore", str(backup), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert _marker(instance.tmp_path)
    with sqlite3.connect(instance.tmp_path / "db.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM architecture_priority").fetchone()[0] == 0
