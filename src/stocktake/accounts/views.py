"""Pages of the accounts app: sign in and out, personal API tokens, the audit trail."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import actions, auditlog, auditwords, permissions, tokens
from .forms import SignInForm, TokenForm
from .models import ApiToken, AuditEntry


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """POST only (Django's default): a link or image cannot sign anyone out."""


@login_required
def token_list(request):
    if not permissions.can_use_api_tokens(request.user):
        raise PermissionDenied
    form = TokenForm(request.POST or None)
    new_secret, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                token, new_secret = actions.issue_token(
                    request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"], interface="web"
                )
            except tokens.TokenRateLimited as exc:
                form.add_error(None, str(exc))
                status = 429
            except tokens.TokenError as exc:
                field, _sep, message = str(exc).partition(": ")
                form.add_error(field if field in form.fields else None, message or str(exc))
            else:
                form, status = TokenForm(), 201
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "new_secret": new_secret,
            "tokens": ApiToken.objects.filter(user=request.user),
        },
        status=status,
    )


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)  # someone else's token: 404
    actions.revoke_token(request.user, token, interface="web")
    messages.success(
        request, _("Token “%(name)s” revoked. Programs using it can no longer sign in.") % {"name": token.name}
    )
    return redirect("accounts:tokens")


PAGE_SIZE = 100


@login_required
def audit_list(request):
    if not permissions.can_read_audit(request.user):
        raise PermissionDenied
    error = None
    try:
        flt = auditlog.AuditFilter.from_params(request.GET)
    except auditlog.FilterError as exc:
        error, flt = str(exc), auditlog.AuditFilter()
    entries = flt.apply()
    if request.GET.get("format") == "csv" and not error:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="stocktake-audit.csv"'
        auditlog.write_csv(entries, response)
        return response
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    words = auditwords.Reader()
    rows = [
        {
            "entry": e,
            "changes": words.changes(e),
            "link": words.link(e),
            "kind": words.kind(e),
            "reason": words.reason(e),
        }
        for e in page.object_list
    ]
    return render(
        request,
        "accounts/audit.html",
        {
            "filter": flt,
            "error": error,
            "page": page,
            "rows": rows,
            "query": flt.querystring(),
            "models": auditlog.model_choices(),
            "interfaces": AuditEntry.Interface.choices,
            "actions": AuditEntry.Action.choices,
        },
        status=400 if error else 200,
    )
