"""Pages of the printed documents generated in the background: "Generate", progress, download.

The pack, report and note pages offer a small form; posting it queues the document
(routines.actions.request_document) and the page polls a small status fragment (HTMX,
every second) until the worker has stored the PDF, then offers the download. Only the
person who asked reads the document: it was built with their view of the portfolio.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stocktake import errors

from . import access, actions
from . import render as R
from .models import AssessmentRound, Document, Meeting


def generate_context(request, kind: str, *, meeting=None, rnd=None) -> dict:
    """What the "Generate" form on a pack, report or note page needs, with this user's latest such document at
    the moment the page shows (`?as_of`), which the form carries to the document."""
    as_of = (request.GET.get("as_of") or "").strip()
    latest = (
        Document.objects.filter(requested_by=request.user, kind=kind, meeting=meeting, round=rnd, as_of=as_of)
        .defer("content")
        .first()
    )
    return {
        "generate": {
            "kind": kind,
            "meeting": meeting,
            "round": rnd,
            "as_of": as_of,
            "paper": R.default_paper(request),
            "papers": Document.Paper.choices,
            "latest": latest,
        }
    }


def _document(request, pk) -> Document:
    if not request.user.is_authenticated:
        raise PermissionDenied(_("sign in first"))
    if not access.can_view(request.user):
        raise PermissionDenied(_("routines are the delivery unit's internal record"))
    doc = get_object_or_404(Document.objects.defer("content"), pk=pk)
    if doc.requested_by_id != request.user.pk:
        raise Http404(_("no such document"))
    if doc.status == Document.Status.RUNNING and actions.fail_abandoned_documents():
        doc.refresh_from_db()
    return doc


@require_POST
def document_new(request):
    if not request.user.is_authenticated or not access.can_view(request.user):
        raise PermissionDenied(_("routines are the delivery unit's internal record"))
    kind = request.POST.get("kind", "")
    meeting = rnd = None
    try:
        if kind == Document.Kind.PACK:
            meeting = Meeting.objects.filter(pk=_int(request.POST.get("meeting"), "meeting")).first()
            if meeting is None or not access.can_see_meeting(request.user, meeting):
                raise ValidationError({"meeting": _("no such meeting")})
        elif kind == Document.Kind.REPORT:
            rnd = AssessmentRound.objects.filter(pk=_int(request.POST.get("round"), "round")).first()
            if rnd is None:
                raise ValidationError({"round": _("no such assessment round")})
        elif kind == Document.Kind.NOTE and not AssessmentRound.objects.exists():
            raise ValidationError({"kind": _("no assessment round yet: the note has nothing to report")})
        doc = actions.request_document(
            kind=kind,
            user=request.user,
            paper=(request.POST.get("paper") or R.default_paper(request)).lower(),
            meeting=meeting,
            round=rnd,
            as_of=request.POST.get("as_of", ""),
        )
    except ValidationError as exc:
        back = request.headers.get("Referer") or reverse("routines:index")
        return render(request, "routines/error.html", {"errors": errors.lines(exc), "back": back}, status=400)
    if request.htmx:
        return render(request, "routines/_document.html", {"doc": doc})
    return redirect("routines:document", doc.pk)


def _int(value, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: _("%(value)r is not a number") % {"value": value}}) from None


def document_page(request, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    doc = _document(request, pk)
    template = "routines/_document.html" if request.htmx else "routines/document.html"
    return render(request, template, {"doc": doc, "back": _back(doc)})


def document_download(request, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    doc = _document(request, pk)
    if doc.status != Document.Status.DONE:
        raise Http404(_("the document is not ready"))
    content = Document.objects.values_list("content", flat=True).get(pk=doc.pk)
    response = HttpResponse(bytes(content), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{doc.filename}"'
    return response


def _back(doc: Document) -> str:
    """The page the document was asked for from, at the same moment."""
    if doc.kind == Document.Kind.PACK and doc.meeting_id:
        url = reverse("routines:meeting", args=[doc.meeting_id])
    elif doc.kind == Document.Kind.REPORT and doc.round_id:
        url = reverse("routines:report", args=[doc.round_id])
    else:
        url = reverse("routines:note")
    return f"{url}?{urlencode({'as_of': doc.as_of})}" if doc.as_of else url
