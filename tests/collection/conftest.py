"""Fixtures for the collection tests: demo users, and the real published files cut small in files/real/."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

FILES = Path(__file__).parent / "files"
REAL = FILES / "real"  # real published files, cut to the rows the tests need: files/real/README.md
TODAY = date(2026, 11, 24)


@pytest.fixture
def users(db):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def run(users):
    """Import bytes as a user (default admin) on the demo's 'today'."""
    from stocktake.collection.importer import run_import

    def _run(data: bytes, name: str = "upload.csv", user="admin", **kw):
        kw.setdefault("today", TODAY)
        return run_import(data, file_name=name, user=users[user] if isinstance(user, str) else user, **kw)

    return _run


@pytest.fixture(scope="session")
def own_database(tmp_path_factory):
    """A demo database of its own for tests that start real processes (SQLite file, or a scratch database
    on the suite's PostgreSQL server); the environment to run them with."""
    from tests.browser.conftest import _postgres_database

    data_dir = tmp_path_factory.mktemp("own")
    env = {**os.environ, "STOCKTAKE_DATA_DIR": str(data_dir)}
    drop = None
    base = os.environ.get("STOCKTAKE_DATABASE_URL", "")
    if base.startswith(("postgres://", "postgresql://")):
        env["STOCKTAKE_DATABASE_URL"], drop = _postgres_database(base)
    else:
        env["STOCKTAKE_DATABASE_URL"] = f"sqlite:///{data_dir / 'own.sqlite3'}"
    subprocess.run(
        [sys.executable, "-m", "stocktake", "demo"], env=env, check=True, timeout=600, stdout=subprocess.DEVNULL
    )
    yield env
    if drop:
        drop()
