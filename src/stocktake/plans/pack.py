"""The delivery plans section of a stocktake pack: each agenda priority's strategy profiles and chains.

The routines app asks for it when it builds a pack; this module owns what a
plan page holds so the pack and the plan page never disagree. Profiles
reuse plans/_profile.html; a chain shared by the whole priority is drawn
once, not once per strategy.
"""

from __future__ import annotations

from django.utils import timezone

from stocktake.accounts import audit
from stocktake.delivery import chains as CH

from . import charts, queries
from .models import DeliveryChain

PRINT_CHAIN_WIDTH = 560  # CSS px, the pack's text width on A4 and Letter


def pages(priorities, *, for_pdf: bool = False, as_of=None) -> list[dict]:
    """One entry per priority that has a plan: its strategies' profiles and its delivery chains.

    For a PDF the chain diagrams are rendered to SVG here (vl-convert), from the same specs the
    page draws in the browser. At a moment (`as_of`, a frozen pack) the strategies, milestones, impacts
    and risks are as they stood then (accounts.audit.as_of); chains and the value ranking are today's.
    """
    out = []
    today = timezone.localdate(as_of) if as_of else timezone.localdate()
    for priority in priorities:
        strategies = queries.strategies(priority, include_withdrawn=as_of is not None)
        if as_of is not None:  # each as it stood: withdrawn only if it had been by then
            strategies = [s for s in audit.as_of(strategies, as_of) if s.withdrawn_at is None]
        chains = list(
            DeliveryChain.objects.filter(priority=priority)
            .select_related("strategy")
            .prefetch_related("actors", "links")
        )
        if not strategies and not chains:
            continue
        rank = {c.key: r for r, c in queries.value_ranking(strategies)}
        profiles = [
            {
                "s": s,
                "rank": rank.get(s.pk),
                "milestones": audit.as_of(s.milestones.all(), as_of),
                "impacts": audit.as_of(s.impacts.all(), as_of),
                "risks": audit.as_of(s.risks.select_related("owner"), as_of),
            }
            for s in strategies
        ]
        drawn = []
        for chain in chains:
            view = queries.chain_view(chain)
            spec = charts.chain_spec(view, width=PRINT_CHAIN_WIDTH if for_pdf else "container") if view.actors else None
            entry = {"view": view, "spec": spec, "id": f"pack-chain-{chain.pk}"}
            if for_pdf and spec:
                import vl_convert

                entry["svg"] = vl_convert.vegalite_to_svg(spec)
            drawn.append(entry)
        out.append(
            {"priority": priority, "profiles": profiles, "chains": drawn, "today": today, "questions": CH.questions()}
        )
    return out
