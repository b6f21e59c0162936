"""Set-based writes of value versions (monitoring_datavalueversion), beside valuesql's writes of the cells.

Every created or changed cell gets its version row in the same transaction: changed cells' from the staging
table (one INSERT ... SELECT), new cells' copied from the rows just inserted (PostgreSQL: the same statement,
through INSERT ... RETURNING; SQLite: the id range the one writer has just filled).
"""

from __future__ import annotations

from . import staging as S
from . import valuesql
from .models import DataValueVersion

TABLE = DataValueVersion._meta.db_table
# a version row: the cell, its indicator and period (the table's distribution and partition key,
# docs/decisions/0007), its number, then the copy of what the cell says
COLUMNS = (
    "data_value_id",
    "indicator_id",
    "period_id",
    "version",
    "value",
    "numerator",
    "denominator",
    "state",
    "comment",
    "source",
    "at",
    "by_id",
)
# the same, as the cell's own columns (a version copies the cell it versions)
FROM_CELL = (
    "id",
    "indicator_id",
    "period_id",
    "version",
    "value",
    "numerator",
    "denominator",
    "state",
    "comment",
    "source",
    "updated_at",
)


def insert_changed(cursor, *, source: str, stamp, who_id) -> None:
    """Version old + 1 of every staged cell the batch changes."""
    cursor.execute(
        f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) SELECT s.dv_id, s.indicator_id, s.period_id, s.old_version + 1, s.value, s.numerator, "
        f"s.denominator, s.state, s.comment, %s, %s, %s FROM {S.TABLE} s WHERE s.dv_id IS NOT NULL AND NOT s.same",
        [source, stamp, who_id],
    )


def insert_new_with_cells(cursor, *, source: str, stamp, who_id) -> int:
    """PostgreSQL: insert the new cells and their first versions in one statement; returns the cells made."""
    cells, params = valuesql.insert_new(
        cursor, source=source, stamp=stamp, who_id=who_id, returning=", ".join((*FROM_CELL, "updated_by_id"))
    )
    cursor.execute(
        f"WITH made AS ({cells}) INSERT INTO {TABLE} ({', '.join(COLUMNS)}) "
        f"SELECT {', '.join(FROM_CELL)}, updated_by_id FROM made",
        params,
    )
    return cursor.rowcount


def insert_first(cursor, after_id: int) -> None:
    """SQLite: version 1 of every cell with an id above after_id (those this batch has just inserted)."""
    cursor.execute(
        f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) SELECT {', '.join(FROM_CELL)}, updated_by_id "
        f"FROM {valuesql.TABLE} WHERE id > %s ORDER BY id",
        [after_id],
    )
