"""A strategy's profile: what its page and its PDF page show, built once for both (views.py, pdf.py)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from stocktake.accounts import permissions as perm
from stocktake.accounts.models import AuditEntry
from stocktake.architecture.models import Indicator
from stocktake.delivery import chains as CH

from . import access, charts, forms, queries


def profile_context(request, priority, strategy, for_pdf=False):
    # Without a request it is a stocktake pack, the delivery unit's own; a reader's page shows the chains and
    # risks only to those who may read them (plans.access.can_read_internal).
    internal = request is None or access.can_read_internal(request.user, priority)
    own = (list(strategy.chains.all()) or list(priority.delivery_chains.filter(strategy=None))) if internal else []
    chains = [queries.chain_view(c) for c in own]
    rank = {c.key: r for r, c in queries.value_ranking(queries.strategies(priority))}.get(strategy.pk)
    return {
        "priority": priority,
        "s": strategy,
        "rank": rank,
        "milestones": strategy.milestones.select_related("owner"),
        "impacts": strategy.impacts.select_related("indicator"),
        "risks": strategy.risks.select_related("owner") if internal else [],
        "internal": internal,
        "questions": CH.questions(),
        "strengths": list(CH.STRENGTHS.items()),
        "chains": [
            {
                "view": v,
                "spec": charts.chain_spec(v, width=640 if for_pdf else "container") if v.actors else None,
                "id": f"chain-{v.chain.pk}",
            }
            for v in chains
        ],
        "can_edit": not for_pdf and perm.can_edit_plan(request.user, priority),
        "for_pdf": for_pdf,
        "today": timezone.localdate(),
        "impact_form": forms.ImpactForm(indicators=performance_indicators(priority)) if not for_pdf else None,
        "milestone_form": forms.MilestoneForm() if not for_pdf else None,
        "history": history(strategy) if not for_pdf else [],
    }


def history(strategy):
    """Every audited change to the strategy and its estimates, newest first: what the plan used to say."""
    impact_ids = [str(i) for i in strategy.impacts.values_list("pk", flat=True)]
    return AuditEntry.objects.filter(
        Q(model="plans.strategy", object_id=str(strategy.pk))
        | Q(model="plans.strategyimpact", object_id__in=impact_ids)
    ).select_related("user")[:30]


def performance_indicators(priority):
    """The priority's performance indicators: what a strategy's estimate of impact may name."""
    return Indicator.objects.filter(outcome__priority=priority, kind=Indicator.Kind.PERFORMANCE)
