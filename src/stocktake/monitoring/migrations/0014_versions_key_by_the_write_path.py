"""On PostgreSQL, a version's key to its value is kept by the write path, no longer checked row by row.

A key into a partitioned table is checked through the partitioned parent: about 28 us a version at commit,
28.5 s of a national month's 45 s COMMIT (1,000,000 versions; docs/decisions/0008-import-floor.md). Every
version is written from its value in the same statement (monitoring.versionsql) or from the saved value
(DataValueVersion.save), and values are never deleted while they have versions (Django's PROTECT), so the
check only ever said what the write path already does. SQLite keeps its plain key (cheap there). Reversible:
going back adds the key again, which checks every version.
"""

from django.db import migrations

TABLE, COLUMN, TARGET = "monitoring_datavalueversion", "data_value_id", "monitoring_datavalue"


def drop_key(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cur:
        cur.execute(f'ALTER TABLE "{TABLE}" DROP CONSTRAINT IF EXISTS "{TABLE}_{COLUMN}_composite_fk"')


def add_key(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from stocktake.monitoring import distribution as D

    with schema_editor.connection.cursor() as cur:
        D.composite_foreign_key(cur, TABLE, COLUMN, TARGET)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0013_published_versions_index")]

    operations = [migrations.RunPython(drop_key, add_key)]
