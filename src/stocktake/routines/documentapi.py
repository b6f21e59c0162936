"""API routes for printed documents, on the routines router: start a pack, report or note in the background,
read its progress, download the PDF. The same job as the pages' "Generate" (routines.tasks).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path, Schema, Status
from pydantic import Field

from stocktake import errors
from stocktake.schemas import Error

from . import access, actions
from .api import router
from .models import STAGES, AssessmentRound, Document, Meeting


class DocumentIn(Schema):
    kind: Literal[tuple(Document.Kind.values)] = Field(  # type: ignore[valid-type]
        description="pack (a meeting's stocktake pack: give `meeting`), report (a round's delivery report: give "
        "`round`) or note (the monthly note, on the latest round)"
    )
    meeting: int | None = Field(None, description="the meeting's id, for a pack")
    round: int | None = Field(None, description="the assessment round's id, for a report")
    paper: Literal[tuple(Document.Paper.values)] | None = Field(  # type: ignore[valid-type]
        None, description="a4 or letter; default: STOCKTAKE_PAPER, else A4"
    )
    as_of: str = Field(
        "",
        description="the moment the document shows, as the pages' `?as_of`: empty as issued (live before it is "
        "issued), 'now' today's data, a date (YYYY-MM-DD, its end) or a date and time",
    )

    model_config = {
        "json_schema_extra": {"examples": [{"kind": "report", "round": 3, "paper": "a4", "as_of": "2026-06-30"}]}
    }


class DocumentOut(Schema):
    id: int = Field(description="the document's id")
    kind: Literal[tuple(Document.Kind.values)] = Field(description="pack, report or note")  # type: ignore[valid-type]
    meeting: int | None = Field(description="the meeting's id (a pack)")
    round: int | None = Field(description="the assessment round's id (a report)")
    paper: Literal[tuple(Document.Paper.values)] = Field(description="a4 or letter")  # type: ignore[valid-type]
    as_of: str = Field(description="the moment it shows, as asked for ('' as issued, 'now', a date or date and time)")
    status: Literal[tuple(Document.Status.values)] = Field(  # type: ignore[valid-type]
        description="queued (waiting for `stocktake worker`), running, done (download it) or failed (see message)"
    )
    stage: Literal[tuple(STAGES)] = Field(  # type: ignore[valid-type]
        description="what the worker is doing: data, charts, layout, done ('' while queued)"
    )
    step: int = Field(description="steps done so far (one per chart, then the layout)")
    steps: int = Field(description="steps in all, known once the data is gathered (0 until then)")
    percent: int = Field(description="how far, 0-100")
    message: str = Field(description="why it failed ('' otherwise)")
    title: str = Field(description="the document's title, once generated")
    pages: int | None = Field(description="its number of pages, once generated")
    size: int | None = Field(description="the PDF's size in bytes, once generated")
    download: str | None = Field(description="where to GET the PDF, once done")
    created_at: dt.datetime = Field(description="when it was asked for")
    finished_at: dt.datetime | None = Field(description="when it was done or failed")


def _out(doc: Document) -> DocumentOut:
    return DocumentOut(
        id=doc.pk,
        kind=doc.kind,
        meeting=doc.meeting_id,
        round=doc.round_id,
        paper=doc.paper,
        as_of=doc.as_of,
        status=doc.status,
        stage=doc.stage,
        step=doc.step,
        steps=doc.steps,
        percent=doc.percent,
        message=doc.message,
        title=doc.title,
        pages=doc.pages,
        size=doc.size,
        download=f"/api/routines/documents/{doc.pk}/pdf" if doc.status == Document.Status.DONE else None,
        created_at=doc.created_at,
        finished_at=doc.finished_at,
    )


def _mine(request, document_id: int) -> Document:
    doc = get_object_or_404(Document.objects.defer("content"), pk=document_id, requested_by=request.user.pk)
    if doc.status == Document.Status.RUNNING and actions.fail_abandoned_documents():
        doc.refresh_from_db()
    return doc


def _denied(request):
    if not access.can_view(request.user):
        return Status(403, Error(detail=_("sign in as the delivery unit or a ministry to read routines")))
    return None


@router.post(
    "/documents",
    response={202: DocumentOut, 400: Error, 403: Error},
    summary="Generate a meeting pack, delivery report or monthly note as a PDF in the background",
)
def start_document(request, payload: DocumentIn):
    if denied := _denied(request):
        return denied
    meeting = rnd = None
    if payload.kind == Document.Kind.PACK:
        meeting = Meeting.objects.filter(pk=payload.meeting).first() if payload.meeting else None
        if meeting is None or not access.can_see_meeting(request.user, meeting):
            return Status(400, Error(detail=_("meeting: no such meeting"), errors={"meeting": [_("no such meeting")]}))
    elif payload.kind == Document.Kind.REPORT:
        rnd = AssessmentRound.objects.filter(pk=payload.round).first() if payload.round else None
        if rnd is None:
            message = _("no such assessment round")
            return Status(
                400, Error(detail=_("round: %(message)s") % {"message": message}, errors={"round": [message]})
            )
    elif not AssessmentRound.objects.exists():
        message = _("no assessment round yet: the note has nothing to report")
        return Status(400, Error(detail=_("kind: %(message)s") % {"message": message}, errors={"kind": [message]}))
    from . import render as R

    try:
        doc = actions.request_document(
            kind=payload.kind,
            user=request.user,
            paper=payload.paper or R.default_paper(),
            meeting=meeting,
            round=rnd,
            as_of=payload.as_of,
            interface="api",
        )
    except ValidationError as exc:
        return Status(
            400, Error(detail=_("not queued: %(value)s") % {"value": errors.sentence(exc)}, errors=errors.reasons(exc))
        )
    return Status(202, _out(doc))


@router.get(
    "/documents/{document_id}",
    response={200: DocumentOut, 403: Error, 404: Error},
    summary="A generated document's progress (poll it), and where to download it when done",
)
def document_status(request, document_id: int = Path(..., description="the document's id")):
    if denied := _denied(request):
        return denied
    return Status(200, _out(_mine(request, document_id)))


@router.get(
    "/documents/{document_id}/pdf",
    response={200: None, 403: Error, 404: Error},
    summary="Download a generated document (application/pdf); 404 until it is done",
)
def document_pdf(request, document_id: int = Path(..., description="the document's id")):
    if denied := _denied(request):
        return denied
    doc = _mine(request, document_id)
    if doc.status != Document.Status.DONE:
        return Status(404, Error(detail=_("the document is not ready: it is %(status)s") % {"status": doc.status}))
    content = Document.objects.values_list("content", flat=True).get(pk=doc.pk)
    response = HttpResponse(bytes(content), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{doc.filename}"'
    return response
