"""Plain multi-row INSERTs for the import's hot path.

Django's bulk_create builds a model instance and prepares every field of
every row through the field API: at a national file's million rows that is
four fifths of an import's time (see docs/collection.md, Benchmark). The
rows written here are already checked by the importer and by record_values,
so they go to the database as tuples: on SQLite one executemany of a
prepared statement per batch, on PostgreSQL one COPY.
Only values whose database form differs from Python's (datetimes) are
prepared, once, by the caller through `prepare`.
"""

from __future__ import annotations

import contextlib

from django.db import connection, models

BATCH = 5000


def columns(model: type[models.Model], names: list[str]) -> list[str]:
    """Database column names for field names (a foreign key's `x` is its `x_id` column)."""
    return [model._meta.get_field(n).column for n in names]


def prepare(model: type[models.Model], name: str, value):
    """A value in the form the database takes for this field (used for the one timestamp of a batch)."""
    return model._meta.get_field(name).get_db_prep_save(value, connection)


def insert(model: type[models.Model], names: list[str], rows: list[tuple]) -> int:
    """INSERT the rows (tuples in the order of `names`) into the model's table; returns the count."""
    if not rows:
        return 0
    q = connection.ops.quote_name
    into = f"{q(model._meta.db_table)} ({', '.join(q(c) for c in columns(model, names))})"
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":  # COPY: the bare load the import benchmark compares against
            with cur.copy(f"COPY {into} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            sql = f"INSERT INTO {into} VALUES ({', '.join(['%s'] * len(names))})"
            for start in range(0, len(rows), BATCH):
                cur.executemany(sql, rows[start : start + BATCH])
    return len(rows)


# SQLite's page cache while a large batch is written (KiB; SQLite's default is 2 MiB): a national month writes
# a million rows into a dozen indexes, and with the default cache most index pages are read again and again.
# It is a ceiling, not an allocation: the cache grows only as pages are used, and shrinks back after.
LARGE_CACHE_KIB = 512 * 1024


@contextlib.contextmanager
def large_write():
    """Give SQLite a large page cache and in-memory temporary tables (the staging tables) while a large
    batch is written on this connection, then put both back. Nothing to do on PostgreSQL (its buffers are
    the server's)."""
    if connection.vendor != "sqlite":
        yield
        return
    outside = not connection.in_atomic_block  # SQLite changes where temporary tables live only between transactions
    with connection.cursor() as cur:
        cur.execute("PRAGMA cache_size")
        cache = cur.fetchone()[0]
        cur.execute("PRAGMA temp_store")
        temp = cur.fetchone()[0]
        cur.execute(f"PRAGMA cache_size = -{LARGE_CACHE_KIB}")
        if outside:
            cur.execute("PRAGMA temp_store = MEMORY")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA cache_size = {int(cache)}")
            if outside and not connection.in_atomic_block:
                cur.execute(f"PRAGMA temp_store = {int(temp)}")
