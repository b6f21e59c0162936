"""Keep RollupValue current when a single value is saved outside an import (a form, the admin, a correction).

Imports hand their differences to rollups.apply themselves; bulk writes send
no signals, so only one-at-a-time saves arrive here.
"""

from __future__ import annotations

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from stocktake.monitoring.models import DataValue

from . import rollups


@receiver(pre_save, sender=DataValue)
def remember_old_value(sender, instance: DataValue, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._rollup_old = None
        return
    instance._rollup_old = DataValue.objects.filter(pk=instance.pk).values_list("value", "numerator", "denominator").first()


@receiver(post_save, sender=DataValue)
def apply_difference(sender, instance: DataValue, created=False, raw=False, **kwargs):
    if raw or instance.disaggregation:
        return
    old = None if created else getattr(instance, "_rollup_old", None)
    new = (instance.value, instance.numerator, instance.denominator)
    if old == new:
        return
    rollups.apply([(instance.indicator_id, instance.org_unit_id, instance.period_id, "", old, new)])
