"""Background jobs of routines, run by `stocktake worker`: generating a printed pack, report or note.

A meeting pack with its charts takes seconds to tens of seconds; in the request it held a web thread and
showed nothing. Here the document row says how far it got (charts drawn, then layout), the page polls it,
and the finished PDF is stored in the row for download. The PDF is the one the synchronous download makes
(routines.documents.build_pdf), at the moment the page was showing when it was asked for (Document.as_of).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from . import actions, documents
from .models import Document

PROGRESS_EVERY = 0.5  # seconds between progress writes


@task()
def generate_document(document_id: int) -> str:
    """Generate a queued document; its row says how far it got and how it ended, in its requester's language."""
    doc = Document.objects.select_related("meeting__routine__chair", "round", "requested_by").filter(pk=document_id)
    doc = doc.defer("content").first()
    if doc is None or not actions.start_document(doc):
        return "not queued"  # removed, or claimed by another worker
    with translation.override(doc.language or settings.LANGUAGE_CODE):  # the requester's, not the worker's
        return _generate(doc)


def _generate(doc: Document) -> str:
    last = [0.0]

    def on_progress(step: int, steps: int, stage: str) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY or stage in ("layout", "done"):
            last[0] = now
            actions.document_progress(doc, step=step, steps=steps, stage=stage)

    try:
        body, pages, title, name = documents.build_pdf(
            doc.kind,
            user=doc.requested_by,
            meeting=doc.meeting,
            rnd=doc.round,
            paper=doc.paper,
            progress=on_progress,
            as_of=doc.as_of,
        )
    except Exception as exc:  # the document must end, whatever happened; the task result keeps the traceback
        actions.fail_document(
            doc, _("generating the document failed: %(error)s") % {"error": f"{exc.__class__.__name__}: {exc}"[:500]}
        )
        raise
    actions.finish_document(doc, content=body, pages=pages, title=title, filename=name)
    return "done"
