"""Fixtures for the collection tests: demo users, and the real published files cut small in files/real/."""

from __future__ import annotations

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
