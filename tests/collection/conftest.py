"""Fixtures for the collection tests: demo users and the real files in /work/shared/data."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

SHARED = Path(os.environ.get("STOCKTAKE_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))
if not SHARED.exists():
    SHARED = Path("/work/shared/data")
FILES = Path(__file__).parent / "files"
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
