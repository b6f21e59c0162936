"""Values, versions and rollups partitioned by period and keyed by indicator on PostgreSQL.

Versions carry their value's indicator and period (filled here from the value); on PostgreSQL the three
tables are then rebuilt as range-partitioned tables whose keys all include the indicator
(stocktake.monitoring.distribution, docs/decisions/0007-distribution.md). SQLite keeps plain tables.
Runs after collection's tables exist, so that the review's key to a value is dropped here and added back
composite by collection's next migration.
"""

import django.db.models.deletion
from django.db import migrations, models


def fill_version_keys(apps, schema_editor):
    with schema_editor.connection.cursor() as cur:
        cur.execute(
            "UPDATE monitoring_datavalueversion SET "
            "indicator_id = (SELECT v.indicator_id FROM monitoring_datavalue v WHERE v.id = data_value_id), "
            "period_id = (SELECT v.period_id FROM monitoring_datavalue v WHERE v.id = data_value_id)"
        )


def partition_tables(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from stocktake.monitoring import distribution as D

    with schema_editor.connection.cursor() as cur:
        for table in D.PARTITIONED_TABLES:
            D.partition(cur, table)
        D.composite_foreign_key(cur, "monitoring_datavalueversion", "data_value_id", "monitoring_datavalue")


class Migration(migrations.Migration):
    atomic = True

    dependencies = [
        ("architecture", "0003_places_and_periods_from_monitoring"),
        ("collection", "0006_importbatch_language"),
        ("monitoring", "0009_rollup_expected_weight"),
    ]

    operations = [
        migrations.AddField(
            model_name="datavalueversion",
            name="indicator",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="architecture.indicator",
            ),
        ),
        migrations.AddField(
            model_name="datavalueversion",
            name="period",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="architecture.period",
            ),
        ),
        migrations.RunPython(fill_version_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="datavalueversion",
            name="indicator",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="architecture.indicator"
            ),
        ),
        migrations.AlterField(
            model_name="datavalueversion",
            name="period",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="architecture.period"),
        ),
        migrations.RemoveConstraint(model_name="datavalueversion", name="one_row_per_version"),
        migrations.AddConstraint(
            model_name="datavalueversion",
            constraint=models.UniqueConstraint(
                fields=("data_value", "version", "indicator", "period"), name="one_row_per_version"
            ),
        ),
        migrations.RunPython(partition_tables, migrations.RunPython.noop),
    ]
