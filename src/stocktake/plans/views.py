"""Plan pages: the index, a priority's plan, a strategy profile, and the few edits done in the page."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stocktake.accounts import permissions as perm
from stocktake.architecture import access as architecture_access
from stocktake.architecture.models import Priority
from stocktake.delivery import chains as CH
from stocktake.delivery import rubric as RU
from stocktake.params import int_param

from . import access, actions, charts, forms, profile, queries
from .export import plan_workbook
from .models import ChainActor, ChainLink, DeliveryChain, Milestone, Risk, Strategy, ToCLink, ToCNode
from .pdf import strategy_profile_pdf


def _priority(request, code) -> Priority:
    return access.readable_priority(request.user, code)


def _editable(request, priority) -> None:
    access.require_edit(request.user, priority)


def index(request):
    priorities = list(
        architecture_access.visible_priorities(request.user).select_related("pillar", "lead_organisation")
    )
    ids = [p.pk for p in priorities]
    counts = queries.milestone_counts(ids)
    rows = []
    for p in priorities:
        active = Strategy.objects.filter(priority=p, withdrawn_at=None)
        rows.append(
            {
                "priority": p,
                "strategies": active.count(),
                "milestones": Milestone.objects.filter(strategy__in=active).count(),
                "late": counts.get(p.pk, {}).get("late", 0),
                "at_risk": counts.get(p.pk, {}).get("at_risk", 0),
                "risks": Risk.objects.filter(priority=p, status=Risk.Status.OPEN).count(),
                "chains": p.delivery_chains.count(),
            }
        )
    return render(request, "plans/index.html", {"rows": rows})


def _risk_matrix(risks):
    """5x5 grid, likelihood rows from 5 down, impact columns 1..5, with the risks in each cell."""
    grid = []
    for likelihood in range(5, 0, -1):
        cells = []
        for impact in range(1, 6):
            score = likelihood * impact
            css = "risk-high" if score >= 15 else "risk-medium" if score >= 6 else "risk-low"
            cells.append(
                {
                    "impact": impact,
                    "css": css,
                    "risks": [r for r in risks if r.likelihood == likelihood and r.impact == impact],
                }
            )
        grid.append({"likelihood": likelihood, "cells": cells})
    return grid


def _toc(priority):
    nodes = list(ToCNode.objects.filter(priority=priority).select_related("organisation", "indicator"))
    links = list(ToCLink.objects.filter(priority=priority).select_related("source", "target", "organisation"))
    columns = [
        {"stage": s, "label": ToCNode.Stage(s).label, "nodes": [n for n in nodes if n.stage == s]}
        for s in ToCNode.CHAIN
    ]
    side = [
        {"label": ToCNode.Stage(s).label, "nodes": [n for n in nodes if n.stage == s]}
        for s in ("assumption", "external")
    ]
    results = [n for n in nodes if n.stage in ("output", "outcome", "impact")]
    orgs = sorted(
        {n.organisation for n in nodes if n.organisation} | {lk.organisation for lk in links if lk.organisation},
        key=lambda o: o.name,
    )
    matrix = [
        {
            "org": o,
            "cells": [n.organisation_id == o.pk for n in results],
            "links": [lk for lk in links if lk.organisation_id == o.pk],
        }
        for o in orgs
    ]
    spec = charts.toc_spec(nodes, links, [(s, ToCNode.Stage(s).label) for s in ToCNode.CHAIN]) if nodes else None
    return {
        "columns": columns,
        "side": side,
        "links": links,
        "results": results,
        "matrix": matrix,
        "empty": not nodes,
        "spec": spec,
    }


def plan(request, code):
    priority = _priority(request, code)
    with_trend = request.GET.get("trend") == "1"
    strategies = queries.strategies(priority)
    composed = queries.composed_for_priority(priority, with_trend=with_trend)
    ranking = queries.value_ranking(strategies)
    rank_of = {c.key: r for r, c in ranking}
    internal = access.can_read_internal(request.user, priority)
    chains = [queries.chain_view(c) for c in priority.delivery_chains.select_related("strategy")] if internal else []
    risks = list(Risk.objects.filter(priority=priority).select_related("owner", "strategy")) if internal else []
    facts = queries.plan_facts(priority, strategies, composed)
    pre = RU.precheck(facts)
    ratings = queries.current_ratings(priority) if internal else {}
    rubric_rows = [
        {
            "code": c,
            "name": n,
            "question": q,
            "rating": ratings.get(c),
            "precheck": pre.worst(c),
            "findings": pre.for_criterion(c),
        }
        for c, n, q in RU.criteria()
    ]
    today = timezone.localdate()
    milestones = queries.milestones_for(priority)
    for m in milestones:
        m.late = m.is_late(today)
    return render(
        request,
        "plans/plan.html",
        {
            "priority": priority,
            "strategies": strategies,
            "can_edit": perm.can_edit_plan(request.user, priority),
            "internal": internal,
            "can_publish": perm.can_manage(request.user),
            "material_published": access.material_published(priority),
            "composed": [
                {"ci": c, "spec": charts.composed_spec(c), "id": f"composed-{c.indicator.code}"} for c in composed
            ],
            "with_trend": with_trend,
            "matrix_spec": charts.matrix_spec(strategies, rank_of) if any(s.impact_score for s in strategies) else None,
            "ranking": ranking,
            "rank_of": rank_of,
            "chains": [
                {"view": v, "spec": charts.chain_spec(v) if v.actors else None, "id": f"chain-{v.chain.pk}"}
                for v in chains
            ],
            "questions": CH.questions(),
            "strengths": list(CH.STRENGTHS.items()),
            "milestones": milestones,
            "today": today,
            "statuses": Milestone.Status.choices,
            "risks": risks,
            "risk_matrix": _risk_matrix([r for r in risks if r.status == Risk.Status.OPEN]),
            "rubric": rubric_rows,
            "ratings": RU.rating_names(),
            "weakest": [RU.criterion_name(c) for c in RU.weakest({k: v.rating for k, v in ratings.items()})],
            "toc": _toc(priority),
            "withdrawn": Strategy.objects.filter(priority=priority).exclude(withdrawn_at=None),
        },
    )


def _strategy(request, code, pk):
    priority = _priority(request, code)
    strategy = get_object_or_404(Strategy.objects.select_related("leader", "priority"), pk=pk, priority=priority)
    return priority, strategy


def strategy(request, code, pk):
    priority, s = _strategy(request, code, pk)
    return render(request, "plans/strategy.html", profile.profile_context(request, priority, s))


def strategy_pdf(request, code, pk):
    priority, s = _strategy(request, code, pk)
    pdf = strategy_profile_pdf(priority, s, request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="strategy-{priority.code}-{s.pk}.pdf"'
    return response


@require_POST
def milestone_status(request, code, pk):
    priority = _priority(request, code)
    _editable(request, priority)
    milestone = get_object_or_404(Milestone, pk=pk, strategy__priority=priority)
    status = request.POST.get("status", "")
    error = ""
    try:
        if status not in Milestone.Status.values:
            raise ValidationError({"status": _("'%(status)s' is not a milestone status") % {"status": status}})
        milestone = actions.update_milestone(
            milestone,
            status=status,
            evidence=request.POST.get("evidence", milestone.evidence),
            user=request.user,
            interface="web",
        )
    except ValidationError as exc:
        error = "; ".join(exc.messages)
        milestone.refresh_from_db()
    milestone.late = milestone.is_late()
    response = render(
        request,
        "plans/_milestone_row.html",
        {
            "m": milestone,
            "statuses": Milestone.Status.choices,
            "can_edit": True,
            "priority": priority,
            "error": error,
            "today": timezone.localdate(),
        },
    )
    if error:
        response.status_code = 400
    return response


@require_POST
@require_POST
def publish_material(request, code):
    """Publish a priority's risks, rubric and chains to every reader, or make them internal again."""
    priority = _priority(request, code)  # refused with a 403 page unless the delivery unit asks
    actions.publish_plan_material(
        priority, published=request.POST.get("published") == "1", user=request.user, interface="web"
    )
    return redirect(f"/plans/{priority.code}/")


def rate(request, code):
    priority = _priority(request, code)
    _editable(request, priority)
    try:
        actions.rate_criterion(
            priority=priority,
            criterion=request.POST.get("criterion", ""),
            rating=request.POST.get("rating", ""),
            note=request.POST.get("note", ""),
            user=request.user,
            interface="web",
        )
    except ValidationError as exc:
        return HttpResponse("; ".join(exc.messages), status=400, content_type="text/plain")
    return redirect(f"/plans/{priority.code}/#rubric")


def withdraw(request, code, pk):
    """Withdrawing a strategy that feeds a trajectory asks first, and says what will change."""
    priority, s = _strategy(request, code, pk)
    _editable(request, priority)
    error = ""
    if request.method == "POST":
        try:
            actions.withdraw_strategy(
                s,
                confirm=request.POST.get("confirm") == "yes",
                reason=request.POST.get("reason", ""),
                user=request.user,
                interface="web",
            )
            return redirect(f"/plans/{priority.code}/")
        except actions.NeedsConfirmation as exc:
            error = str(exc)
        except ValidationError as exc:
            error = "; ".join(exc.messages)
    return render(
        request,
        "plans/withdraw.html",
        {"priority": priority, "s": s, "impacts": s.impacts.select_related("indicator"), "error": error},
        status=400 if error else 200,
    )


# Editing in the page: the forms parse, the actions validate and write --------------------------------------


def _form_page(request, priority, form, title, back, status=200):
    return render(
        request, "plans/form.html", {"priority": priority, "form": form, "title": title, "back": back}, status=status
    )


def _save_or_show(request, priority, form, save, title, back):
    """POST with a valid form: save(**cleaned_data) through the action and go back; otherwise (or when the
    action refuses, with its reason on the field) show the form again."""
    if request.method == "POST" and form.is_valid():
        try:
            save(user=request.user, interface="web", **form.cleaned_data)
            return redirect(back)
        except ValidationError as exc:
            forms.attach(form, exc)
    return _form_page(request, priority, form, title, back, status=400 if form.errors else 200)


def strategy_new(request, code):
    priority = _priority(request, code)
    _editable(request, priority)
    form = forms.StrategyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            s = actions.create_strategy(
                priority=priority,
                leaders=list(data.pop("leaders")),
                outcomes=list(priority.outcomes.all()),
                user=request.user,
                interface="web",
                **data,
            )
            return redirect("plans:strategy", priority.code, s.pk)
        except ValidationError as exc:
            forms.attach(form, exc)
    return _form_page(
        request, priority, form, _("New strategy"), f"/plans/{priority.code}/", status=400 if form.errors else 200
    )


def strategy_edit(request, code, pk):
    priority, s = _strategy(request, code, pk)
    _editable(request, priority)
    initial = {f: getattr(s, f) for f in actions.STRATEGY_FIELDS if f != "rank"}
    initial["leaders"] = [s.leader_id] if s.leader_id else []
    form = forms.StrategyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            actions.update_strategy(
                s,
                leaders=list(data.pop("leaders")),
                user=request.user,
                interface="web",
                reason=request.POST.get("reason", ""),
                **data,
            )
            return redirect("plans:strategy", priority.code, s.pk)
        except ValidationError as exc:
            forms.attach(form, exc)
    return _form_page(
        request,
        priority,
        form,
        _("Edit: %(strategy)s") % {"strategy": s.name},
        f"/plans/{priority.code}/strategies/{s.pk}/",
        status=400 if form.errors else 200,
    )


def strategy_add(request, code, pk, what):
    """Add an estimate of impact or a milestone to a strategy, from forms on its profile page."""
    priority, s = _strategy(request, code, pk)
    _editable(request, priority)
    if request.method != "POST":
        return redirect("plans:strategy", priority.code, s.pk)
    if what == "impact":
        form = forms.ImpactForm(request.POST, indicators=profile.performance_indicators(priority))
    else:
        form = forms.MilestoneForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if what == "impact":
                actions.set_impact(strategy=s, user=request.user, interface="web", **data)
            else:
                actions.add_milestone(strategy=s, user=request.user, interface="web", **data)
            return redirect("plans:strategy", priority.code, s.pk)
        except ValidationError as exc:
            forms.attach(form, exc)
    context = profile.profile_context(request, priority, s)
    context[f"{what}_form"] = form
    return render(request, "plans/strategy.html", context, status=400)


def risk_new(request, code):
    priority = _priority(request, code)
    _editable(request, priority)
    return _save_or_show(
        request,
        priority,
        forms.RiskForm(request.POST or None),
        lambda **kw: actions.add_risk(priority=priority, **kw),
        _("New risk"),
        f"/plans/{priority.code}/#risks",
    )


def plan_xlsx(request, code):
    priority = _priority(request, code)

    response = HttpResponse(
        plan_workbook(priority, access.can_read_internal(request.user, priority)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="plan-{priority.code}.xlsx"'
    return response


def chain_new(request, code):
    priority = _priority(request, code)
    _editable(request, priority)
    form = forms.ChainForm(
        request.POST or None, strategies=Strategy.objects.filter(priority=priority, withdrawn_at=None)
    )
    return _save_or_show(
        request,
        priority,
        form,
        lambda **kw: actions.create_chain(priority=priority, **kw),
        _("New delivery chain"),
        f"/plans/{priority.code}/#chains",
    )


def chain_add(request, code, pk, what):
    """Add an actor or a link to a chain; a refused link (a loop, another chain's actor) says why."""
    priority = _priority(request, code)
    _editable(request, priority)
    chain = get_object_or_404(DeliveryChain, pk=pk, priority=priority)
    form_class = forms.ActorForm if what == "actor" else forms.LinkForm
    save = actions.add_actor if what == "actor" else actions.add_link
    return _save_or_show(
        request,
        priority,
        form_class(request.POST or None, chain=chain),
        lambda **kw: save(chain=chain, **kw),
        (_("%(chain)s: add an actor") if what == "actor" else _("%(chain)s: add a link")) % {"chain": chain.name},
        f"/plans/{priority.code}/#chain-{chain.pk}-box",
    )


@require_POST
def chain_change(request, code, pk, what, item):
    """Re-rate or remove a link, or remove an actor (with its links); back to the chain, redrawn."""
    priority = _priority(request, code)
    _editable(request, priority)
    chain = get_object_or_404(DeliveryChain, pk=pk, priority=priority)
    reason = request.POST.get("reason", "")
    if what == "actor":
        actions.remove_actor(
            get_object_or_404(ChainActor, pk=item, chain=chain), user=request.user, interface="web", reason=reason
        )
    else:
        link = get_object_or_404(ChainLink, pk=item, chain=chain)
        if request.POST.get("remove"):
            actions.remove_link(link, user=request.user, interface="web", reason=reason)
        else:
            strength = int_param(request, "strength", minimum=1, maximum=4, source="POST")
            if strength is None:
                return HttpResponseBadRequest(_("strength: choose 1 (weak) to 4 (strong)"))
            actions.rate_link(link, strength=strength, user=request.user, interface="web", reason=reason)
    return redirect(f"/plans/{priority.code}/#chain-{chain.pk}-box")


def toc_add(request, code, what):
    """Add a box or an arrow to the theory of change; a backward arrow or another priority's box says why."""
    priority = _priority(request, code)
    _editable(request, priority)
    form_class = forms.ToCNodeForm if what == "node" else forms.ToCLinkForm
    save = actions.add_toc_node if what == "node" else actions.add_toc_link
    return _save_or_show(
        request,
        priority,
        form_class(request.POST or None, priority=priority),
        lambda **kw: save(priority=priority, **kw),
        _("Theory of change: add a box") if what == "node" else _("Theory of change: add an arrow"),
        f"/plans/{priority.code}/#toc",
    )


@require_POST
def toc_remove(request, code, what, item):
    """Remove a box (with its arrows) or an arrow; the audit keeps what was there."""
    priority = _priority(request, code)
    _editable(request, priority)
    if what == "node":
        actions.remove_toc_node(
            get_object_or_404(ToCNode, pk=item, priority=priority), user=request.user, interface="web"
        )
    else:
        actions.remove_toc_link(
            get_object_or_404(ToCLink, pk=item, priority=priority), user=request.user, interface="web"
        )
    return redirect(f"/plans/{priority.code}/#toc")
