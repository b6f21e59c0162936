"""A printed document in its requester's language: the worker has no request, so the Document keeps the
language of whoever asked for it and the task makes the PDF in that language (read back from the PDF)."""

from __future__ import annotations

import io
import re

import pytest
from django.utils import translation

from stocktake.routines import tasks
from stocktake.routines.models import Document, Meeting

pytestmark = pytest.mark.django_db

SPANISH_DATE = re.compile(
    r"\d{1,2} de (enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre) de \d{4}"
)


def _text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_a_pack_queued_from_a_spanish_request_is_made_in_spanish_by_the_worker(sign_in):
    meeting = Meeting.objects.order_by("-date").first()
    client = sign_in("duhead")
    response = client.post(
        "/routines/documents/new/", {"kind": "pack", "meeting": meeting.pk, "paper": "a4"}, HTTP_ACCEPT_LANGUAGE="es"
    )
    doc = Document.objects.latest("pk")
    assert response.status_code == 302 and doc.language == "es"
    with translation.override("en"):  # the worker's own language: the site default
        assert tasks.generate_document.call(doc.pk) == "done"
    doc.refresh_from_db()
    text = _text(bytes(doc.content))
    assert SPANISH_DATE.search(text), text[:600]  # the cover's dates, in Django's Spanish formats


def test_a_pack_queued_in_english_stays_english(sign_in):
    meeting = Meeting.objects.order_by("-date").first()
    client = sign_in("duhead")
    client.post("/routines/documents/new/", {"kind": "pack", "meeting": meeting.pk, "paper": "a4"})
    doc = Document.objects.latest("pk")
    assert doc.language == "en"
    assert tasks.generate_document.call(doc.pk) == "done"
    doc.refresh_from_db()
    assert not SPANISH_DATE.search(_text(bytes(doc.content)))
