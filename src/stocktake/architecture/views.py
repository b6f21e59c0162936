"""The set-up pages: the delivery unit builds and edits its pillars, priorities, outcomes, indicators and org units
in the app, through the same actions as the API and the setup file. The back office is left to support staff.

Only the delivery unit (permissions.can_manage) opens these pages; everyone else is refused with a 403.
A refused save keeps what was typed, names each error beside its field and in a summary at the top,
and never stores anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stocktake.accounts import permissions as perms

from . import actions, forms
from .models import Indicator, OrgUnit, OrgUnitLevel, Outcome, Pillar, Priority

PAGE_SIZE = 50


@dataclass(frozen=True)
class Kind:
    """One kind of record the set-up pages make: its model, form, actions and how a list shows it."""

    slug: str
    model: Any
    form: Any
    create: Any
    change: Any
    singular: Any
    plural: Any
    columns: tuple[tuple[Any, str], ...]  # (heading, attribute path)
    related: tuple[str, ...] = ()


KINDS = {
    k.slug: k
    for k in (
        Kind(
            "pillars",
            Pillar,
            forms.PillarForm,
            actions.create_pillar,
            actions.change_pillar,
            gettext_lazy("pillar"),
            gettext_lazy("Pillars"),
            ((gettext_lazy("Rank"), "rank"),),
        ),
        Kind(
            "priorities",
            Priority,
            forms.PriorityForm,
            actions.create_priority,
            actions.change_priority,
            gettext_lazy("priority"),
            gettext_lazy("Priorities"),
            ((gettext_lazy("Pillar"), "pillar"), (gettext_lazy("Lead organisation"), "lead_organisation")),
            ("pillar", "lead_organisation"),
        ),
        Kind(
            "outcomes",
            Outcome,
            forms.OutcomeForm,
            actions.create_outcome,
            actions.change_outcome,
            gettext_lazy("outcome"),
            gettext_lazy("Outcomes"),
            ((gettext_lazy("Priority"), "priority"), (gettext_lazy("Accountable leader"), "leader")),
            ("priority", "leader"),
        ),
        Kind(
            "indicators",
            Indicator,
            forms.IndicatorForm,
            actions.create_indicator,
            actions.change_indicator,
            gettext_lazy("indicator"),
            gettext_lazy("Indicators"),
            ((gettext_lazy("Outcome"), "outcome"), (gettext_lazy("Unit"), "unit")),
            ("outcome",),
        ),
        Kind(
            "org-units",
            OrgUnit,
            forms.OrgUnitForm,
            actions.create_org_unit,
            actions.change_org_unit,
            gettext_lazy("org unit"),
            gettext_lazy("Org units"),
            ((gettext_lazy("Level"), "depth"), (gettext_lazy("Parent"), "parent")),
            ("parent",),
        ),
    )
}


def _delivery_unit(view):
    """Sign in first; then only the delivery unit (can_manage) may set up the architecture."""

    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not perms.can_manage(request.user):
            raise PermissionDenied(_("Only the delivery unit sets up pillars, priorities, outcomes and indicators."))
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _kind(slug: str) -> Kind:
    kind = KINDS.get(slug)
    if kind is None:
        raise perms.NotFound(_("No such kind of record."))
    return kind


@_delivery_unit
def index(request):
    sections = [{"kind": k, "count": k.model.objects.count()} for k in KINDS.values()]
    return render(
        request,
        "architecture/index.html",
        {"sections": sections, "levels": OrgUnitLevel.objects.all()},
    )


@_delivery_unit
def record_list(request, kind):
    kind = _kind(kind)
    q = request.GET.get("q", "").strip()[:100]
    closed = request.GET.get("closed") == "1"  # the "Show closed" switch: closed records are left out otherwise
    qs = kind.model.objects.select_related(*kind.related)
    if not closed:
        qs = qs.filter(closed_on__isnull=True)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"obj": obj, "cells": [_attr(obj, path) for _h, path in kind.columns]} for obj in page]
    context = {"kind": kind, "page": page, "rows": rows, "q": q, "closed": closed}
    return render(request, "architecture/list.html", context)


def _attr(obj, path: str):
    value = getattr(obj, path)
    return "–" if value is None else value


def _save(request, kind: Kind, form, obj=None):
    """Run the action; the record on success, None (with the errors on the form) when refused."""
    reason = form.cleaned_data.get("reason", "")
    try:
        if obj is None:
            return kind.create(user=request.user, interface="web", reason=reason, **form.record_fields())
        return kind.change(obj, user=request.user, interface="web", reason=reason, **form.record_fields(True))
    except ValidationError as exc:
        form.add_refusal(exc)
    except IntegrityError:
        form.add_error(None, _("Another change was saved at the same moment (a code already in use?): try again."))
    return None


@_delivery_unit
def create(request, kind):
    kind = _kind(kind)
    form = kind.form(request.POST or None, initial=_initial(kind, request))
    if request.method == "POST" and form.is_valid():
        obj = _save(request, kind, form)
        if obj is not None:
            messages.success(request, _("Saved the %(kind)s %(code)s.") % {"kind": kind.singular, "code": obj.code})
            return redirect("architecture:list", kind.slug)
    return _form_page(request, kind, form, None)


def _initial(kind: Kind, request) -> dict:
    """A parent chosen on the page before (e.g. "add an outcome" from a priority) comes in the query."""
    names = {"priorities": "pillar", "outcomes": "priority", "indicators": "outcome", "org-units": "parent"}
    name = names.get(kind.slug)
    value = request.GET.get(name, "") if name else ""
    if not value:
        return {}
    if kind.slug == "org-units":
        return {name: value}
    parent = kind.form.base_fields[name].queryset.filter(code=value).first()
    return {name: parent.pk} if parent else {}


@_delivery_unit
def edit(request, kind, code):
    kind = _kind(kind)
    obj = get_object_or_404(kind.model, code=code)
    form = kind.form(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, kind, form, obj)
        if saved is not None:
            messages.success(request, _("Saved the %(kind)s %(code)s.") % {"kind": kind.singular, "code": saved.code})
            return redirect("architecture:list", kind.slug)
    obj.refresh_from_db()  # a refused form changed the instance in memory only: show the stored name
    return _form_page(request, kind, form, obj)


def _form_page(request, kind: Kind, form, obj):
    context = {"kind": kind, "form": form, "obj": obj}
    if isinstance(obj, Indicator):
        context["targets"] = obj.targets.select_related("org_unit")
    return render(request, "architecture/form.html", context, status=400 if form.errors else 200)


@_delivery_unit
def unit_lookup(request):
    """Up to 20 org units whose code or name holds what was typed, for the parent and unit suggestions."""
    q = request.GET.get("q", "").strip()[:100]
    units = []
    if q:
        qs = OrgUnit.objects.filter(Q(code__istartswith=q) | Q(name__icontains=q))
        if request.GET.get("closed") != "1":  # a closed unit is not suggested unless asked for
            qs = qs.filter(closed_on__isnull=True)
        qs = qs.order_by("depth", "code")[:20]
        levels = dict(OrgUnitLevel.objects.values_list("depth", "name"))
        units = [
            {"code": u.code, "name": u.name, "level": levels.get(u.depth, _("level %(n)s") % {"n": u.depth})}
            for u in qs
        ]
    return JsonResponse({"units": units})
