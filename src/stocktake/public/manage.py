"""The delivery unit's page for the public site: what each commitment shows, a preview, then publication.

Only the delivery unit (accounts.permissions.can_manage) opens it; every change goes through
public.actions.publish, which audits it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stocktake.accounts import permissions as perms
from stocktake.architecture.models import Priority

from . import actions, views
from . import commitments as C

FLAGS = ("published", "show_target", "show_chart", "show_strategy", "show_units")
SUMMARY_MAX = 2000


def _delivery_unit(view):
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not perms.can_manage(request.user):
            raise PermissionDenied(_("Only the delivery unit decides what is on the public site."))
        return view(request, *args, **kwargs)

    wrapper.__name__, wrapper.__doc__ = view.__name__, view.__doc__
    return wrapper


@_delivery_unit
def manage(request):
    """Every priority with the delivery unit's choices for the public site."""
    rows = [(p, C.choices(p)) for p in Priority.objects.select_related("pillar").order_by("pillar__rank", "rank")]
    return render(request, "public/manage.html", {"rows": rows, "flags": FLAGS})


@_delivery_unit
@require_POST
def choose(request, code):
    priority = get_object_or_404(Priority, code=code)
    summary = request.POST.get("summary", "")
    if len(summary) > SUMMARY_MAX:
        messages.error(request, _("summary: at most %(n)d characters") % {"n": SUMMARY_MAX})
        return redirect("public:manage")
    wanted = {flag: request.POST.get(flag) == "on" for flag in FLAGS}
    if wanted["published"] and not priority.published:
        messages.error(
            request,
            _("published: %(name)s is not a published priority; publish it in the set-up pages first")
            % {"name": priority.name},
        )
        return redirect("public:manage")
    try:
        actions.publish(priority, user=request.user, summary=summary, **wanted)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect("public:manage")
    messages.success(request, _("Saved: %(name)s") % {"name": priority.name})
    return redirect("public:manage")


@_delivery_unit
def preview(request, code):
    """The commitment's public page as it will look with the current choices, published or not yet."""
    priority = get_object_or_404(Priority, code=code)
    return views.commitment_page(request, code, preview=priority)
