"""The stakeholder register and map for one priority (seed 001, rules 3 and 10), mounted at /problems/stakeholders/.

Never public: a map says who opposes the government's plan. The lead
ministry and the delivery unit read it; the accountable leader and the
delivery unit edit it.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stocktake.accounts.models import Person
from stocktake.architecture.models import Priority

from . import actions, charts, inputs
from . import levels as L
from . import permissions as can
from .models import PriorityReview, Stakeholder, StakeholderPlacement
from .views import editor, refused


def _priority(request, code) -> Priority:
    priority = get_object_or_404(Priority, code=code)
    if not can.reads_internal(request.user, priority):
        raise Http404(_("no such stakeholder map"))
    return priority


def previous_placements(stakeholders) -> dict:
    """{stakeholder id: (power, support)} at the placement before the latest one."""
    out = {}
    history: dict = {}
    for p in StakeholderPlacement.objects.filter(stakeholder__in=stakeholders).order_by("on", "id"):
        history.setdefault(p.stakeholder_id, []).append((p.power, p.support))
    for sid, places in history.items():
        if len(places) > 1:
            out[sid] = places[-2]
    return out


def register(request, code):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    priority = _priority(request, code)
    stakeholders = list(Stakeholder.objects.filter(priority=priority).prefetch_related("placements", "actions__action"))
    for s in stakeholders:
        s.zone_info = L.ZONES[s.zone]
    zones = [{"key": k, **v, "members": [s for s in stakeholders if s.zone == k]} for k, v in L.ZONES.items()]
    return render(
        request,
        "problems/stakeholders.html",
        {
            "priority": priority,
            "stakeholders": stakeholders,
            "zones": zones,
            "map_spec": charts.stakeholder_map(stakeholders, previous_placements(stakeholders)),
            "can_edit": can.can_edit(request.user, priority),
            "people": Person.objects.order_by("name"),
            "reviews": PriorityReview.objects.filter(priority=priority),
            "kinds": Stakeholder.Kind.choices,
            "scale": range(L.SCALE_MIN, L.SCALE_MAX + 1),
        },
    )


@require_POST
def write(request, code, what):
    priority = _priority(request, code)
    refusal = editor(request, priority)
    if refusal:
        return refusal
    post, who = request.POST, {"user": request.user, "interface": "web"}
    plan = {f: post.get(f, "") for f in actions.ENGAGEMENT_FIELDS if f in post}
    try:
        review = None
        if post.get("review"):
            review = PriorityReview.objects.filter(
                pk=inputs.id_of(post.get("review"), "review"), priority=priority
            ).first()
        if what == "add":
            actions.add_stakeholder(
                priority=priority,
                name=post.get("name", ""),
                kind=post.get("kind", "organisation"),
                power=post.get("power"),
                support=post.get("support"),
                on=inputs.day(post.get("on"), "on"),
                review=review,
                **plan,
                **who,
            )
        else:
            stakeholder = get_object_or_404(
                Stakeholder, pk=inputs.id_of(post.get("stakeholder"), "stakeholder") or 0, priority=priority
            )
            if what == "move":
                actions.move_stakeholder(
                    stakeholder,
                    power=post.get("power"),
                    support=post.get("support"),
                    on=inputs.day(post.get("on"), "on"),
                    review=review,
                    note=post.get("note", ""),
                    **who,
                )
            elif what == "plan":
                actions.update_engagement(stakeholder, **plan, **who)
            elif what == "action":
                actions.add_engagement_action(
                    stakeholder,
                    description=post.get("description", ""),
                    owner=inputs.person(post.get("owner")),
                    due=inputs.day(post.get("due"), "due"),
                    **who,
                )
            else:
                raise Http404(_("no such change"))
    except ValidationError as exc:
        return refused(request, exc, "problems:stakeholders", priority.code)
    return redirect("problems:stakeholders", code=priority.code)
