"""Org units, their levels and periods now live in architecture (same tables).

State only: this app's foreign keys follow them, then the old model entries go.
It runs after every other app's keys have followed (collection, incentives).
"""

import django.db.models.deletion
from django.db import migrations, models

CASCADE, PROTECT = django.db.models.deletion.CASCADE, django.db.models.deletion.PROTECT


class Migration(migrations.Migration):

    dependencies = [
        ("architecture", "0003_places_and_periods_from_monitoring"),
        ("collection", "0004_reminder_period_in_architecture"),
        ("incentives", "0002_places_and_periods_in_architecture"),
        ("monitoring", "0005_datavalue_unverified_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(model_name="alert", name="org_unit",
                                  field=models.ForeignKey(on_delete=CASCADE, related_name="+", to="architecture.orgunit")),
            migrations.AlterField(model_name="alert", name="period",
                                  field=models.ForeignKey(on_delete=PROTECT, related_name="+", to="architecture.period")),
            migrations.AlterField(model_name="datavalue", name="org_unit",
                                  field=models.ForeignKey(on_delete=PROTECT, related_name="values",
                                                          to="architecture.orgunit")),
            migrations.AlterField(model_name="datavalue", name="period",
                                  field=models.ForeignKey(on_delete=PROTECT, related_name="values",
                                                          to="architecture.period")),
            migrations.AlterField(model_name="rollup", name="org_unit",
                                  field=models.ForeignKey(on_delete=CASCADE, related_name="rollups",
                                                          to="architecture.orgunit")),
            migrations.AlterField(model_name="rollup", name="parent",
                                  field=models.ForeignKey(
                                      blank=True, null=True, on_delete=CASCADE, related_name="+", to="architecture.orgunit",
                                      help_text="The org unit's parent, copied here so a drill-down is one index range.")),
            migrations.AlterField(model_name="rollup", name="period",
                                  field=models.ForeignKey(on_delete=CASCADE, related_name="+", to="architecture.period")),
            migrations.DeleteModel(name="OrgUnit"),
            migrations.DeleteModel(name="OrgUnitLevel"),
            migrations.DeleteModel(name="Period"),
        ]),
    ]
