"""Making an outcomes fund and its schemes in the app, through actions.create_fund and actions.create_scheme.

Only the delivery unit (permissions.can_manage_funds) opens these pages; a refused save keeps what was typed
and names every error beside its field and in a summary at the top.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from . import actions
from . import permissions as can
from .forms import FundForm, SchemeForm
from .models import Fund


def _fund_managers(view):
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can.can_manage_funds(request.user):
            raise PermissionDenied(_("Only the delivery unit makes funds and schemes."))
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _run(form, do):
    try:
        return do()
    except ValidationError as exc:
        form.add_refusal(exc)
    except IntegrityError:
        form.add_error(None, _("Another change was saved at the same moment (a code already in use?): try again."))
    return None


@_fund_managers
def create_fund(request):
    form = FundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in FundForm.Meta.fields}
        fund = _run(form, lambda: actions.create_fund(user=request.user, interface="web", **fields))
        if fund is not None:
            messages.success(request, _("The fund %(name)s is made: now add its first scheme.") % {"name": fund.name})
            return redirect("incentives:create_scheme", code=fund.code)
    return render(
        request,
        "incentives/setup_form.html",
        {"form": form, "title": _("New outcomes fund"), "fund": None},
        status=400 if form.errors else 200,
    )


@_fund_managers
def create_scheme(request, code):
    fund = get_object_or_404(Fund, code=code)
    form = SchemeForm(request.POST or None, fund=fund)
    if request.method == "POST" and form.is_valid():
        fields = form.scheme_fields()
        scheme = _run(form, lambda: actions.create_scheme(user=request.user, interface="web", **fields))
        if scheme is not None:
            messages.success(request, _("The scheme %(name)s is launched.") % {"name": scheme.name})
            return redirect("incentives:scheme", code=scheme.code)
    return render(
        request,
        "incentives/setup_form.html",
        {"form": form, "title": _("New scheme in %(fund)s") % {"fund": fund.name}, "fund": fund},
        status=400 if form.errors else 200,
    )
