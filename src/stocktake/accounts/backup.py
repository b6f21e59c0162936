"""Backup and restore of the whole database, the same on SQLite and PostgreSQL.

A backup is gzip-compressed JSON lines: one header line (format, Stocktake
version, database, applied migrations), then one line per row of every table,
primary keys as they are. Unlike Django's dumpdata, datetimes keep their
microseconds, so a restore is identical row for row, not just close.
Restore empties every table and loads the file in one transaction: a bad or
foreign file leaves the database as it was. A file whose rows do not hold
together (a row pointing at one the file lacks) is refused the same way, with
the row named. One restore at a time: a second is refused at once rather than
left to wait behind the first (or fail on "database is locked") and then undo it.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import gzip
import json
import threading
from itertools import islice
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.python import Deserializer as PythonDeserializer
from django.core.serializers.python import Serializer as PythonSerializer
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

from stocktake import __version__

FORMAT = "stocktake-backup"
FORMAT_VERSION = 1
BATCH = 2000


RESTORE_LOCK = 0x5354_4B52  # PostgreSQL advisory lock key of a restore ("STKR")


class BackupError(Exception):
    pass


_held = threading.local()


@contextlib.contextmanager
def exclusive(database: str = DEFAULT_DB_ALIAS):
    """Hold the one restore lock of this database, or refuse at once: PostgreSQL's advisory lock (seen from
    every host), SQLite's lock file beside the data. Re-entrant, so the command and restore_backup share it."""
    depth = getattr(_held, "depth", 0)
    if depth:
        _held.depth = depth + 1
        try:
            yield
        finally:
            _held.depth -= 1
        return
    busy = BackupError(_("another restore of this database is under way; wait for it to finish, then try again"))
    connection = connections[database]
    lock_file = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [RESTORE_LOCK])
            if not cursor.fetchone()[0]:
                raise busy
    else:
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        lock_file = open(settings.DATA_DIR / "restore.lock", "w")
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock_file.close()
            raise busy from None
    _held.depth = 1
    try:
        yield
    finally:
        _held.depth = 0
        if lock_file is not None:
            lock_file.close()  # closing the file lets the lock go
        else:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [RESTORE_LOCK])


class ExactEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts datetimes to milliseconds; keep every digit."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


def models_to_copy():
    """Every concrete table Django manages, auto-created many-to-many tables too.

    The many-to-many tables are copied as rows of their own, ids included, rather than
    with their owners (which would re-create them with new ids): a restore is then
    identical for them as well. Backups made before still restore (see restore_backup).
    """
    return [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]


def _own_fields(model):
    """The fields to serialize with a row: all but auto-created many-to-many (those tables are copied as rows)."""
    if not any(f.remote_field.through._meta.auto_created for f in model._meta.many_to_many):
        return None
    return [f.name for f in model._meta.concrete_model._meta.local_fields]


def _applied_migrations(database: str) -> list[list[str]]:
    recorder = MigrationRecorder(connections[database])
    return sorted([list(k) for k in recorder.applied_migrations()])


def _batches(iterable, size):
    it = iter(iterable)
    while chunk := list(islice(it, size)):
        yield chunk


def write_backup(path: Path, *, database: str = DEFAULT_DB_ALIAS) -> int:
    """Write every row to path; return the number of rows. One transaction, so one consistent snapshot."""

    rows = 0
    with transaction.atomic(using=database), gzip.open(path, "wt", encoding="utf-8") as out:
        header = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "stocktake": __version__,
            "database": connections[database].vendor,
            "created": datetime.datetime.now(datetime.UTC).isoformat(),
            "migrations": _applied_migrations(database),
        }
        out.write(json.dumps(header) + "\n")
        for model in models_to_copy():
            qs = model._base_manager.using(database).order_by("pk")
            fields = _own_fields(model)
            for chunk in _batches(qs.iterator(chunk_size=BATCH), BATCH):
                for obj in PythonSerializer().serialize(chunk, fields=fields):
                    out.write(json.dumps(obj, cls=ExactEncoder, ensure_ascii=False, separators=(",", ":")) + "\n")
                    rows += 1
    return rows


def read_header(path: Path) -> dict:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            header = json.loads(f.readline())
    except (OSError, EOFError, ValueError) as exc:
        raise BackupError(
            _("%(path)s: not a Stocktake backup (line 1: %(exc)s)") % {"path": path, "exc": exc}
        ) from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError(
            _("%(path)s: not a Stocktake backup (line 1 has no '%(format)s' header)") % {"path": path, "format": FORMAT}
        )
    if header.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _("%(path)s: backup format %(value)s is not supported (this Stocktake reads format %(version)s)")
            % {"path": path, "value": header.get("format_version"), "version": FORMAT_VERSION}
        )
    return header


# Models that moved app without moving table (monitoring -> architecture, decision 3):
# a backup made before the move still names them by their old label.
MOVED_MODELS = {
    "monitoring.orgunitlevel": "architecture.orgunitlevel",
    "monitoring.orgunit": "architecture.orgunit",
    "monitoring.period": "architecture.period",
}


def _current_label(obj):
    if isinstance(obj, dict) and obj.get("model") in MOVED_MODELS:
        obj["model"] = MOVED_MODELS[obj["model"]]
    return obj


def _insert(model, objs, database):
    # Raw insert, as loaddata does: keeps ids and auto_now values exactly as backed up
    # and does not run save() overrides (the audit trail's own guard refuses re-saving).
    fields = [f for f in model._meta.local_concrete_fields]
    model._base_manager.using(database)._insert(objs, fields=fields, using=database, raw=True)


def restore_backup(path: Path, *, database: str = DEFAULT_DB_ALIAS) -> int:
    """Replace every table's rows with the backup's; return the number of rows loaded."""
    header = read_header(path)
    here = _applied_migrations(database)
    missing = sorted({tuple(m) for m in header["migrations"]} - {tuple(m) for m in here})
    if missing:
        raise BackupError(
            _("%(path)s: made by a newer Stocktake; migrations not known here: %(migrations)s")
            % {"path": path, "migrations": ", ".join(f"{a}.{n}" for a, n in missing[:5])}
        )
    with exclusive(database):
        try:
            return _restore(path, database)
        except IntegrityError as exc:  # checked at the end (or at COMMIT): the rows do not hold together
            first = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0]
            raise BackupError(
                _("%(path)s: the backup's rows do not hold together (%(error)s); the file may have been edited")
                % {"path": path, "error": first}
            ) from None


def _restore(path: Path, database: str) -> int:
    from django.core.management import call_command
    from django.core.management.commands.flush import Command as DjangoFlush

    connection = connections[database]
    rows = 0
    loaded_models = set()
    with transaction.atomic(using=database):
        if connection.vendor == "postgresql":
            # TRUNCATE refuses while deferred foreign-key checks are pending in this transaction:
            # run them now, then defer again so rows can load in any order.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # inhibit_post_migrate: content types and permissions come from the backup, with their ids.
        # Django's own flush, not our guarded `stocktake flush`: the restore command has guarded already.
        call_command(DjangoFlush(), interactive=False, inhibit_post_migrate=True, database=database, verbosity=0)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        with gzip.open(path, "rt", encoding="utf-8") as f:
            f.readline()
            line_no = 1

            def objects():
                nonlocal line_no
                for line in f:
                    line_no += 1
                    yield _current_label(json.loads(line))

            pending: dict = {}
            m2m: list = []
            try:
                for d in PythonDeserializer(objects(), using=database, ignorenonexistent=False):
                    model = type(d.object)
                    pending.setdefault(model, []).append(d.object)
                    if d.m2m_data:  # only in backups made before many-to-many tables were copied as rows
                        m2m.append(d)
                    if len(pending[model]) >= BATCH:
                        _insert(model, pending.pop(model), database)
                    loaded_models.add(model)
                    rows += 1
                for model, objs in pending.items():
                    _insert(model, objs, database)
                for d in m2m:
                    for name, values in d.m2m_data.items():
                        getattr(d.object, name).set(values)
            except Exception as exc:
                raise BackupError(
                    _("%(path)s: line %(line_no)s: %(exc)s") % {"path": path, "line_no": line_no, "exc": exc}
                ) from exc
        tables = [m._meta.db_table for m in loaded_models]
        connection.check_constraints(table_names=tables)
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(loaded_models)):
                cursor.execute(sql)
    return rows


def table_rows(database: str = DEFAULT_DB_ALIAS) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: what 'identical' means for a restore. Used by the tests."""
    connection = connections[database]
    out = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table == "django_migrations":
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            out[table] = sorted(cursor.fetchall(), key=repr)
    return out
