"""What the public site shows of a commitment: read from published values only, whoever is reading.

A commitment is a priority the delivery unit has put on the public site (PublicCommitment.published, and
the priority itself published). Every figure comes through monitoring's series functions with the
PUBLISHED basis, so the public site, its downloads and its API cannot show a value that was not published.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from stocktake.architecture.models import Indicator, OrgUnit, Pillar, Priority
from stocktake.delivery import status as S
from stocktake.monitoring import series
from stocktake.monitoring.models import DataValue, DataValueVersion

from . import figures as F
from .models import PublicCommitment

BASIS = series.PUBLISHED  # the public's figures: published values, as monitoring.access.value_basis gives the public
CHANGES_SHOWN = 200  # the newest changes a page or feed lists
CONTEXT = "context"  # a contextual indicator: shown, never judged against a plan


def public_priorities(preview: Priority | None = None):
    """The priorities on the public site, in portfolio order (plus `preview`, for the delivery unit's preview)."""
    shown = Q(published=True, public_commitment__published=True)
    if preview is not None:
        shown |= Q(pk=preview.pk)
    return (
        Priority.objects.filter(shown)
        .select_related("pillar", "public_commitment")
        .order_by("pillar__rank", "rank", "name")
    )


def public_priority(code: str) -> Priority:
    """The public commitment with this code; 404 if it is not public (the same answer as for no such code)."""
    found = public_priorities().filter(code=code).first()
    if found is None:
        raise Http404(_("No such public commitment"))
    return found


def choices(priority: Priority) -> PublicCommitment:
    """The delivery unit's choices for the priority (an unsaved, unpublished default when none were made)."""
    try:
        return priority.public_commitment
    except PublicCommitment.DoesNotExist:
        return PublicCommitment(priority=priority)


def public_indicators(priorities=None):
    """The indicators of public commitments, in portfolio order."""
    qs = Indicator.objects.filter(outcome__priority__in=priorities if priorities is not None else public_priorities())
    return qs.select_related("outcome__priority__pillar", "outcome__priority__public_commitment").order_by(
        "outcome__priority__pillar__rank", "outcome__priority__rank", "outcome__rank", "rank", "code"
    )


def public_indicator(code: str) -> Indicator:
    found = public_indicators().filter(code=code).first()
    if found is None:
        raise Http404(_("No such published indicator"))
    return found


def root() -> OrgUnit:
    found = series.root_unit()
    if found is None:
        raise Http404(_("Nothing has been published yet"))
    return found


def public_unit(code: str) -> OrgUnit:
    found = OrgUnit.objects.filter(code=code).first()
    if found is None or not any(choices(p).show_units for p in public_priorities()):
        raise Http404(_("No published figures for this unit"))
    return found


@dataclass
class Figure:
    """One indicator of a commitment at one unit, as the public reads it."""

    indicator: Indicator
    unit: OrgUnit
    latest: float | None
    latest_end: date | None
    latest_period: str | None
    status: str
    target: object | None  # architecture Target, None when the delivery unit does not publish it
    caveats: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)  # the chart's figures: period, published value, planned

    @property
    def latest_text(self) -> str:
        return F.figure(self.latest, self.indicator.unit, self.indicator.decimals)

    @property
    def latest_month(self) -> str:
        return F.month(self.latest_end)

    @property
    def target_text(self) -> str:
        return F.figure(self.target.target_value, self.indicator.unit, self.indicator.decimals) if self.target else ""

    @property
    def deadline(self) -> str:
        return F.month(self.target.target_date) if self.target else ""

    @property
    def status_label(self) -> str:
        return _("For context: not judged against a target") if self.status == CONTEXT else F.status_label(self.status)

    @property
    def status_sentence(self) -> str:
        return "" if self.status == CONTEXT else F.status_sentence(self.status)


def _reached(indicator, value: float, target_value: float) -> bool:
    return value >= target_value if indicator.direction == S.UP else value <= target_value


def status_of(indicator, summary, target, today: date | None = None) -> str:
    """The plain-language status: the monitoring status, or met / missed once the deadline has passed."""
    if indicator.kind == Indicator.Kind.CONTEXTUAL:
        return CONTEXT
    if summary.latest is None:
        return F.NO_DATA
    today = today or timezone.localdate()
    if target is not None and today > target.target_date:
        return F.MET if _reached(indicator, summary.latest, target.target_value) else F.MISSED
    return summary.status.code


def revisions(indicator, unit: OrgUnit, period_code: str | None) -> list[str]:
    """ "Revised from 86.1% on 3 March 2026": published values of the period changed after they were published."""
    if period_code is None:
        return []
    values = {
        dv.pk: dv
        for dv in DataValue.objects.filter(
            indicator=indicator,
            period__code=period_code,
            state=DataValue.State.PUBLISHED,
            org_unit__path__startswith=unit.path,
            disaggregation="",
            version__gt=1,  # a value never changed has nothing to say
        )
    }
    published = DataValueVersion.objects.filter(
        data_value_id__in=list(values), state=DataValue.State.PUBLISHED
    ).order_by("data_value_id", "version")
    by_value: dict[int, list] = {}
    for v in published:  # one query for every value's published versions
        by_value.setdefault(v.data_value_id, []).append(v)
    changed = []
    for pk, versions in by_value.items():
        dv = values[pk]
        now = indicator.value_of(dv.value, dv.numerator, dv.denominator)
        current = [v for v in versions if v.version == dv.version]
        earlier = [
            v
            for v in versions
            if v.version < dv.version and indicator.value_of(v.value, v.numerator, v.denominator) != now
        ]
        if earlier and current:
            was = earlier[-1]
            changed.append((dv, indicator.value_of(was.value, was.numerator, was.denominator), current[0].at))
    if not changed:
        return []
    if len(changed) == 1 and changed[0][0].org_unit_id == unit.pk:
        _dv, was, at = changed[0]
        return [
            _("Revised from %(value)s on %(day)s.")
            % {"value": F.figure(was, indicator.unit, indicator.decimals), "day": F.day(timezone.localdate(at))}
        ]
    latest = max(at for _dv, _was, at in changed)
    return [
        ngettext(
            "The figure of %(count)d unit beneath was revised after publication (the latest on %(day)s).",
            "The figures of %(count)d units beneath were revised after publication (the latest on %(day)s).",
            len(changed),
        )
        % {"count": len(changed), "day": F.day(timezone.localdate(latest))}
    ]


def caveats(indicator, summary, target) -> list[str]:
    """Provisional figures, coverage, partial periods and provisional targets, in words."""
    notes = []
    cov = summary.coverage
    if cov is not None and cov.expected and cov.reported < cov.expected:
        notes.append(
            _("Based on %(reported)s of %(expected)s units that report.")
            % {"reported": F.number(cov.reported, 0), "expected": F.number(cov.expected, 0)}
        )
    if summary.partial is not None:
        notes.append(_("The period has not ended yet: the figure may still change."))
    if summary.provisional_period:
        pc = summary.provisional_coverage
        notes.append(
            _("A newer figure (%(value)s) is provisional: only %(reported)s of %(expected)s units have reported.")
            % {
                "value": F.figure(summary.provisional, indicator.unit, indicator.decimals),
                "reported": F.number(pc.reported if pc else 0, 0),
                "expected": F.number(pc.expected if pc else 0, 0),
            }
        )
    if target is not None and target.status == target.Status.PROVISIONAL:
        notes.append(_("The target is provisional: it may still be changed."))
    return notes


def figure(indicator, unit: OrgUnit, commitment: PublicCommitment, *, with_rows: bool = True) -> Figure:
    """The indicator at the unit from published values only, with what the delivery unit chose to show."""
    plan = series.Plan.build(indicator, [unit.pk], root=series.root_of(unit), basis=BASIS)
    cells = series.rollup_rows(indicator, unit, BASIS)
    summary = series.summarise(indicator, unit, plan, cells, BASIS)
    target = plan.target if commitment.show_target else None
    notes = caveats(indicator, summary, target) + revisions(indicator, unit, summary.latest_period)
    found = Figure(
        indicator=indicator,
        unit=unit,
        latest=summary.latest,
        latest_end=summary.latest_end,
        latest_period=summary.latest_period,
        status=status_of(indicator, summary, plan.target),
        target=target,
        caveats=notes,
    )
    if with_rows and commitment.show_chart:
        for r, v in series.series(indicator, unit, official=True, rows=cells):
            if v is None:
                continue
            planned = plan.planned(unit.pk, r["period__code"], r["period__end"]) if target else None
            found.rows.append(
                {
                    "period": r["period__code"],
                    "end": r["period__end"],
                    "month": F.month(r["period__end"]),
                    "value": v,
                    "value_text": F.figure(v, indicator.unit, indicator.decimals),
                    "planned": planned,
                    "planned_text": F.figure(planned, indicator.unit, indicator.decimals),
                }
            )
    return found


@dataclass
class Commitment:
    priority: Priority
    choices: PublicCommitment
    figures: list[Figure]
    strategies: list = field(default_factory=list)

    @property
    def worst(self) -> str:
        """The commitment's headline status: the worst of its indicators' (missed before off track)."""
        order = [F.MISSED, F.OFF_TRACK, F.SLIGHTLY_OFF, F.ON_TRACK, F.MET]
        found = [f.status for f in self.figures if f.status in order]
        return min(found, key=order.index) if found else F.NO_DATA

    @property
    def worst_label(self) -> str:
        return F.status_label(self.worst)


def commitment(priority: Priority, unit: OrgUnit | None = None, *, with_rows: bool = True) -> Commitment:
    chosen = choices(priority)
    unit = unit or root()
    inds = Indicator.objects.filter(outcome__priority=priority).order_by("outcome__rank", "rank", "code")
    figs = [figure(i, unit, chosen, with_rows=with_rows) for i in inds]
    strategies = []
    if chosen.show_strategy:
        strategies = list(priority.strategies.filter(withdrawn_at=None).order_by("rank", "name"))
    return Commitment(priority, chosen, figs, strategies)


def by_pillar(priorities) -> list[tuple[Pillar, list[Commitment]]]:
    """[(pillar, [commitment])] in portfolio order, figures without chart rows (the front page)."""
    out: dict[int, tuple[Pillar, list[Commitment]]] = {}
    for p in priorities:
        out.setdefault(p.pillar_id, (p.pillar, []))[1].append(commitment(p, with_rows=False))
    return list(out.values())


def changes_since(since) -> list[dict]:
    """What changed on the public site since `since`: commitments published, figures published, revisions.

    Each is {"at", "kind" (published/figures/revised), "priority", "indicator", "period", "count"}, newest first.
    """
    priorities = list(public_priorities())
    out = [
        {"at": p.public_commitment.published_at, "kind": "published", "priority": p, "indicator": None}
        for p in priorities
        if p.public_commitment.published_at and p.public_commitment.published_at >= since
    ]
    first_published = DataValueVersion.objects.filter(
        data_value=OuterRef("data_value"), state=DataValue.State.PUBLISHED
    ).order_by("version")
    versions = (
        DataValueVersion.objects.filter(
            state=DataValue.State.PUBLISHED,
            at__gte=since,
            data_value__indicator__outcome__priority__in=priorities,
            data_value__state=DataValue.State.PUBLISHED,
        )
        .annotate(first=Subquery(first_published.values("version")[:1]))
        .values(
            "data_value__indicator_id", "data_value__period__code", "data_value__period__end", "version", "at", "first"
        )
        .order_by()
    )
    grouped: dict[tuple, dict] = {}
    for v in versions:
        kind = "revised" if v["version"] > v["first"] else "figures"  # an earlier version had been published
        key = (v["data_value__indicator_id"], v["data_value__period__code"], kind)
        row = grouped.setdefault(
            key, {"at": v["at"], "kind": kind, "period": v["data_value__period__code"], "count": 0, "end": None}
        )
        row["count"] += 1
        row["at"] = max(row["at"], v["at"])
        row["end"] = v["data_value__period__end"]
    inds = Indicator.objects.in_bulk({k[0] for k in grouped})
    for (ind_id, _period, _kind), row in grouped.items():
        ind = inds[ind_id]
        out.append({**row, "indicator": ind, "priority": ind.outcome.priority})
    return sorted(out, key=lambda r: r["at"], reverse=True)[:CHANGES_SHOWN]
