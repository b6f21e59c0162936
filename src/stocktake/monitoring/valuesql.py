"""Set-based writes of data values (monitoring_datavalue) from the staging table (monitoring.staging).

A batch's cells are matched to the stored ones on their key in one statement (`mark`), locked in id order on
PostgreSQL, then the changed ones are updated and the new ones inserted, one statement each. Only
monitoring.actions.record_values calls these, inside its transaction, so the audit entry, the versions
(versionsql) and the rollups go with them or not at all.
"""

from __future__ import annotations

from django.db import connection

from . import staging as S
from .models import DataValue

TABLE = DataValue._meta.db_table
# written from the staging row; then what the batch says of every cell it writes
FROM_STAGE = ("indicator_id", "org_unit_id", "period_id", "disaggregation", "value", "numerator", "denominator")
STAMPED = ("comment", "state", "source", "version", "updated_at", "updated_by_id")


def _on_key(a: str, b: str) -> str:
    return " AND ".join(f"{a}.{c} = {b}.{c}" for c in S.KEY)


def _same(a: str, b: str) -> str:
    """Null-safe equality of two columns (a missing numerator is the same as a missing numerator)."""
    if connection.vendor == "postgresql":
        return f"{a} IS NOT DISTINCT FROM {b}"
    return f"{a} IS {b}"


def any_stored(cursor) -> bool:
    """Whether any cell is stored for the batch's indicators and periods: a new month has none, and then
    there is nothing to lock or compare (each staged row would probe the cell index in vain)."""
    cursor.execute(
        f"SELECT 1 FROM {TABLE} v WHERE v.indicator_id IN (SELECT DISTINCT indicator_id FROM {S.TABLE}) "
        f"AND v.period_id IN (SELECT DISTINCT period_id FROM {S.TABLE}) LIMIT 1"
    )
    return cursor.fetchone() is not None


def lock(cursor) -> None:
    """Lock the stored cells the batch writes, in id order, as every writer locks them (PostgreSQL; SQLite has
    one writer): a second writer of the same cell waits, then numbers its version after ours."""
    if connection.vendor != "postgresql":
        return
    cursor.execute(
        f"SELECT count(*) FROM (SELECT v.id FROM {TABLE} v JOIN {S.TABLE} s ON {_on_key('v', 's')} "
        "ORDER BY v.id FOR UPDATE OF v) locked"
    )


def mark(cursor) -> None:
    """Each staged row's stored cell, its version, and whether the batch leaves it as it is."""
    same = " AND ".join(_same(f"v.{c}", f"{S.TABLE}.{c}") for c in ("value", "numerator", "denominator", "comment"))
    cursor.execute(
        f"UPDATE {S.TABLE} SET dv_id = v.id, old_version = v.version, same = ({same}) "
        f"FROM {TABLE} v WHERE {_on_key('v', S.TABLE)}"
    )


def update_changed(cursor, *, source: str, stamp, who_id) -> int:
    """The stored cells the batch changes: its numbers, the next version; returns how many."""
    sets = ", ".join(f"{c} = s.{c}" for c in ("value", "numerator", "denominator", "comment", "state"))
    cursor.execute(
        f"UPDATE {TABLE} SET {sets}, version = s.old_version + 1, source = %s, updated_at = %s, updated_by_id = %s "
        f"FROM {S.TABLE} s WHERE {TABLE}.id = s.dv_id AND NOT s.same",
        [source, stamp, who_id],
    )
    return cursor.rowcount


def insert_new(cursor, *, source: str, stamp, who_id, returning: str = "") -> str:
    """SQL (and its parameters) that inserts the cells the batch creates, at version 1; `returning` is a
    RETURNING clause (PostgreSQL: the caller copies the first versions from it in the same statement)."""
    names = ", ".join((*FROM_STAGE, *STAMPED))
    picked = ", ".join(f"s.{c}" for c in FROM_STAGE)
    sql = (
        f"INSERT INTO {TABLE} ({names}) SELECT {picked}, s.comment, s.state, %s, 1, %s, %s "
        f"FROM {S.TABLE} s WHERE s.dv_id IS NULL"
    )
    if connection.vendor == "sqlite":  # in key order, SQLite fills the cell index page by page
        sql += f" ORDER BY {', '.join(f's.{c}' for c in S.KEY)}"
    return sql + (f" RETURNING {returning}" if returning else ""), [source, stamp, who_id]


def last_id(cursor) -> int:
    """The highest cell id stored (SQLite: the cells inserted after it, by the one writer, are this batch's)."""
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {TABLE}")
    return cursor.fetchone()[0]


def touched(cursor) -> set[tuple[int, int]]:
    """(indicator id, period id) of every cell the batch created or changed: the rollups to refresh."""
    cursor.execute(f"SELECT DISTINCT indicator_id, period_id FROM {S.TABLE} WHERE dv_id IS NULL OR NOT same")
    return set(cursor.fetchall())


def deltas(cursor) -> list[tuple]:
    """(indicator, unit, period, disaggregation, old numbers or None, new numbers) of each cell the batch
    creates or changes, read after `mark` and before the writes."""
    nums = ("value", "numerator", "denominator")
    cursor.execute(
        f"SELECT {', '.join(f's.{c}' for c in S.CELL)}, s.dv_id, {', '.join(f'v.{c}' for c in nums)}, "
        f"{', '.join(f's.{c}' for c in nums)} FROM {S.TABLE} s LEFT JOIN {TABLE} v ON v.id = s.dv_id "
        "WHERE s.dv_id IS NULL OR NOT s.same"
    )
    return [(*r[:4], None if r[4] is None else tuple(r[5:8]), tuple(r[8:11])) for r in cursor.fetchall()]
