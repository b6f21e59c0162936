"""The cell key reordered (indicator, period, org unit, disaggregation): a month's new values are one run of it.

The key now begins with (indicator, period), so the separate index on those two goes. See the comment on
DataValue.Meta and docs/collection.md (growth).
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('architecture', '0010_translations'),
        ('monitoring', '0011_fewer_checks_on_bulk_tables'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='datavalue',
            name='one_value_per_cell',
        ),
        migrations.RemoveIndex(
            model_name='datavalue',
            name='monitoring__indicat_882d05_idx',
        ),
        migrations.AddConstraint(
            model_name='datavalue',
            constraint=models.UniqueConstraint(fields=('indicator', 'period', 'org_unit', 'disaggregation'), name='one_value_per_cell'),
        ),
    ]
