"""The monitoring pages: portfolio, indicator trajectory, heat maps, league tables, alerts.

Every page asks stocktake.accounts.permissions what the visitor may read,
reads the rollups (never raw values), and offers the same numbers as CSV,
Excel, SVG and PNG through `?format=` (exports.py).
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext
from django.views.decorators.http import require_POST

from stocktake import errors
from stocktake.accounts import permissions as perms
from stocktake.architecture import access as architecture_access
from stocktake.architecture import fiscal
from stocktake.architecture.fiscal import label as period_label
from stocktake.architecture.models import Indicator, OrgUnit, OrgUnitLevel, Outcome, Period, Pillar, Priority
from stocktake.delivery import coverage as C
from stocktake.delivery import periods as P
from stocktake.delivery import status as S
from stocktake.delivery import workbook as look
from stocktake.params import BadParameter, int_param

from . import (
    access,
    actions,
    charts,
    exports,
    forecasting,
    gridcache,
    hooks,
    html,
    marks,
    portfolio_cache,
    portfolio_screen,
    roots,
    series,
    tables,
)
from .models import Alert, AlertRule

STATUS_RULE = gettext_noop(
    "Status compares the latest official (validated or published) actual with the trajectory for the same period. "
    "Shortfall is how far the actual is behind plan in the direction that counts (being ahead is never a shortfall), "
    "measured against the whole planned change from baseline to target: "
    "on track up to %(on)s%%, slightly off up to %(off)s%%, off track beyond. "
    "A unit without its own target is held to the national planned change from its own baseline "
    "(in proportion for counts, in points for rates)."
)


def _rule(indicator=None) -> str:
    on = indicator.on_track_band if indicator else S.DEFAULT_ON_TRACK_BAND
    off = indicator.off_track_band if indicator else S.DEFAULT_OFF_TRACK_BAND
    return _(STATUS_RULE) % {
        "on": formats.number_format(round(100 * on)),
        "off": formats.number_format(round(100 * off)),
    }


def _unit(request, name="unit", default=None) -> OrgUnit:
    return access.unit(request.GET.get(name), default)


def _level_name(depth: int) -> str:
    return OrgUnitLevel.objects.filter(depth=depth).values_list("name", flat=True).first() or _("level %(depth)s") % {
        "depth": depth
    }


def _fmt(request) -> str | None:
    return request.GET.get("format") or None


def _pct(x):
    return None if x is None else round(100 * x, 1)


def _roots(root) -> dict:
    """The root selector's context: shown only when the government holds several hierarchies."""
    found = roots.roots()
    return {"root": root, "roots": found if len(found) > 1 else []}


def _three(x: float) -> str:
    """A forecast bound to three significant figures, with the reader's decimal mark."""
    return formats.number_format(float(f"{x:.3g}"))


def _yes(flag) -> str:
    return _("yes") if flag else ""


# --- portfolio -------------------------------------------------------------------------------------------------


def portfolio_summary(indicator, root, basis=series.INSIDE):
    """One portfolio row: the official latest value, plan, status and trend at the root, and the outlook, from
    the parts of the rollups this reader may see (`basis`, monitoring.access.value_basis)."""
    if root is None:
        summary = series.summarise(indicator, basis=basis)
        summary.outlook = None
        summary.spark = []
        return summary
    plan = series.Plan.build(indicator, [root.pk], root=root, basis=basis)
    cells = series.rollup_rows(indicator, root, basis)
    summary = series.summarise(indicator, root, plan, cells, basis)
    summary.outlook = forecasting.outlook(indicator, root, plan, cells, basis)
    official = series.series(indicator, root, official=True, rows=cells, whole=True)
    summary.spark = portfolio_screen.spark_points(root, plan, official)
    return summary


def show_closed(request) -> bool:
    """The "Show closed" switch: closed pillars, priorities, outcomes and indicators are left out unless asked."""
    return request.GET.get("closed") == "1"


def portfolio_data(request, root, include_closed: bool | None = None):
    """The portfolio's tree; closed records only when asked (include_closed, else the page's switch)."""
    visible = architecture_access.visible_priorities(
        request.user, Priority.objects.select_related("tier", "lead_organisation")
    )
    pillars, outcomes, indicators = Pillar.objects.all(), Outcome.objects.select_related("leader"), Indicator.objects
    if not (show_closed(request) if include_closed is None else include_closed):
        open_ = {"closed_on__isnull": True}
        pillars, visible = pillars.filter(**open_), visible.filter(**open_)
        outcomes, indicators = outcomes.filter(**open_), indicators.filter(**open_)
    tree = list(
        pillars.prefetch_related(
            Prefetch("priorities", queryset=visible),
            Prefetch("priorities__outcomes", queryset=outcomes),
            Prefetch("priorities__outcomes__indicators", queryset=indicators.all()),
        )
    )
    indicators = [i for p in tree for pr in p.priorities.all() for o in pr.outcomes.all() for i in o.indicators.all()]
    bases = {ind.pk: access.value_basis(request.user, ind) for ind in indicators}
    summaries = portfolio_cache.summaries(
        request.user, root, indicators, lambda ind: portfolio_summary(ind, root, bases[ind.pk]), bases
    )
    pillars = []
    for pillar in tree:
        priorities = []
        for priority in pillar.priorities.all():
            outcomes = []
            for outcome in priority.outcomes.all():
                rows = [summaries[ind.pk] for ind in outcome.indicators.all()]
                outcomes.append({"outcome": outcome, "rows": rows})
            priorities.append({"priority": priority, "outcomes": outcomes})
        if priorities:
            pillars.append({"pillar": pillar, "priorities": priorities})
    return pillars


def home(request):
    """`/`: a signed-in official's portfolio; an anonymous visitor is sent to the citizens' commitments site.

    The portfolio is an internal screen (menus, filters, exports) made for officials; the public has a site of its
    own, written for citizens and journalists (issue 19), rather than the internal pages with the sign-in taken
    away.
    """
    if not request.user.is_authenticated:
        return redirect("public:index")
    return portfolio(request)


def portfolio(request):
    root = access.root_unit(request) if roots.roots() else None
    pillars = portfolio_data(request, root)
    counts = {code: 0 for code in S.LABELS}
    flat = []
    for p in pillars:
        for pr in p["priorities"]:
            for o in pr["outcomes"]:
                for row in o["rows"]:
                    flat.append((p["pillar"], pr["priority"], o["outcome"], row))
                    if row.indicator.kind == Indicator.Kind.PERFORMANCE:
                        counts[row.status.code] += 1
    fmt = _fmt(request)
    if fmt:
        table = exports.Table(
            "portfolio",
            [
                _("Pillar"),
                _("Priority"),
                _("Outcome"),
                _("Indicator"),
                _("Indicator code"),
                _("Unit"),
                _("Period"),
                _("Latest"),
                _("Planned"),
                _("Target"),
                _("Target date"),
                _("Status"),
                _("Shortfall (% of planned change)"),
                _("Trend"),
                _("Chance of meeting target (%)"),
                _("Provisional period"),
                _("Provisional value (unverified)"),
                _("Coverage (%)"),
                _("Provisional units reported"),
                _("Provisional units expected"),
                _("Provisional incomplete"),
                _("Partial"),
                _("Partial reason"),
            ],
            unit_columns=(_("Latest"), _("Planned"), _("Target"), _("Provisional value (unverified)")),
            summary=(_("Performance indicators by status"), [(S.LABELS[code], n) for code, n in counts.items()]),
        )
        cells = []
        for pillar, priority, outcome, r in flat:
            table.row_units.append((r.indicator.unit, r.indicator.decimals))
            chance = getattr(r, "outlook", None)
            table.rows.append(
                [
                    pillar.name,
                    priority.name,
                    outcome.name,
                    r.indicator.name,
                    r.indicator.code,
                    r.indicator.unit,
                    period_label(r.latest_period) if r.latest_period else None,
                    r.latest,
                    r.planned,
                    r.target.target_value if r.target else None,
                    r.target.target_date if r.target else None,
                    r.status.label,
                    _pct(r.status.share),
                    S.TRENDS[r.trend],
                    _pct(chance.probability) if chance else None,
                    period_label(r.provisional_period) if r.provisional_period else None,
                    r.provisional,
                    marks.coverage_pct(r.coverage),
                    r.provisional_coverage.reported if r.provisional_coverage else None,
                    r.provisional_coverage.expected if r.provisional_coverage else None,
                    _yes(r.provisional_incomplete),
                    _yes(r.partial or r.provisional_partial),
                    marks.partial_text(r.partial or r.provisional_partial),
                ]
            )
            if r.indicator.kind == Indicator.Kind.PERFORMANCE:
                cells.append({"unit": r.indicator.name, "value": _pct(r.status.share) or 0, "status": r.status.label})
        spec = charts.league_spec(
            _("Shortfall against trajectory (% of planned change)"), cells, _("% of planned change")
        )
        return exports.respond(fmt, table, spec)
    notes = hooks.priority_notes(request, [pr["priority"].pk for p in pillars for pr in p["priorities"]])
    every = portfolio_screen.rows(pillars, notes)
    options = portfolio_screen.choices(every)
    picked = portfolio_screen.filters(request, options)
    shown = portfolio_screen.apply(every, picked)
    return render(
        request,
        "monitoring/portfolio.html",
        {
            "rows": shown,
            "total": len(every),
            "options": options,
            "picked": picked,
            "filtered": any(picked[k] for k in ("pillar", "tier", "status", "minister")),
            "sorts": portfolio_screen.sort_links(picked),
            "sort_choices": [(k, str(v)) for k, v in portfolio_screen.SORTS.items()],
            "expand_all": request.GET.get("open") == "all",
            "show_closed": show_closed(request),
            "cards": portfolio_screen.summary_cards(every, shown),
            "panels": hooks.portfolio_panels(request),
            "counts": [(c, S.LABELS[c], n) for c, n in counts.items()],
            "rule": _rule(),
            "formats": exports.FORMATS,
            **_roots(root),
        },
    )


# --- the indicator page and its trajectory chart ---------------------------------------------------------------


def _frequency(request, indicator) -> tuple[str, list[dict]]:
    """The frequency the page shows (`?frequency=`: the indicator's own or one it rolls up into whole), and the
    switch's choices, each with its link (the rest of the query kept)."""
    kinds = [indicator.frequency, *P.rolls_into(indicator.frequency)]
    frequency = request.GET.get("frequency") or indicator.frequency
    if frequency not in kinds:
        raise BadParameter(
            "frequency",
            _("'%(given)s' is not a frequency this indicator can be shown at; use one of %(kinds)s")
            % {"given": frequency[:20], "kinds": ", ".join(kinds)},
        )
    names = fiscal.frequency_names()
    choices = []
    for kind in kinds:
        query = request.GET.copy()
        query.pop("frequency", None)
        if kind != indicator.frequency:
            query["frequency"] = kind
        choices.append({"kind": kind, "name": names[kind], "query": query.urlencode(), "selected": kind == frequency})
    return frequency, choices


def indicator_page(request, code):
    indicator = access.indicator(request.user, code)
    picked = _unit(request)
    root = access.root_unit(request, picked, indicator)
    unit = picked or root
    overlay_unit = _unit(request, "overlay")
    if overlay_unit is not None and not roots.within(overlay_unit, root):
        raise perms.NotFound(
            _("overlay: %(unit)s is not under %(root)s") % {"unit": overlay_unit.code, "root": root.code}
        )
    basis = access.value_basis(request.user, indicator)
    frequency, frequencies = _frequency(request, indicator)
    native = frequency == indicator.frequency
    plan = series.Plan.build(indicator, [u.pk for u in (unit, overlay_unit) if u], root=root, basis=basis)
    cells = series.rollup_rows(indicator, unit, basis)
    summary = series.summarise(indicator, unit, plan, cells, basis)
    target = plan.target
    at = cells if native else series.rows_at(indicator, unit, frequency, basis)  # the switch's frequency
    data = series.series(indicator, unit, rows=at)
    official = {r["period__code"]: v for r, v in series.series(indicator, unit, official=True, rows=at)}
    rows = []
    for r, value in data:
        verified = r["period__code"] in official
        shown = official.get(r["period__code"], value)
        # The plan is a trajectory at the indicator's own frequency: a coarser period has no planned value.
        plan_value = plan.planned(unit.pk, r["period__code"]) if native else None
        status = plan.assess(unit.pk, shown, r["period__code"]) if native else S.Status(S.NO_DATA)
        cov = series.coverage_of(r, official=verified)
        part = series.partial_of(r)
        rows.append(
            {
                "period": r["period__code"],
                "label": period_label(r["period__code"]),
                "value": shown,
                "value_text": indicator.fmt(shown),
                "planned": plan_value,
                "planned_text": indicator.fmt(plan_value),
                "status": status,
                "n": r["n"],
                "unverified": not verified,
                "coverage": cov,
                "incomplete": marks.incomplete_text(cov, indicator.completeness),
                "partial": marks.partial_text(part),
            }
        )
    incomplete = {r["period"] for r in rows if r["incomplete"]}
    outlook = forecasting.outlook(indicator, unit, plan, cells, basis)
    bench = forecasting.benchmarks(indicator, unit, plan, basis=basis)
    planned_line = []
    ends = plan.ends(unit.pk)
    if target and ends:
        planned_line = [(target.baseline_date.isoformat(), ends[0])]
        planned_line += [
            (end.isoformat(), plan.planned(unit.pk, code_))
            for code_, (_, end, _) in sorted(plan.points.items(), key=lambda kv: kv[1][0])
        ]
        planned_line = [(d, v) for d, v in planned_line if v is not None]
    overlay = None
    if overlay_unit is not None:
        pts = [
            (r["period__end"].isoformat(), v)
            for r, v in series.series(indicator, overlay_unit, official=True, basis=basis)
        ]
        label = overlay_unit.name
        if indicator.aggregation == "sum":
            mine, theirs = plan.unit_bases.get(unit.pk, plan.national_base), plan.unit_bases.get(overlay_unit.pk)
            if overlay_unit.pk == root.pk:
                theirs = plan.national_base
            if mine and theirs:
                pts = [(d, v * mine / theirs if v is not None else None) for d, v in pts]
                label = _("%(unit)s (scaled to this unit's baseline)") % {"unit": overlay_unit.name}
        overlay = (label, pts)
    spec = charts.trajectory_spec(
        indicator,
        target if unit.pk == root.pk else None,
        actuals=[(r["period__end"].isoformat(), official.get(r["period__code"], v)) for r, v in data],
        planned=planned_line,
        title=f"{indicator.name}: {unit.name}",
        forecast=outlook.forecast,
        overlay=overlay,
        # Ringed: figures that are not official, and official ones from too few units to stand for the whole.
        unverified=[
            (r["period__end"].isoformat(), official.get(r["period__code"], v))
            for r, v in data
            if r["period__code"] not in official or r["period__code"] in incomplete
        ],
    )
    fmt = _fmt(request)
    if fmt:
        table = exports.Table(
            f"{indicator.code}-{unit.code}",
            [
                _("Period"),
                _("Actual"),
                _("Planned"),
                _("Status"),
                _("Shortfall (% of planned change)"),
                _("Unverified"),
                _("Units reporting"),
                _("Units expected"),
                _("Coverage (%)"),
                _("Incomplete"),
                _("Partial"),
                _("Partial reason"),
            ],
            unit=(indicator.unit, indicator.decimals),
            chart=look.Chart(
                "line", f"{indicator.name}: {unit.name}", _("Period"), [_("Actual"), _("Planned")], indicator.unit
            ),
        )
        for r in rows:
            table.rows.append(
                [
                    r["label"],
                    r["value"],
                    r["planned"],
                    r["status"].label,
                    _pct(r["status"].share),
                    _yes(r["unverified"]),
                    r["n"],
                    r["coverage"].expected or None,
                    marks.coverage_pct(r["coverage"]),
                    _yes(r["incomplete"]),
                    _yes(r["partial"]),
                    r["partial"],
                ]
            )
        if outlook.forecast:
            for p in outlook.forecast.points:
                table.rows.append(
                    [
                        _("forecast %(date)s") % {"date": p.on.isoformat()},
                        p.mean,
                        None,
                        None,
                        None,
                        _("%(low)s to %(high)s") % {"low": _three(p.low), "high": _three(p.high)},
                    ]
                    + [None] * 6
                )
        return exports.respond(fmt, table, spec)
    children = list(unit.children.order_by("name")) if unit.depth < indicator.report_depth else []
    overlay_choices = (
        OrgUnit.objects.filter(depth__lte=min(indicator.report_depth, 3), path__startswith=root.path)
        .exclude(pk=unit.pk)
        .order_by("path")
    )
    return render(
        request,
        "monitoring/indicator.html",
        {
            "indicator": indicator,
            "unit": unit,
            "ancestors": unit.ancestors(),
            "children": children,
            "summary": summary,
            "target": target,
            "ends": ends,
            # a unit below the nation is held to its own plan (series.Plan.ends): its target is its own
            "unit_plan": bool(target and ends and unit.pk != root.pk),
            "target_text": indicator.fmt(ends[1]) if target and ends and unit.pk != root.pk else summary.target_text,
            "rows": list(reversed(rows)),
            "spec": spec,
            "revisions": target.revisions.all() if target else [],
            "rule": _rule(indicator),
            "outlook": outlook,
            "bench": bench,
            "can_set_target": unit.pk == root.pk and perms.can_manage(request.user),
            "overlay_unit": overlay_unit,
            "overlay_choices": overlay_choices,
            "formats": exports.FORMATS,
            "query": request.GET.urlencode(),
            "frequency": frequency,
            "native": native,
            "latest_label": period_label(summary.latest_period) if summary.latest_period else "",
            "provisional_label": period_label(summary.provisional_period) if summary.provisional_period else "",
            "frequencies": frequencies,
            "sections": hooks.indicator_sections(request, indicator),
            "provisional_incomplete": marks.incomplete_text(summary.provisional_coverage, indicator.completeness),
            "provisional_partial": marks.partial_text(summary.provisional_partial),
            "latest_coverage": marks.coverage_text(summary.coverage),
            **_roots(root),
        },
    )


# --- the monitoring index, heat maps and league tables ---------------------------------------------------------


def index(request):
    root = access.root_unit(request) if roots.roots() else None
    indicators = list(access.readable_indicators(request.user))
    return render(
        request,
        "monitoring/index.html",
        {"indicators": indicators, "regions": _level_name(2), **_roots(root)},
    )


def _period_columns(indicator, parent, periods, basis) -> list[dict]:
    """Each period's coverage under `parent` (what the reader's basis shows) and whether it is partial: the
    heads of a grid's columns."""
    cov = tables.root_coverage(indicator, parent, periods, basis)
    today = timezone.localdate()
    out = []
    for p in periods:
        c = cov.get(p.pk)
        part = C.partial(p.start, p.end, today)
        out.append(
            {
                "period": p,
                "coverage": marks.coverage_text(c),
                "incomplete": marks.incomplete_text(c, indicator.completeness),
                "partial": marks.partial_text(part),
            }
        )
    return out


def heatmap(request, code):
    """Org units x periods for one indicator, drilled down from any unit, within one root."""
    indicator = access.indicator(request.user, code)
    picked = _unit(request)
    root = access.root_unit(request, picked, indicator)
    parent = picked or root
    if parent.depth >= indicator.report_depth:
        parent = parent.parent or root
    depth = int_param(request, "depth", parent.depth + 1, maximum=99)
    n = int_param(request, "periods", 12, maximum=9999)
    depth = max(parent.depth + 1, min(depth, indicator.report_depth))
    n = max(1, min(n, 60))
    basis = access.value_basis(request.user, indicator)
    periods = tables.recent_periods(indicator, n, root, basis)
    columns = _period_columns(indicator, parent, periods, basis)
    fmt = _fmt(request)
    if fmt:
        hm = tables.units_by_periods(indicator, parent, depth, periods, root, basis)
        table = exports.Table(
            f"heatmap-{indicator.code}-{parent.code}",
            [_("Code"), _("Org unit")]
            + [_("%(period)s value") % {"period": p.label} for p in periods]
            + [_("%(period)s status") % {"period": p.label} for p in periods]
            + [_("%(period)s coverage (%%)") % {"period": p.label} for p in periods]
            + [_("%(period)s partial") % {"period": p.label} for p in periods],
            unit=(indicator.unit, indicator.decimals),
        )
        cells = []
        for u in hm.units:
            row = [hm.cells.get((u.pk, p.pk)) for p in periods]
            table.rows.append(
                [u.code, u.name]
                + [c.value if c else None for c in row]
                + [(_("Incomplete") if c.incomplete else c.status.label) if c else None for c in row]
                + [marks.coverage_pct(c.coverage) if c else None for c in row]
                + [col["partial"] for col in columns]
            )
            cells += [
                {
                    "x": p.label,
                    "y": u.name,
                    "status": _("Incomplete") if c.incomplete else c.status.label,
                    "value": c.text,
                }
                for p, c in zip(periods, row)
                if c
            ]
        spec = charts.heatmap_spec(f"{indicator.name}: {parent.name}", cells, _("Period"), _level_name(depth))
        return exports.respond(fmt, table, spec)

    def build():
        # The rows as one string: the template engine would spend longer on 500 rows than the numbers take,
        # and a string is cheap to cache (a list of org units is pickled and unpickled on every hit).
        hm = tables.units_by_periods(indicator, parent, depth, periods, root, basis)
        cells, pids = hm.cells, [p.pk for p in periods]
        return len(hm.units), html.heat_rows(
            [(u, u.depth < indicator.report_depth, [cells.get((u.pk, p)) for p in pids]) for u in hm.units],
            reverse("indicator", args=[indicator.code]),
        )

    count, rows_html = gridcache.get_or_build(
        gridcache.key(
            "heatmap-rows",
            [indicator],
            basis.name,
            parent.pk,
            depth,
            tuple(p.pk for p in periods),
            translation.get_language(),
        ),
        build,
    )
    return render(
        request,
        "monitoring/heatmap.html",
        {
            "indicator": indicator,
            "parent": parent,
            "ancestors": parent.ancestors(),
            "periods": periods,
            "columns": columns,
            "rows": count,
            "rows_html": rows_html,
            "level": _level_name(depth),
            "rule": _rule(indicator),
            "formats": exports.FORMATS,
            "query": request.GET.urlencode(),
            "deeper": depth < indicator.report_depth and depth == parent.depth + 1,
            "depth": depth,
            **_roots(root),
        },
    )


def heatmap_indicators(request):
    """Org units x indicators at the latest complete official period of each, drilled down from any unit."""
    picked = _unit(request)
    root = access.root_unit(request, picked)
    parent = picked or root
    indicators = [i for i in access.readable_indicators(request.user).filter(kind=Indicator.Kind.PERFORMANCE)]
    bases = {i.pk: access.value_basis(request.user, i) for i in indicators}
    hm = tables.units_by_indicators(indicators, parent, root, bases)
    fmt = _fmt(request)
    if fmt:
        table = exports.Table(
            f"heatmap-indicators-{parent.code}",
            [_("Code"), _("Org unit")]
            + [_("%(indicator)s value") % {"indicator": f"{i.name} ({i.code})"} for i in hm.columns]
            + [_("%(indicator)s status") % {"indicator": f"{i.name} ({i.code})"} for i in hm.columns]
            + [_("%(indicator)s coverage (%%)") % {"indicator": f"{i.name} ({i.code})"} for i in hm.columns],
            column_units={
                _("%(indicator)s value") % {"indicator": f"{i.name} ({i.code})"}: (i.unit, i.decimals)
                for i in hm.columns
            },
        )
        cells = []
        for u in hm.units:
            row = [hm.cells.get((u.pk, i.pk)) for i in hm.columns]
            table.rows.append(
                [u.code, u.name]
                + [c.value if c else None for c in row]
                + [(_("Incomplete") if c.incomplete else c.status.label) if c else None for c in row]
                + [marks.coverage_pct(c.coverage) if c else None for c in row]
            )
            cells += [
                {
                    "x": i.name,
                    "y": u.name,
                    "status": _("Incomplete") if c.incomplete else c.status.label,
                    "value": c.text,
                }
                for i, c in zip(hm.columns, row)
                if c
            ]
        spec = charts.heatmap_spec(
            _("Every indicator: %(unit)s") % {"unit": parent.name}, cells, _("Indicator"), _level_name(parent.depth + 1)
        )
        return exports.respond(fmt, table, spec)
    grid = [
        {
            "unit": u,
            "cells_html": html.heat_cells([hm.cells.get((u.pk, i.pk)) for i in hm.columns]),
            "drill": any(i.report_depth > u.depth for i in hm.columns),
        }
        for u in hm.units
    ]
    return render(
        request,
        "monitoring/heatmap_indicators.html",
        {
            "parent": parent,
            "ancestors": parent.ancestors(),
            "columns": hm.columns,
            "grid": grid,
            "level": _level_name(parent.depth + 1),
            "rule": _rule(),
            "formats": exports.FORMATS,
            "query": request.GET.urlencode(),
            **_roots(root),
        },
    )


def league(request, code):
    indicator = access.indicator(request.user, code)
    picked = _unit(request)
    root = access.root_unit(request, picked, indicator)
    parent = picked or root
    if parent.depth >= indicator.report_depth:
        parent = parent.parent or root
    depth = int_param(request, "depth", min(3, indicator.report_depth), maximum=99)
    depth = max(parent.depth + 1, min(depth, indicator.report_depth))
    basis = access.value_basis(request.user, indicator)
    periods = tables.recent_periods(indicator, 24, root, basis)
    period = None
    if request.GET.get("period"):
        period = get_object_or_404(Period, code=request.GET["period"])
    else:
        latest = tables.latest_official_periods([indicator], root, basis).get(indicator.pk)
        period = Period.objects.filter(pk=latest).first() if latest else (periods[-1] if periods else None)
    column = _period_columns(indicator, parent, [period], basis)[0] if period else None
    fmt = _fmt(request)
    if fmt:
        rows = tables.league(indicator, parent, depth, period, root, basis) if period else []
        table = exports.Table(
            f"league-{indicator.code}-{period.code if period else 'none'}",
            [
                pgettext("position in a league table", "Rank"),
                _("Previous rank"),
                _("Movement"),
                _("Code"),
                _("Org unit"),
                _("Value"),
                _("Planned"),
                _("Gap to trajectory"),
                _("Status"),
                _("Unverified"),
                _("Units reported"),
                _("Units expected"),
                _("Incomplete (not ranked)"),
                _("Partial"),
                _("Partial reason"),
            ],
            unit=(indicator.unit, indicator.decimals),
        )
        for r in rows:
            table.rows.append(
                [
                    r.rank,
                    r.previous_rank,
                    r.movement,
                    r.unit.code,
                    r.unit.name,
                    r.value,
                    r.planned,
                    r.gap,
                    r.status.label,
                    _yes(r.unverified),
                    r.coverage.reported if r.coverage else None,
                    r.coverage.expected if r.coverage else None,
                    _yes(r.incomplete),
                    _yes(column["partial"]),
                    column["partial"],
                ]
            )
        spec = charts.league_spec(
            f"{indicator.name}, {period.label if period else ''}: {parent.name}",
            [{"unit": r.unit.name, "value": r.value, "status": r.status.label} for r in rows],
            indicator.unit,
        )
        return exports.respond(fmt, table, spec)

    def build():
        found = tables.league(indicator, parent, depth, period, root, basis)
        return len(found), html.league_rows(
            indicator, found, reverse("indicator", args=[indicator.code]), _rule(indicator)
        )

    count, rows_html = (
        (0, "")
        if not period
        else gridcache.get_or_build(
            gridcache.key("league", [indicator], basis.name, parent.pk, depth, period.pk, translation.get_language()),
            build,
        )
    )
    return render(
        request,
        "monitoring/league.html",
        {
            "indicator": indicator,
            "parent": parent,
            "period": period,
            "periods": list(reversed(periods)),
            "rows": count,
            "rows_html": rows_html,
            "level": _level_name(depth),
            "rule": _rule(indicator),
            "formats": exports.FORMATS,
            "query": request.GET.urlencode(),
            "depth": depth,
            "column": column,
            "ranked_by": tables.ranked_by_text(indicator),
            **_roots(root),
        },
    )


# --- alerts ---------------------------------------------------------------------------------------------------


def alerts_page(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    indicators = access.indicators_with_unpublished(request.user)
    alerts = Alert.objects.filter(rule__indicator__in=indicators).select_related(
        "rule__indicator", "org_unit", "period"
    )[:500]
    rules = AlertRule.objects.filter(indicator__in=indicators).select_related("indicator")
    return render(
        request,
        "monitoring/alerts.html",
        {
            "alerts": alerts,
            "rules": rules,
            "can_manage": perms.can_manage(request.user),
            "indicators": indicators,
            "kinds": AlertRule.KIND_CHOICES,
            "worsts": AlertRule.WORST_CHOICES,
            "levels": OrgUnitLevel.objects.all(),
            "errors": {},
            "form": {},
        },
    )


@require_POST
def alert_rule_create(request):
    if not perms.can_manage(request.user):
        raise PermissionDenied(_("Only the delivery unit sets alert rules."))
    form = request.POST
    indicator = Indicator.objects.filter(code=form.get("indicator", "")).first()
    try:
        if indicator is None:
            raise ValidationError(
                {"indicator": _("'%(code)s' is not an indicator code") % {"code": form.get("indicator", "")}}
            )
        actions.create_alert_rule(
            indicator=indicator,
            kind=form.get("kind", ""),
            depth=form.get("depth") or 3,
            worst=form.get("worst") or "off_track",
            periods=form.get("periods") or 2,
            user=request.user,
            interface="web",
        )
    except ValidationError as exc:
        indicators = access.indicators_with_unpublished(request.user)
        return render(
            request,
            "monitoring/alerts.html",
            {
                "alerts": Alert.objects.filter(rule__indicator__in=indicators).select_related(
                    "rule__indicator", "org_unit", "period"
                )[:500],
                "rules": AlertRule.objects.filter(indicator__in=indicators).select_related("indicator"),
                "can_manage": True,
                "indicators": indicators,
                "kinds": AlertRule.KIND_CHOICES,
                "worsts": AlertRule.WORST_CHOICES,
                "levels": OrgUnitLevel.objects.all(),
                "errors": errors.reasons(exc),
                "form": form,
            },
            status=400,
        )
    return redirect("monitoring:alerts")


@require_POST
def alert_rule_toggle(request, pk):
    if not perms.can_manage(request.user):
        raise PermissionDenied(_("Only the delivery unit changes alert rules."))
    rule = get_object_or_404(AlertRule, pk=pk)
    actions.set_alert_rule_active(rule, not rule.active, user=request.user, interface="web")
    return redirect("monitoring:alerts")
