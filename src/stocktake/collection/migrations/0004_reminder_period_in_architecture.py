"""Periods now live in architecture (same table): the foreign key follows, in the state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("architecture", "0003_places_and_periods_from_monitoring"),
        ("collection", "0003_import_jobs"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name="reminder",
                name="period",
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                        to="architecture.period"),
            ),
        ]),
    ]
