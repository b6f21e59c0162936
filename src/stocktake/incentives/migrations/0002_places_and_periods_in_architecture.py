"""Org units and periods now live in architecture (same tables): the foreign keys follow, in the state only."""

import django.db.models.deletion
from django.db import migrations, models

PROTECT = django.db.models.deletion.PROTECT


class Migration(migrations.Migration):

    dependencies = [
        ("architecture", "0003_places_and_periods_from_monitoring"),
        ("incentives", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(model_name="payment", name="period",
                                  field=models.ForeignKey(on_delete=PROTECT, related_name="+", to="architecture.period")),
            migrations.AlterField(model_name="samplecheck", name="period",
                                  field=models.ForeignKey(on_delete=PROTECT, related_name="+", to="architecture.period")),
            migrations.AlterField(model_name="scheme", name="first_period",
                                  field=models.ForeignKey(on_delete=PROTECT, related_name="+", to="architecture.period")),
            migrations.AlterField(model_name="scheme", name="last_period",
                                  field=models.ForeignKey(on_delete=PROTECT, related_name="+", to="architecture.period")),
            migrations.AlterField(model_name="scheme", name="org_unit",
                                  field=models.ForeignKey(
                                      help_text="Where the result is measured: everything reported beneath it counts.",
                                      on_delete=PROTECT, to="architecture.orgunit")),
        ]),
    ]
