"""The target page: set or revise an indicator's national target with the benchmarks beside the form.

It lives in monitoring, not architecture, because the benchmarks read the data
values (series, forecasting); the target itself is written by architecture's actions.
A target is the delivery unit's to commit, so only it (can_manage) sees the
form; everyone else reads the target on the indicator page. As the numbers
in the form change, HTMX asks `target_reading` how the proposal compares
with history, peers and the 80th-percentile what-if, before anything is saved.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _

from stocktake.accounts import permissions as perms
from stocktake.architecture import actions
from stocktake.architecture.forms import TargetForm
from stocktake.architecture.models import Target
from stocktake.delivery import benchmarks as B

from . import access, forecasting, series

PROPOSAL = ("baseline_value", "baseline_date", "target_value", "target_date")


def _editable_indicator(request, code):
    indicator = access.indicator(request.user, code)
    if not perms.can_manage(request.user):
        raise PermissionDenied(_("only the delivery unit sets targets"))
    return indicator


def _dates(data):
    """(baseline date, target date) from form values or a target, or None while either is missing."""
    try:
        return tuple(
            d if isinstance(d, date) else date.fromisoformat(str(d))
            for d in (data.get("baseline_date"), data.get("target_date"))
        )
    except (TypeError, ValueError):
        return None


def _proposal(data):
    """(baseline, baseline date, target, target date), or None while incomplete."""
    dates = _dates(data)
    try:
        return (
            (float(data.get("baseline_value")), dates[0], float(data.get("target_value")), dates[1]) if dates else None
        )
    except (TypeError, ValueError):
        return None


def _read(indicator, root, data, fallback=None):
    """The benchmarks for the proposal's dates (or the fallback's) and the proposal read against them."""
    proposal = _proposal(data)
    bench = forecasting.benchmarks(indicator, root, dates=_dates(data) or fallback)
    if proposal is None:
        return bench, []
    baseline, b_date, target, t_date = proposal
    try:
        return bench, B.read_target(
            baseline=baseline,
            baseline_date=b_date,
            target=target,
            target_date=t_date,
            direction=indicator.direction,
            hist=bench.history,
            best=bench.peers.best if bench.peers else None,
            p80_whole=bench.p80_whole,
            fmt=indicator.fmt,
            signed=lambda v: ("+" if v >= 0 else "") + formats.number_format(float(f"{v:.3g}")),
            month=lambda d: formats.date_format(d, "YEAR_MONTH_FORMAT"),
        )
    except B.BenchmarkError:
        return bench, []


def target_page(request, code):
    indicator = _editable_indicator(request, code)
    root = access.root_unit()
    current = Target.objects.filter(indicator=indicator, org_unit=None).first()
    initial = {}
    if current is None:  # suggest the latest official value as the baseline
        latest = [(r["period__end"], v) for r, v in series.series(indicator, root, official=True) if v is not None]
        if latest:
            initial = {"baseline_date": latest[-1][0], "baseline_value": round(latest[-1][1], indicator.decimals)}
    form = TargetForm(request.POST or None, instance=current or Target(indicator=indicator), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if current is None:
                actions.create_target(
                    indicator=indicator,
                    user=request.user,
                    interface="web",
                    reason=form.cleaned_data["reason"] or "Initial target",
                    **form.target_fields(),
                )
            else:
                actions.revise_target(
                    current,
                    user=request.user,
                    interface="web",
                    reason=form.cleaned_data["reason"],
                    **form.target_fields(),
                )
            return redirect("indicator", code=indicator.code)
        except ValidationError as exc:
            form.add_error(None, exc)
    fallback = (current.baseline_date, current.target_date) if current else None
    if request.method == "POST":
        values = request.POST
    else:
        values = {k: getattr(current, k) for k in PROPOSAL} if current else initial
    bench, reading = _read(indicator, root, values, fallback)
    return render(
        request,
        "monitoring/target.html",
        {
            "indicator": indicator,
            "unit": root,
            "target": current,
            "form": form,
            "bench": bench,
            "reading": reading,
            "revisions": current.revisions.all() if current else [],
        },
        status=400 if form.errors else 200,
    )


def target_reading(request, code):
    """The readings panel alone, for HTMX as the form changes."""
    indicator = _editable_indicator(request, code)
    root = access.root_unit()
    bench, reading = _read(indicator, root, request.POST if request.method == "POST" else request.GET)
    return render(
        request,
        "monitoring/_target_reading.html",
        {"indicator": indicator, "unit": root, "bench": bench, "reading": reading},
    )
