"""Caching the big grids (heat maps, league tables) until their numbers or rules change.

A national heat map is read far more often than its data change. The key
holds everything the grid is computed from: the rollup versions of the
indicators (bumped by every refresh, stored in the database so every
process sees them), the indicator's bands, the national target's revision
and values, and the view's own parameters, among them the reader's Basis
(every state, or published values only). Permission checks happen before
the cache is consulted; a cached grid depends on who asks only through the
basis in its key. A short
lifetime bounds anything the key cannot see, such as a renamed org unit.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

from . import rollups

TTL = 300


def _target_sig(indicator) -> tuple:
    t = (
        indicator.targets.filter(org_unit=None)
        .values_list(
            "pk", "revision", "baseline_value", "baseline_date", "target_value", "target_date", "trajectory_method"
        )
        .first()
    )
    return tuple(str(x) for x in t) if t else ()


def key(kind: str, indicators, *params) -> str:
    indicators = list(indicators)
    parts = [kind, rollups.stamps([i.pk for i in indicators]), params]
    parts += [
        (i.pk, i.on_track_band, i.off_track_band, i.direction, i.aggregation, i.ratio_scale, i.decimals, _target_sig(i))
        for i in indicators
    ]
    return "monitoring-grid:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def get_or_build(cache_key: str, build):
    value = cache.get(cache_key)
    if value is None:
        value = build()
        cache.set(cache_key, value, TTL)
    return value
