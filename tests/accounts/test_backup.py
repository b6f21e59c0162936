"""Backup and restore give back an identical database: every table, every row, every column."""

from __future__ import annotations

import gzip

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from stocktake.accounts.backup import BackupError, restore_backup, table_rows
from stocktake.accounts.models import ApiToken, AuditEntry, Organisation
from stocktake.monitoring.models import DataValue, DataValueVersion


@pytest.fixture
def small_state(db):
    """The demo with most data values removed (inside the test's transaction), so the round trip is quick.

    The highest id of each table stays, so the sequences a restore resets (not rolled back
    on PostgreSQL) never fall below the demo's own rows.
    """
    keep = set(DataValue.objects.order_by("pk").values_list("pk", flat=True)[:200])
    keep |= {DataValue.objects.latest("pk").pk, DataValueVersion.objects.latest("pk").data_value_id}
    DataValueVersion.objects.exclude(data_value_id__in=keep).exclude(
        pk=DataValueVersion.objects.latest("pk").pk).delete()
    DataValue.objects.exclude(pk__in=keep).delete()
    assert DataValue.objects.count() <= 202


def test_backup_then_restore_is_identical(small_state, tmp_path, user):
    path = tmp_path / "stocktake.backup.gz"
    call_command("backup", str(path), verbosity=0)
    before = table_rows()
    assert sum(len(rows) for rows in before.values()) > 500
    # change things of every kind after the backup: a change, a new row, an audit entry, a deletion
    Organisation.objects.filter(code="moh").update(name="Renamed")
    org = Organisation.objects.create(code="new-org", name="New", kind="agency")
    AuditEntry.objects.create(interface="system", action="create", model="accounts.organisation",
                              object_id=str(org.pk), object_repr="New")
    ApiToken.objects.filter(user=user("health-data")).delete()
    assert table_rows() != before
    call_command("restore", str(path), yes=True, verbosity=0)
    after = table_rows()
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table
    # datetimes keep their microseconds (Django's JSON encoder would cut them to milliseconds)
    assert any(e.at.microsecond % 1000 for e in AuditEntry.objects.all())


def test_a_damaged_backup_changes_nothing(small_state, tmp_path):
    path = tmp_path / "stocktake.backup.gz"
    call_command("backup", str(path), verbosity=0)
    lines = gzip.open(path, "rt").read().splitlines()
    damaged = tmp_path / "damaged.gz"
    with gzip.open(damaged, "wt") as f:
        f.write("\n".join(lines[:-1] + ['{"model": "monitoring.datavalue", "pk": 1, "fields": {"value": "many"}}']))
    before = table_rows()
    with pytest.raises(BackupError, match=rf"line {len(lines)}:"):
        restore_backup(damaged)
    assert table_rows() == before


def test_restore_refuses_what_is_not_a_backup(tmp_path, db):
    plain = tmp_path / "notes.gz"
    with gzip.open(plain, "wt") as f:
        f.write("hello\n")
    with pytest.raises(CommandError, match="not a Stocktake backup"):
        call_command("restore", str(plain), yes=True)
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", str(tmp_path / "missing.gz"), yes=True)
    assert connection.vendor in ("sqlite", "postgresql")
