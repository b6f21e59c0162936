"""The Setup page: the delivery unit loads its setup workbook or org-unit file, preview first, then apply.

The preview is a dry run of the very load that Apply makes (same checks, same actions,
rolled back), so what it says is what Apply will do. Between the two the upload is kept
under the data directory, named by a random token, and removed once applied.
"""

from __future__ import annotations

import io
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods

from stocktake.accounts import permissions
from stocktake.accounts.models import Person

from . import export, orgunits, reader
from .load import load
from .report import counts

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = ("workbook", "org-units")


def _require(user) -> None:
    if not (permissions.is_superuser(user) or permissions.role(user) == Person.Role.DELIVERY_UNIT_HEAD):
        raise PermissionDenied


def _uploads() -> Path:
    folder = Path(settings.DATA_DIR) / "onboarding"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _saved(token: str) -> Path:
    if not (len(token) == 32 and all(c in "0123456789abcdef" for c in token)):
        raise Http404
    found = sorted(_uploads().glob(token + ".*"))
    if not found:
        raise Http404
    return found[0]


def _run(path: Path, kind: str, *, user, dry_run: bool, partial: bool):
    if kind == "org-units":
        return load(
            orgunits.read(path),
            user=user,
            interface="web",
            reason=gettext_noop("org units from the Setup page"),
            dry_run=dry_run,
            partial=partial,
            sheets=("Levels", "OrgUnits"),
            remove_missing_units=True,
        )
    return load(
        reader.read(path),
        user=user,
        interface="web",
        reason=gettext_noop("setup file from the Setup page"),
        dry_run=dry_run,
        partial=partial,
    )


@require_http_methods(["GET", "POST"])
def setup(request):
    _require(request.user)
    context = {"kinds": KINDS}
    if request.method == "GET":
        return render(request, "onboarding/setup.html", context)
    kind = request.POST.get("kind") or "workbook"
    partial = bool(request.POST.get("partial"))
    if kind not in KINDS:
        context["error"] = _("kind: '%(kind)s' is not one of %(kinds)s") % {"kind": kind, "kinds": ", ".join(KINDS)}
        return render(request, "onboarding/setup.html", context, status=400)
    if request.POST.get("token"):
        path = _saved(request.POST["token"])
        dry_run = False
    else:
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = _("Choose a file to load.")
            return render(request, "onboarding/setup.html", context, status=400)
        suffix = "".join(c for c in Path(upload.name).suffix.lower() if c.isalnum() or c == ".")[:8] or ".bin"
        path = _uploads() / (secrets.token_hex(16) + suffix)
        with open(path, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        dry_run = True
    try:
        result = _run(path, kind, user=request.user, dry_run=dry_run, partial=partial)
    except reader.SetupFileError as exc:
        path.unlink(missing_ok=True)
        context["error"] = str(exc)
        return render(request, "onboarding/setup.html", context, status=400)
    if not dry_run:
        path.unlink(missing_ok=True)
    context.update(
        result=result,
        counts=counts(result),
        token=path.stem if dry_run else "",
        kind=kind,
        partial=partial,
        can_apply=dry_run and (not result.problems or partial),
    )
    return render(request, "onboarding/setup.html", context)


def template(request):
    _require(request.user)
    buf = io.BytesIO()
    export.write_xlsx(buf, blank=True)
    response = HttpResponse(buf.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="stocktake-setup-template.xlsx"'
    return response


def download(request):
    _require(request.user)
    buf = io.BytesIO()
    export.write_xlsx(buf)
    response = HttpResponse(buf.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="stocktake-setup.xlsx"'
    return response
