"""A review carries its value's indicator and period, and refers to the value by (id, indicator, period).

On PostgreSQL the values' table is partitioned by period and keyed by indicator (monitoring's 0010,
docs/decisions/0007-distribution.md); a key into it must name all three columns, and the review's own
primary key becomes (id, indicator), as a table co-located with the values needs. SQLite keeps Django's keys.
"""

import django.db.models.deletion
from django.db import migrations, models


def fill_review_keys(apps, schema_editor):
    with schema_editor.connection.cursor() as cur:
        cur.execute(
            "UPDATE collection_review SET "
            "indicator_id = (SELECT v.indicator_id FROM monitoring_datavalue v WHERE v.id = data_value_id), "
            "period_id = (SELECT v.period_id FROM monitoring_datavalue v WHERE v.id = data_value_id)"
        )


def composite_key(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from stocktake.monitoring import distribution as D

    with schema_editor.connection.cursor() as cur:
        D.composite_foreign_key(cur, "collection_review", "data_value_id", "monitoring_datavalue")
        D.distribution_primary_key(cur, "collection_review")


class Migration(migrations.Migration):
    dependencies = [
        ("architecture", "0003_places_and_periods_from_monitoring"),
        ("collection", "0006_importbatch_language"),
        ("monitoring", "0010_partition_values_by_period"),
    ]

    operations = [
        migrations.AddField(
            model_name="review",
            name="indicator",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="architecture.indicator"
            ),
        ),
        migrations.AddField(
            model_name="review",
            name="period",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="architecture.period"
            ),
        ),
        migrations.RunPython(fill_review_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="review",
            name="indicator",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="architecture.indicator"
            ),
        ),
        migrations.AlterField(
            model_name="review",
            name="period",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="architecture.period"),
        ),
        migrations.RunPython(composite_key, migrations.RunPython.noop),
    ]
