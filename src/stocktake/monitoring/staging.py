"""The staging table a batch of values is written through (a temporary table, this connection only).

record_values loads every row of a batch here first, in one go (PostgreSQL COPY, SQLite executemany), then
valuesql and versionsql write the cells and their versions from it with set-based statements: the work is
a handful of statements per batch, whatever its size, and no stored cell travels through Python. The
columns are written once, here: a partition or distribution key added to the values table later is one
more entry in CELL and KEY.
"""

from __future__ import annotations

from django.db import connection

TABLE = "monitoring_stage_values"
# where the cell is, in the order a batch's rows hold it
CELL = ("indicator_id", "org_unit_id", "period_id", "disaggregation")
# the same columns in the order of monitoring_datavalue's cell key (one_value_per_cell): the staging index
# and the order new cells are inserted in follow it
KEY = ("indicator_id", "period_id", "org_unit_id", "disaggregation")
# what the batch says of the cell
FIELDS = ("value", "numerator", "denominator", "comment", "state")
LOADED = (*CELL, *FIELDS)  # the columns a batch's rows hold, in this order
# filled by valuesql.mark: the stored cell (none for a new one), its version, and whether the batch changes it
MARKS = ("dv_id", "old_version", "same")

_TYPES = {
    "indicator_id": "bigint NOT NULL",
    "org_unit_id": "bigint NOT NULL",
    "period_id": "bigint NOT NULL",
    "disaggregation": "varchar(100) NOT NULL",
    "value": "double precision",
    "numerator": "double precision",
    "denominator": "double precision",
    "comment": "text NOT NULL",
    "state": "varchar(10) NOT NULL",
    "dv_id": "bigint",
    "old_version": "bigint",
    "same": "boolean",
}


def create(cursor) -> None:
    """A fresh, empty staging table for this connection (dropped by `drop`, or with the connection)."""
    cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
    cursor.execute(f"CREATE TEMPORARY TABLE {TABLE} ({', '.join(f'{c} {_TYPES[c]}' for c in (*LOADED, *MARKS))})")


CHUNK = 20_000  # a frame's rows are staged this many at a time, each chunk reported to `progress`


def load(cursor, rows, progress=None) -> None:
    """The batch's rows into the staging table: a Polars frame with the LOADED columns, or tuples in LOADED order.
    progress, if given, is told how many of a frame's rows are staged so far (an import's page shows it).

    Then the cell key is indexed, so that every statement after joins the stored cells on it.
    """
    names = ", ".join(LOADED)
    frame = rows if hasattr(rows, "write_csv") else None
    if frame is not None and progress is not None and frame.height > CHUNK:
        for start in range(0, frame.height, CHUNK):
            _load(cursor, names, frame.slice(start, CHUNK), frame)
            progress(min(start + CHUNK, frame.height))
    else:
        _load(cursor, names, rows, frame)
    cursor.execute(f"CREATE UNIQUE INDEX {TABLE}_key ON {TABLE} ({', '.join(KEY)})")
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {TABLE}")


def _load(cursor, names: str, rows, frame) -> None:
    frame = rows if frame is not None else None
    if connection.vendor == "postgresql":
        if frame is not None:  # the frame's own CSV writer: no Python object per cell
            data = frame.select(LOADED).write_csv(include_header=False, null_value="\\N", quote_style="necessary")
            with cursor.copy(f"COPY {TABLE} ({names}) FROM STDIN WITH (FORMAT csv, NULL '\\N')") as copy:
                copy.write(data.encode())
        else:
            with cursor.copy(f"COPY {TABLE} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
    else:
        source = frame.select(LOADED).iter_rows() if frame is not None else rows
        cursor.connection.executemany(f"INSERT INTO {TABLE} ({names}) VALUES ({', '.join('?' * len(LOADED))})", source)


def drop(cursor) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
