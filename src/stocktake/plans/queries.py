"""Reading plans back, for pages, the API, PDFs, the portfolio and stocktake packs.

Other apps call these rather than querying plans' tables, e.g. the routines
app's stocktake packs: `milestones_for(priority, late_only=True)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from stocktake.architecture.models import Indicator, Outcome, Target
from stocktake.delivery import chains as CH
from stocktake.delivery import composition as CO
from stocktake.delivery import rubric as RU
from stocktake.delivery import strategy_matrix as SM
from stocktake.monitoring import series

from .models import DeliveryChain, Milestone, Risk, RubricRating, Strategy, StrategyImpact

TREND_PERIODS = 12  # how much history before the baseline sets the "against history" trend


def milestones_for(priority, *, late_only: bool = False, at_risk: bool = False, today=None) -> list[Milestone]:
    """Milestones of the priority's active strategies, soonest due first.

    late_only: not done and past due. at_risk: also those marked at risk
    (with late_only, the union of both: what a stocktake should discuss).
    """
    today = today or timezone.localdate()
    qs = (
        Milestone.objects.filter(strategy__priority=priority, strategy__withdrawn_at=None)
        .select_related("strategy", "owner")
        .order_by("due_date", "name")
    )
    items = list(qs)
    if late_only or at_risk:
        items = [
            m for m in items if (late_only and m.is_late(today)) or (at_risk and m.status == Milestone.Status.AT_RISK)
        ]
    return items


def milestone_counts(priority_ids, today=None) -> dict[int, dict[str, int]]:
    """{priority id: {"late": n, "at_risk": n}} in one query, for the portfolio."""
    today = today or timezone.localdate()
    out: dict[int, dict[str, int]] = {}
    qs = (
        Milestone.objects.filter(strategy__priority_id__in=priority_ids, strategy__withdrawn_at=None)
        .exclude(status=Milestone.Status.DONE)
        .values_list("strategy__priority_id", "due_date", "status")
    )
    for pid, due, status in qs:
        c = out.setdefault(pid, {"late": 0, "at_risk": 0})
        if due < today:
            c["late"] += 1
        elif status == Milestone.Status.AT_RISK:
            c["at_risk"] += 1
    return out


def strategies(priority, include_withdrawn=False):
    qs = (
        Strategy.objects.filter(priority=priority)
        .select_related("leader")
        .prefetch_related("milestones__owner", "impacts__indicator", "outcomes", "chains")
    )
    return list(qs if include_withdrawn else qs.filter(withdrawn_at=None))


def national_target(indicator):
    return indicator.targets.filter(org_unit=None).first()


def history_trend(indicator, target) -> float:
    """Slope of the national series over the periods up to the baseline: the 'against history' line."""

    root = series.indicator_root(indicator)  # the default root, or the one the indicator reports under
    if root is None:
        return 0.0
    values = [
        v for r, v in series.series(indicator, root) if v is not None and r["period__end"] <= target.baseline_date
    ]
    return CO.trend_per_period(values[-TREND_PERIODS:])


@dataclass
class ComposedIndicator:
    indicator: object
    target: object
    composed: CO.Composed
    impacts: list
    with_trend: bool

    @property
    def sentence(self) -> str:
        ind = self.indicator
        return CO.gap_sentence(
            self.composed,
            fmt=ind.fmt,
            gap_fmt=lambda v: _points(ind, v),
            month=lambda d: formats.date_format(d, "YEAR_MONTH_FORMAT"),
        )


def composed_for(indicator, *, with_trend=False, strategies_=None) -> ComposedIndicator | None:
    """The indicator's trajectory composed from the active strategies' impacts, or None without a target."""
    target = national_target(indicator)
    if target is None:
        return None
    impacts = list(
        StrategyImpact.objects.filter(indicator=indicator, strategy__withdrawn_at=None)
        .select_related("strategy")
        .order_by("start_date", "strategy__rank", "strategy__name")
    )
    if strategies_ is not None:
        allowed = {s.pk for s in strategies_}
        impacts = [i for i in impacts if i.strategy_id in allowed]
    trend = history_trend(indicator, target) if with_trend else 0.0
    composed = CO.compose(
        kind=indicator.frequency,
        baseline_date=target.baseline_date,
        baseline_value=target.baseline_value,
        until=target.target_date,
        contributions=[i.as_plain() for i in impacts],
        trend_per_period=trend,
        target_value=target.target_value,
        direction=indicator.direction,
    )
    return ComposedIndicator(indicator, target, composed, impacts, with_trend)


def composed_for_priority(priority, with_trend=False) -> list[ComposedIndicator]:
    out = []
    for ind in Indicator.objects.filter(outcome__priority=priority, kind=Indicator.Kind.PERFORMANCE).order_by("rank"):
        if not StrategyImpact.objects.filter(indicator=ind, strategy__withdrawn_at=None).exists():
            continue
        c = composed_for(ind, with_trend=with_trend)
        if c:
            out.append(c)
    return out


@dataclass
class ChainView:
    chain: DeliveryChain
    actors: list
    links: list
    analysis: CH.Analysis | None
    error: str = ""

    def name(self, key) -> str:
        return self._names.get(str(key), str(key))

    def __post_init__(self):
        self._names = {str(a.pk): a.name for a in self.actors}

    def path_names(self, path) -> str:
        return " → ".join(self.name(k) for k in path)

    @property
    def named(self) -> dict:
        """The analysis with actor names in place of keys, for pages and PDFs."""
        an = self.analysis
        if an is None:
            return {}
        return {
            "weakest": [
                {
                    "path": self.path_names(w["path"]),
                    "to": self.name(w["path"][-1]),
                    "link": self.path_names(w["link"]),
                    "strength": w["strength"],
                }
                for w in an.weakest
            ],
            "unreached": [self.name(k) for k in an.unreached_frontline],
            "misaligned": [self.path_names(pair) for pair in an.misaligned_funding],
            "choke": [self.name(k) for k in an.choke_points],
            "central": [(self.name(k), v) for k, v in an.central[:3]],
            "no_feedback": [self.path_names(p) for p in an.paths_without_feedback],
        }


def chain_view(chain: DeliveryChain) -> ChainView:
    actors = list(chain.actors.all())
    links = list(chain.links.select_related("source", "target"))
    try:
        analysis = CH.analyse([a.as_plain() for a in actors], [lk.as_plain() for lk in links])
        return ChainView(chain, actors, links, analysis)
    except CH.ChainError as exc:
        return ChainView(chain, actors, links, None, str(exc))


def current_ratings(priority) -> dict[str, RubricRating]:
    out: dict[str, RubricRating] = {}
    for r in RubricRating.objects.filter(priority=priority).select_related("by").order_by("criterion", "-at", "-id"):
        out.setdefault(r.criterion, r)
    return out


def plan_facts(priority, strategies_=None, composed=None) -> RU.PlanFacts:
    strategies_ = strategies_ if strategies_ is not None else strategies(priority)
    chains = {c.pk: c for c in DeliveryChain.objects.filter(priority=priority).prefetch_related("actors", "links")}
    feedback_ok = {}
    for pk, c in chains.items():
        view = chain_view(c)
        feedback_ok[pk] = bool(view.analysis and view.analysis.paths and not view.analysis.paths_without_feedback)
    facts = []
    for s in strategies_:
        # a chain drawn for the whole priority serves every strategy without one of its own
        own = [c for c in chains.values() if c.strategy_id == s.pk] or [
            c for c in chains.values() if c.strategy_id is None
        ]
        facts.append(
            RU.StrategyFacts(
                name=s.name,
                leaders=1 if s.leader_id else 0,
                milestones=len(s.milestones.all()),
                contributions=len(s.impacts.all()),
                cost_known=s.cost is not None,
                has_chain=bool(own),
                chain_has_feedback=bool(own) and all(feedback_ok[c.pk] for c in own),
                success_defined=bool(s.definition_of_success.strip()),
            )
        )
    composed = composed if composed is not None else composed_for_priority(priority)
    gaps = [c.composed.gap for c in composed if c.composed.gap is not None]
    risks = Risk.objects.filter(priority=priority, status=Risk.Status.OPEN)

    return RU.PlanFacts(
        strategies=facts,
        outcome_leader=Outcome.objects.filter(priority=priority).exists()
        and not Outcome.objects.filter(priority=priority, leader=None).exists(),
        has_target=Target.objects.filter(indicator__outcome__priority=priority).exists(),
        target_gap=max(gaps) if gaps else None,
        risks=risks.count(),
        risks_without_mitigation=risks.filter(mitigation="").count(),
    )


def value_ranking(strategies_, composed=None) -> list[tuple[int, SM.Costed]]:
    """Rule 6: impact per unit of cost, using each strategy's impact on the priority's first indicator it moves.

    Impacts are counted towards the target (a cut on a lower-is-better
    indicator is a positive impact), so strategies compare on one scale.
    """
    items = []
    for s in strategies_:
        impacts = list(s.impacts.all())
        effect = None
        if impacts:
            i = impacts[0]
            effect = i.effect if i.indicator.direction == "up" else -i.effect
        items.append(SM.Costed(s.pk, s.name, effect, float(s.cost) if s.cost is not None else None))
    return SM.rank_by_value(items)


def _points(ind, gap) -> str:
    """A gap in the indicator's unit: between two percentages, percentage points (0.9 pp), not 0.9%."""
    if ind.unit != "%":
        return ind.fmt(gap)
    return _("%(n)s pp") % {"n": number_format(round(gap, ind.decimals), ind.decimals, use_l10n=True)}
