"""Django's PostgreSQL backend, told that `id` alone is not the database's primary key of the values' tables.

On PostgreSQL the values, versions and rollups are partitioned tables whose primary key is
(id, indicator_id, period_id) (monitoring.distribution, docs/decisions/0007-distribution.md). Django
groups an aggregate by a model's primary key alone when it can (PostgreSQL then infers the other columns
from it); with `id` no longer the whole key, PostgreSQL refuses that GROUP BY. This backend makes Django
group those tables' rows by every selected column instead, as it does on SQLite. Everything else is
Django's backend unchanged; settings.py uses it whenever the database is PostgreSQL.
"""

from django.db.backends.postgresql import base, features

from stocktake.monitoring.distribution import PARTITIONED_TABLES, REFERRING_TABLES

COMPOSITE_KEYS = frozenset(PARTITIONED_TABLES) | frozenset(REFERRING_TABLES)


class DatabaseFeatures(features.DatabaseFeatures):
    def allows_group_by_selected_pks_on_model(self, model):
        return model._meta.db_table not in COMPOSITE_KEYS and super().allows_group_by_selected_pks_on_model(model)


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
