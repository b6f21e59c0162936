"""Pages of the evaluations app, mounted at /evaluations/: the list, the form, an evaluation and its panel.

Every page asks evaluations.permissions what the visitor may see; estimates
are computed on the fly from the official values (published values only for
the public), with the same functions as the API.
"""

from __future__ import annotations

import csv

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import actions, charts, estimates, summary
from . import permissions as can
from .forms import EvaluationForm, add_errors
from .models import Evaluation


def _visible(request, pk) -> Evaluation:
    ev = get_object_or_404(Evaluation.objects.select_related("indicator__outcome__priority", "created_by"), pk=pk)
    if not can.can_read(request.user, ev):
        raise Http404(_("no such evaluation"))  # do not confirm that an unpublished one exists
    return ev


def _manager(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can.can_manage(request.user):
        raise PermissionDenied(_("Only the delivery unit creates and edits evaluations."))
    return None


def index(request):
    qs = can.visible(request.user, Evaluation.objects.select_related("indicator"))
    indicator = request.GET.get("indicator")
    if indicator:
        qs = qs.filter(indicator__code=indicator)
    return render(
        request,
        "evaluations/index.html",
        {"evaluations": list(qs), "can_manage": can.can_manage(request.user), "indicator_code": indicator},
    )


def _form_page(request, form, evaluation=None):
    return render(request, "evaluations/form.html", {"form": form, "evaluation": evaluation})


def create(request):
    refusal = _manager(request)
    if refusal:
        return refusal
    if request.method != "POST":
        initial = {"indicator": request.GET.get("indicator")} if request.GET.get("indicator") else None
        return _form_page(request, EvaluationForm(initial=initial))
    form = EvaluationForm(request.POST)
    if form.is_valid():
        try:
            evaluation, _result = actions.create_evaluation(user=request.user, interface="web", **form.action_kwargs())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect("evaluations:detail", pk=evaluation.pk)
    return _form_page(request, form)


def edit(request, pk):
    refusal = _manager(request)
    if refusal:
        return refusal
    evaluation = get_object_or_404(Evaluation, pk=pk)
    if request.method != "POST":
        return _form_page(request, EvaluationForm(initial=EvaluationForm.initial_for(evaluation)), evaluation)
    form = EvaluationForm(request.POST)
    if form.is_valid():
        kwargs = form.action_kwargs()
        kwargs.pop("indicator")
        try:
            actions.update_evaluation(evaluation, user=request.user, interface="web", **kwargs)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect("evaluations:detail", pk=evaluation.pk)
    return _form_page(request, form, evaluation)


@require_POST
def publish(request, pk):
    refusal = _manager(request)
    if refusal:
        return refusal
    evaluation = get_object_or_404(Evaluation, pk=pk)
    actions.set_published(evaluation, request.POST.get("published") == "1", user=request.user, interface="web")
    return redirect("evaluations:detail", pk=pk)


def result_for(request, evaluation):
    """The estimates this reader may see, or (None, the reason) when the data no longer support the design."""
    try:
        return estimates.assess(
            estimates.Spec.of(evaluation), published_only=can.published_only(request.user, evaluation)
        ), None
    except ValidationError as exc:
        return None, "; ".join(m for ms in exc.message_dict.values() for m in ms)


def detail(request, pk):
    evaluation = _visible(request, pk)
    result, problem = result_for(request, evaluation)
    context = {
        "evaluation": evaluation,
        "problem": problem,
        "can_manage": can.can_manage(request.user),
        "published_only": can.published_only(request.user, evaluation),
        "treated": evaluation.treated.select_related("org_unit"),
        "comparison": evaluation.comparison.select_related("org_unit"),
    }
    if result is not None:
        context.update(
            summary=summary.summarise(result),
            trajectory_spec=charts.trajectory_spec(result),
            event_spec=charts.event_spec(result),
            indicator=evaluation.indicator,
        )
    return render(request, "evaluations/detail.html", context)


def panel_csv(request, pk):
    evaluation = _visible(request, pk)
    result, problem = result_for(request, evaluation)
    if result is None:
        return HttpResponse(problem, status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="evaluation-{evaluation.pk}-panel.csv"'
    writer = csv.writer(response)
    for row in summary.panel_csv_rows(result):
        writer.writerow(row)
    return response
