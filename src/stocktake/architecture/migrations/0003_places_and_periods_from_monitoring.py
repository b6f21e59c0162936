"""Org units, their levels and periods move from monitoring to architecture (the layer below).

State only: the tables keep their names (monitoring_orgunit, monitoring_orgunitlevel,
monitoring_period), so no row moves and no foreign key is rebuilt. The content types
are relabelled so that back-office permissions and history keep pointing at the same rows.
"""

import django.db.models.deletion
from django.db import migrations, models

MOVED = ["orgunitlevel", "orgunit", "period"]


def relabel_content_types(apps, schema_editor, old="monitoring", new="architecture"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        if not ContentType.objects.using(db).filter(app_label=new, model=model).exists():
            ContentType.objects.using(db).filter(app_label=old, model=model).update(app_label=new)


def unrelabel_content_types(apps, schema_editor):
    relabel_content_types(apps, schema_editor, old="architecture", new="monitoring")


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_api_tokens_append_only_audit"),
        ("architecture", "0002_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("monitoring", "0005_datavalue_unverified_index"),
    ]

    state_operations = [
        migrations.CreateModel(
            name="OrgUnitLevel",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("depth", models.PositiveSmallIntegerField(unique=True)),
                ("name", models.CharField(max_length=60)),
            ],
            options={"db_table": "monitoring_orgunitlevel", "ordering": ["depth"]},
        ),
        migrations.CreateModel(
            name="Period",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=20, unique=True)),
                ("kind", models.CharField(choices=[("D", "Daily"), ("W", "Weekly"), ("M", "Monthly"), ("Q", "Quarterly"),
                                                   ("Y", "Yearly"), ("FY", "Financial year")], max_length=2)),
                ("start", models.DateField()),
                ("end", models.DateField()),
            ],
            options={"db_table": "monitoring_period", "ordering": ["start", "kind"]},
        ),
        migrations.CreateModel(
            name="OrgUnit",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=60, unique=True)),
                ("name", models.CharField(max_length=200)),
                ("depth", models.PositiveSmallIntegerField(default=1, editable=False)),
                ("path", models.CharField(db_index=True, default="", editable=False, max_length=255)),
                ("organisation", models.ForeignKey(
                    blank=True, help_text="The subnational government or provider responsible for this unit, if any.",
                    null=True, on_delete=django.db.models.deletion.SET_NULL, to="accounts.organisation")),
                ("parent", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                             related_name="children", to="architecture.orgunit")),
            ],
            options={
                "verbose_name": "org unit",
                "db_table": "monitoring_orgunit",
                "ordering": ["path"],
                "indexes": [models.Index(fields=["depth", "path"], name="orgunit_depth_path")],
            },
        ),
        migrations.AlterField(
            model_name="target",
            name="org_unit",
            field=models.ForeignKey(blank=True, help_text="Blank for the national target.", null=True,
                                    on_delete=django.db.models.deletion.PROTECT, to="architecture.orgunit"),
        ),
        migrations.AlterField(
            model_name="trajectorypoint",
            name="period",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to="architecture.period"),
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations, database_operations=[]),
        migrations.RunPython(relabel_content_types, unrelabel_content_types),
    ]
