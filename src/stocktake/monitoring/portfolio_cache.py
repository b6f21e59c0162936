"""Caching the portfolio's per-indicator numbers until the data or the rules behind them change.

The portfolio page and /api/monitoring/portfolio work out, for every visible
indicator, its official latest value, plan, status, trend and forecast: about
10 ms of CPU each, most of it the forecast. Under 16 readers at once that was
1-2 pages a second. The numbers change only when the indicator's rollups are
refreshed (every value write, validation, publication or return bumps its
RollupStamp in the same transaction), when its national target is revised,
or when the indicator itself is edited. The key holds exactly those: the
rollup stamp, the target's id, revision and figures, every stored field of the
indicator, the root unit, and the reader's visibility class. So a write is
seen by the very next request, in every process (the stamps live in the
database), with no invalidation code in the write paths.

The visibility class (everything / one ministry's / the public's) is in the
key although today an indicator's summary is the same for every reader who may
see it: if the summary ever depends on who reads (what the public may see of
unpublished figures), a cached one still never crosses from one class to
another. Which priorities a reader sees is decided outside the cache, on every
request. A short lifetime bounds anything the key cannot see.

The structure (pillars, priorities, outcomes, names) is read fresh on every
request; only the computed summaries are cached, and the live indicator is put
back on each, so a renamed indicator shows its new name at once.
"""

from __future__ import annotations

import copy
import hashlib

from django.core.cache import cache
from django.utils import translation

from stocktake.accounts import permissions
from stocktake.architecture.models import Indicator, Target

from . import rollups

TTL = 300


def reader_class(user) -> str:
    """Who may see what: the delivery unit sees everything, a ministry its own and the published, the public
    the published. Readers in one class see the same numbers."""
    if permissions.can_read_unpublished(user):
        return "all"
    if permissions.can_read_all(user):  # an observer: every priority, published values only (decision 0005)
        return "all-published"
    org = permissions.organisation_id(user)
    return f"org:{org}" if org is not None else "public"


def _indicator_sig(indicator) -> tuple:
    return tuple(str(getattr(indicator, f.attname)) for f in Indicator._meta.concrete_fields)


def _target_sigs(indicator_ids) -> dict[int, tuple]:
    """The national target of each indicator, as everything its plan is built from (one query)."""
    fields = [
        "indicator_id",
        "pk",
        "revision",
        "baseline_value",
        "baseline_date",
        "target_value",
        "target_date",
        "trajectory_method",
        "stages",
        "status",
    ]
    rows = Target.objects.filter(indicator_id__in=list(indicator_ids), org_unit=None).values_list(*fields)
    return {row[0]: tuple(str(x) for x in row[1:]) for row in rows}


def keys(user, root, indicators, bases=None) -> dict[int, str]:
    """The cache key of each indicator's summary at this root for this reader (two queries for all of them).

    `bases` ({indicator id: series.Basis}) are the parts of the rollups the reader's figures come from: a
    summary from the published part is never served to a reader of every part, nor the other way round."""
    bases = bases or {}
    ids = [i.pk for i in indicators]
    stamps = dict(rollups.stamps(ids))
    targets = _target_sigs(ids)
    who = reader_class(user)
    lang = translation.get_language()
    out = {}
    for ind in indicators:
        basis = getattr(bases.get(ind.pk), "name", "")
        # the language too: a summary's outlook carries a sentence (its note) in the reader's language
        parts = (who, basis, root.pk if root else None, stamps[ind.pk], targets.get(ind.pk), _indicator_sig(ind), lang)
        out[ind.pk] = "monitoring-portfolio:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    return out


def _detached(summary):
    """A copy to store without the rows it hangs from: an indicator read with the portfolio's prefetch knows its
    outcome, priority and pillar, and each of those every sibling, so pickling it would store the whole tree."""
    stored = copy.copy(summary)
    stored.indicator = None
    if summary.target is not None:
        stored.target = copy.copy(summary.target)
        stored.target._state = copy.copy(summary.target._state)
        stored.target._state.fields_cache = {}
    return stored


def summaries(user, root, indicators, compute, bases=None) -> dict:
    """{indicator id: compute(indicator)}, from the cache where its key still holds, computed and stored otherwise."""
    indicators = list(indicators)
    if not indicators:
        return {}
    by_key = keys(user, root, indicators, bases)
    found = cache.get_many(list(by_key.values()))
    out, fresh = {}, {}
    for ind in indicators:
        k = by_key[ind.pk]
        summary = found.get(k)
        if summary is None:
            summary = compute(ind)
            fresh[k] = _detached(summary)
        summary.indicator = ind  # the live row: names and labels as they are now
        out[ind.pk] = summary
    if fresh:
        cache.set_many(fresh, TTL)
    return out
