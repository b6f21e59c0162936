"""Backup and restore give back an identical database: every table, every row, every column."""

from __future__ import annotations

import gzip

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from stocktake.accounts.backup import BackupError, restore_backup, table_rows
from stocktake.accounts.models import ApiToken, AuditEntry, Organisation


@pytest.fixture
def small_state(db):
    """A small database of its own, inside the test's transaction, so the round trip is quick.

    Every table is emptied (the rollback at the end brings the demo back, sequences
    included: PostgreSQL's TRUNCATE ... RESTART IDENTITY is transactional), content
    types, permissions and role groups are recreated, and a few rows of every kind
    that is hard to copy exactly are added: self-references, many-to-many, JSON,
    datetimes with microseconds, a token.
    """
    from django.contrib.auth import get_user_model

    from stocktake.accounts import actions, audit
    from stocktake.accounts.models import Person
    from stocktake.architecture.models import OrgUnit, Pillar

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)  # then post_migrate: content types, permissions, groups
    centre = Organisation.objects.create(code="du", name="Delivery Unit", kind="centre")
    health = Organisation.objects.create(code="moh", name="Ministry of Health", kind="ministry", parent=centre)
    User = get_user_model()
    for username, role, org in [("chief", "delivery_unit_head", centre), ("health-data", "data_lead", health)]:
        u = User.objects.create_user(username=username, password="x-" * 8, first_name=username.title())
        Person.objects.create(name=username.title(), role=role, organisation=org, user=u)
    actions.issue_token(User.objects.get(username="health-data"), name="nightly import", interface="web")
    nation = OrgUnit.objects.create(code="N", name="Nation")
    OrgUnit.objects.create(code="R1", name="Region 1", parent=nation)
    pillar = Pillar.objects.create(code="health", name="Health", description='Café ✓ "quoted"\nnew line')
    audit.record(
        user=User.objects.get(username="chief"),
        interface="web",
        action="create",
        obj=pillar,
        after={**audit.snapshot(pillar), "nested": {"list": [1, 2.5, None, True]}},
    )


@pytest.fixture(autouse=True)
def _backups_in_tmp(settings, tmp_path):
    """restore backs up the database as it was into DATA_DIR/backups first: keep those in the test's folder."""
    settings.DATA_DIR = tmp_path / "data"


def test_backup_then_restore_is_identical(small_state, tmp_path, user):
    path = tmp_path / "stocktake.backup.gz"
    call_command("backup", str(path), verbosity=0)
    before = table_rows()
    assert sum(len(rows) for rows in before.values()) > 50
    # change things of every kind after the backup: a change, a new row, an audit entry, a deletion
    Organisation.objects.filter(code="moh").update(name="Renamed")
    org = Organisation.objects.create(code="new-org", name="New", kind="agency")
    AuditEntry.objects.create(
        interface="system", action="create", model="accounts.organisation", object_id=str(org.pk), object_repr="New"
    )
    ApiToken.objects.filter(user=user("health-data")).delete()
    user("chief").groups.clear()
    assert table_rows() != before
    changed = table_rows()
    call_command("restore", str(path), yes=True, verbosity=0)
    after = table_rows()
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table
    # the database as it was before the restore was backed up first, and restores to exactly that
    (saved,) = (tmp_path / "data" / "backups").glob("*-before-restore.backup.gz")
    restore_backup(saved)
    assert table_rows() == changed
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


def _without(path, tmp_path, drop):
    """A copy of the backup without the lines `drop` picks: what an edited or cut file looks like."""
    lines = gzip.open(path, "rt").read().splitlines()
    cut = tmp_path / "cut.backup.gz"
    with gzip.open(cut, "wt") as f:
        f.write("\n".join([lines[0]] + [line for line in lines[1:] if not drop(line)]) + "\n")
    return cut


def test_a_backup_whose_rows_do_not_hold_together_is_refused_with_a_clear_message(small_state, tmp_path):
    path = tmp_path / "stocktake.backup.gz"
    call_command("backup", str(path), verbosity=0)
    # the health ministry's row is gone, but its data lead still points at it: a dangling foreign key
    cut = _without(path, tmp_path, lambda line: '"model":"accounts.organisation"' in line and '"code":"moh"' in line)
    before = table_rows()
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(cut), yes=True, verbosity=0)
    message = str(refused.value)
    assert "do not hold together" in message and "accounts_person" in message, message
    assert message.endswith("Nothing was changed.") and "IntegrityError" not in message
    assert table_rows() == before
    damaged = tmp_path / "damaged.gz"
    damaged.write_bytes(path.read_bytes()[:-40])  # cut short: the gzip stream ends mid-way
    with pytest.raises(CommandError, match=r"line \d+: .*Nothing was changed\.$"):
        call_command("restore", str(damaged), yes=True, verbosity=0)
    assert table_rows() == before


def _hold_the_restore_lock():
    """What a restore running in another process holds (stocktake.accounts.backup.exclusive)."""
    import fcntl

    from django.conf import settings

    from stocktake.accounts.backup import RESTORE_LOCK

    if connection.vendor == "postgresql":
        import psycopg

        s = connection.settings_dict
        other = psycopg.connect(
            dbname=s["NAME"], user=s["USER"], host=s["HOST"], port=s["PORT"] or 5432, password=s["PASSWORD"] or None
        )
        other.execute("SELECT pg_advisory_lock(%s)", (RESTORE_LOCK,))
        return other.close
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    f = open(settings.DATA_DIR / "restore.lock", "w")
    fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return f.close


def test_a_second_restore_at_once_is_refused_at_once_and_changes_nothing(small_state, tmp_path):
    path = tmp_path / "stocktake.backup.gz"
    call_command("backup", str(path), verbosity=0)
    Organisation.objects.filter(code="moh").update(name="Changed after the backup")
    before = table_rows()
    release = _hold_the_restore_lock()
    try:
        with pytest.raises(CommandError, match="another restore of this database is under way.*Nothing was changed"):
            call_command("restore", str(path), yes=True, verbosity=0)
        with pytest.raises(BackupError, match="another restore"):
            restore_backup(path)
    finally:
        release()
    assert table_rows() == before
    assert not (tmp_path / "data" / "backups").exists()  # refused before even copying the database
    call_command("restore", str(path), yes=True, verbosity=0)  # once the other has finished, it goes ahead
    assert Organisation.objects.get(code="moh").name == "Ministry of Health"
