"""The values' tables as PostgreSQL partitioned tables, keyed ready for a distributed engine (Citus).

Why (docs/decisions/0007-distribution.md): at national scale (720M values) the values, their versions and
their rollups are range-partitioned by period and carry the distribution column, the indicator, in
every primary and unique key and in every foreign key between them, which is what Citus asks of
co-located distributed tables. Django keeps `id` as each model's primary key (ids stay unique: one
sequence per table); the database's primary key is (id, indicator, period).

Only the migrations call `partition` and `composite_foreign_key`, on PostgreSQL only: SQLite keeps plain
tables. `stocktake partitions` calls `layout` and `extend_all`: new ranges for periods created since, their
rows moved out of the default partition. The test (tests/monitoring/test_distribution.py) reads the catalogue
to check the result.
"""

from __future__ import annotations

import re

DISTRIBUTION_COLUMN = "indicator_id"
PARTITION_COLUMN = "period_id"
# in the order they are converted: a table's composite foreign keys point only at tables before it
PARTITIONED_TABLES = ("monitoring_datavalue", "monitoring_datavalueversion", "monitoring_rollup")
# tables that refer to a value with the composite key, without being partitioned themselves
REFERRING_TABLES = ("collection_review",)
# The small tables Citus would replicate to every node (create_reference_table).
PERIODS_TABLE = "monitoring_period"
REFERENCE_TABLES = ("architecture_indicator", "monitoring_orgunit", PERIODS_TABLE)
# Period ids per partition. Periods are stored as they are first needed (architecture.actions.ensure_period),
# so ids follow the calendar in a system fed month by month: about 17 periods a year (12 months, 4
# quarters, the year), so 16 ids hold about a year.
PARTITION_WIDTH = 16
SPARE_PARTITIONS = 8  # beyond the highest period id at migration time; later ones go to the default partition


def _rows(cur, sql, params=()):
    cur.execute(sql, params)
    return cur.fetchall()


def partition(cur, table: str) -> None:
    """Rebuild a plain table as a table partitioned by range of period id, keeping its rows and keys.

    Its primary key becomes (id, indicator_id, period_id); its unique constraints must already include
    both (the models say so); its indexes, checks and foreign keys out are kept; foreign keys into it
    are dropped, for the caller to add back as composite keys (composite_foreign_key).
    """
    q = f'"{table}"'
    for name, conrelid in _rows(
        cur, "SELECT conname, conrelid::regclass::text FROM pg_constraint WHERE confrelid = %s::regclass", [table]
    ):
        cur.execute(f'ALTER TABLE {conrelid} DROP CONSTRAINT "{name}"')
    constraints = _rows(
        cur,
        "SELECT conname, contype, pg_get_constraintdef(oid), confrelid::regclass::text FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('u', 'f')",
        [table],
    )
    for name, kind, definition, _ref in constraints:
        if kind == "u" and not all(c in definition for c in (DISTRIBUTION_COLUMN, PARTITION_COLUMN)):
            raise ValueError(f"{table}: unique constraint {name} ({definition}) lacks the distribution key")
    indexes = _rows(
        cur,
        "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = %s::regclass "
        "AND indexrelid NOT IN (SELECT conindid FROM pg_constraint WHERE conrelid = %s::regclass)",
        [table, table],
    )
    all_indexes = [
        r[0]
        for r in _rows(cur, "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = %s::regclass", [table])
    ]
    (top,) = _rows(cur, f"SELECT COALESCE(MAX(id), 0) FROM {q}")[0]
    (top_period,) = _rows(cur, f"SELECT COALESCE(MAX(id), 0) FROM {PERIODS_TABLE}")[0]

    cur.execute(f'ALTER TABLE {q} RENAME TO "{table}__plain"')
    for index in all_indexes:  # index names are the schema's: free them for the new table's
        cur.execute(f'ALTER INDEX {index} RENAME TO "{index.strip(chr(34))}__plain"')
    cur.execute(
        f'CREATE TABLE {q} (LIKE "{table}__plain" INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE) '
        f"PARTITION BY RANGE ({PARTITION_COLUMN})"
    )
    for n in range(top_period // PARTITION_WIDTH + SPARE_PARTITIONS + 1):
        cur.execute(
            f'CREATE TABLE "{table}_p{n:04d}" PARTITION OF {q} '
            f"FOR VALUES FROM ({n * PARTITION_WIDTH}) TO ({(n + 1) * PARTITION_WIDTH})"
        )
    cur.execute(f'CREATE TABLE "{table}_pdefault" PARTITION OF {q} DEFAULT')
    cur.execute(f'INSERT INTO {q} SELECT * FROM "{table}__plain"')
    cur.execute(f'DROP TABLE "{table}__plain"')
    # PostgreSQL 15 has no identity columns on partitioned tables: a sequence owned by the column instead
    # (Django's flush and sequence reset find it through pg_get_serial_sequence).
    cur.execute(f'CREATE SEQUENCE "{table}_id_seq" OWNED BY {q}.id')
    cur.execute(f"ALTER TABLE {q} ALTER COLUMN id SET DEFAULT nextval('\"{table}_id_seq\"')")
    cur.execute(f"SELECT setval('\"{table}_id_seq\"', %s, false)", [top + 1])
    cur.execute(
        f'ALTER TABLE {q} ADD CONSTRAINT "{table}_pkey" PRIMARY KEY (id, {DISTRIBUTION_COLUMN}, {PARTITION_COLUMN})'
    )
    for name, _kind, definition, ref in constraints:
        if ref not in PARTITIONED_TABLES:  # a key into another partitioned table is added back composite
            cur.execute(f'ALTER TABLE {q} ADD CONSTRAINT "{name}" {definition}')
    for (definition,) in indexes:
        cur.execute(definition)


def composite_foreign_key(cur, table: str, column: str, target: str) -> None:
    """(column, indicator_id, period_id) -> target (id, indicator_id, period_id), checked at commit as Django's are."""
    cur.execute(
        f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{table}_{column}_composite_fk", '
        f'ADD CONSTRAINT "{table}_{column}_composite_fk" FOREIGN KEY ({column}, {DISTRIBUTION_COLUMN}, '
        f'{PARTITION_COLUMN}) REFERENCES "{target}" (id, {DISTRIBUTION_COLUMN}, {PARTITION_COLUMN}) '
        "DEFERRABLE INITIALLY DEFERRED"
    )
    for (name,) in _rows(
        cur,
        "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f' "
        "AND confrelid = %s::regclass AND array_length(conkey, 1) = 1",
        [table, target],
    ):
        cur.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')


def distribution_primary_key(cur, table: str) -> None:
    """(id, indicator_id) as the primary key of a table co-located with the values but not partitioned."""
    cur.execute(
        f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{table}_pkey", '
        f'ADD CONSTRAINT "{table}_pkey" PRIMARY KEY (id, {DISTRIBUTION_COLUMN})'
    )


_BOUND = re.compile(r"FROM \('?(\d+)'?\) TO \('?(\d+)'?\)")


def layout(cur, table: str) -> tuple[list[tuple[str, int, int]], int]:
    """A partitioned table's range partitions as (name, first id, id after), in order, and the rows in its
    default partition (values of periods no range covers)."""
    (in_default,) = _rows(cur, f'SELECT count(*) FROM "{table}_pdefault"')[0]
    return ranges(cur, table), in_default


def ranges(cur, table: str) -> list[tuple[str, int, int]]:
    """A partitioned table's range partitions as (name, first id, id after), in order (from the catalogue)."""
    found = []
    for name, bound in _rows(
        cur,
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = %s::regclass",
        [table],
    ):
        bounds = _BOUND.search(bound)
        if bounds:
            found.append((name, int(bounds[1]), int(bounds[2])))
    return sorted(found, key=lambda r: r[1])


def missing_ranges(cur, table: str) -> list[int]:
    """The partition numbers (n holds period ids n*PARTITION_WIDTH up to the next) that the periods stored
    now, plus SPARE_PARTITIONS beyond the highest, call for and the table lacks."""
    have = {lo // PARTITION_WIDTH for _name, lo, _hi in ranges(cur, table)}
    (top_period,) = _rows(cur, f"SELECT COALESCE(MAX(id), 0) FROM {PERIODS_TABLE}")[0]
    return [n for n in range(top_period // PARTITION_WIDTH + SPARE_PARTITIONS + 1) if n not in have]


def extend(cur, table: str) -> tuple[list[str], int]:
    """Create the ranges `missing_ranges` names and move the default partition's rows into them.

    PostgreSQL refuses a new range while the default partition holds rows in it, so the rows of every new
    range leave the default partition first (kept aside in a temporary table), the ranges are created, and
    the rows go back in through the parent, which routes them to their range. Ids and every column are kept.
    A key into this table must be dropped first and added back after (`extend_all` does both): PostgreSQL
    checks a key into a partitioned table partition by partition, and a row moved to another partition
    counts as gone, even with the row back. Returns the partitions created and the rows moved.
    """
    numbers = missing_ranges(cur, table)
    if not numbers:
        return [], 0
    q, aside = f'"{table}"', f'"{table}__moving"'
    inside = " OR ".join(
        f"({PARTITION_COLUMN} >= {n * PARTITION_WIDTH} AND {PARTITION_COLUMN} < {(n + 1) * PARTITION_WIDTH})"
        for n in numbers
    )
    cur.execute(f"LOCK TABLE {q} IN EXCLUSIVE MODE")  # readers go on; a writer waits for the commit
    cur.execute(f"DROP TABLE IF EXISTS {aside}")
    cur.execute(f"CREATE TEMPORARY TABLE {aside} (LIKE {q})")
    cur.execute(
        f'WITH moved AS (DELETE FROM "{table}_pdefault" WHERE {inside} RETURNING *) INSERT INTO {aside} SELECT * FROM moved'
    )
    moved = cur.rowcount
    created = []
    for n in numbers:
        name = f"{table}_p{n:04d}"
        cur.execute(
            f'CREATE TABLE "{name}" PARTITION OF {q} '
            f"FOR VALUES FROM ({n * PARTITION_WIDTH}) TO ({(n + 1) * PARTITION_WIDTH})"
        )
        created.append(name)
    cur.execute(f"INSERT INTO {q} SELECT * FROM {aside}")
    cur.execute(f"DROP TABLE {aside}")
    return created, moved


# The tables whose composite key refers to a value, by the column that holds it. The versions' key to their
# value is kept by the write path instead (migration monitoring 0014, docs/decisions/0008-import-floor.md).
REFERRING_KEYS = tuple((t, "data_value_id") for t in REFERRING_TABLES)


def extend_all(cur) -> list[tuple[str, list[str], int]]:
    """`extend` every partitioned table, in one transaction (the caller's), as (table, created, moved).

    When the values gain ranges, the keys into them (reviews') are dropped first and added back
    after, which checks every row again: nothing is moved without its key holding at the end, and if the
    check fails the transaction undoes the lot.
    """
    rekey = bool(missing_ranges(cur, PARTITIONED_TABLES[0]))
    # the deferred key checks of what this transaction wrote run now: PostgreSQL alters no table with some
    # still pending
    cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    if rekey:
        for table, column in REFERRING_KEYS:
            cur.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{table}_{column}_composite_fk"')
    done = [(table, *extend(cur, table)) for table in PARTITIONED_TABLES]
    if rekey:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, column in REFERRING_KEYS:
            composite_foreign_key(cur, table, column, PARTITIONED_TABLES[0])
    cur.execute("SET CONSTRAINTS ALL DEFERRED")
    return done


# new values in one batch from which their partitions' statistics are refreshed (analyze_touched)
ANALYZE_NEW_ROWS = 1_000


def analyze_touched(cur, table: str, period_ids) -> list[str]:
    """ANALYZE the partitions of `table` that hold these periods (not the whole table); returns their names.

    Why: statistics taken before a period had values say it has next to none. The foreign-key checks
    PostgreSQL runs at commit, one per version written, then read the value through the period's index,
    the whole new month for each row, instead of through its key: a 20,000-row month spent 15 to 20 s in
    COMMIT (auto_explain showed the plan), against under a second with its partition analysed. One
    partition is sampled, not the table, so the cost stays the same however many years are stored.
    """
    known = ranges(cur, table)  # the catalogue only: no count of the default partition on every batch
    ids = sorted(set(period_ids))
    names = sorted({name for name, lo, hi in known for pid in ids if lo <= pid < hi})
    if any(not any(lo <= pid < hi for _n, lo, hi in known) for pid in ids):
        names.append(f"{table}_pdefault")
    for name in names:
        cur.execute(f'ANALYZE "{name}"')
    return names
