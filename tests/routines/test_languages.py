"""A printed document in its requester's language: the worker has no request, so the Document keeps the
language of whoever asked for it and the task makes the PDF in that language (read back from the PDF)."""

from __future__ import annotations

import io
import re

import pytest
from django.utils import translation

from stocktake.routines import tasks
from stocktake.routines.models import AssessmentRound, Document, Meeting

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
    for heading in ("Carpeta de la reunión de seguimiento", "Orden del día", "Acciones pendientes", "Desempeño"):
        assert heading in text, heading
    assert "Outstanding actions" not in text and "Agenda" not in text


def test_a_pack_queued_in_english_stays_english(sign_in):
    meeting = Meeting.objects.order_by("-date").first()
    client = sign_in("duhead")
    client.post("/routines/documents/new/", {"kind": "pack", "meeting": meeting.pk, "paper": "a4"})
    doc = Document.objects.latest("pk")
    assert doc.language == "en"
    assert tasks.generate_document.call(doc.pk) == "done"
    doc.refresh_from_db()
    assert not SPANISH_DATE.search(_text(bytes(doc.content)))


def test_the_report_workbook_has_spanish_sheets_and_headings(sign_in):
    from openpyxl import load_workbook

    rnd = AssessmentRound.objects.order_by("-date").first()
    response = sign_in("duhead").get(f"/routines/rounds/{rnd.pk}/report.xlsx", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Evaluaciones", "Prioridades", "Indicadores"]
    assert [c.value for c in wb["Evaluaciones"][1][:2]] == ["Prioridad", "Resultado"]
    assert [c.value for c in wb["Evaluaciones"][2][2:8]] == [
        "Desaf.",
        "Plan.",
        "Cap.",
        "Etapa",
        "Evid.",
        "Probabilidad",
    ]
    assert [c.value for c in wb["Prioridades"][1][:3]] == ["Prioridad", "Responsable", "Probabilidad de cumplimiento"]
    assert [c.value for c in wb["Indicadores"][1]][:5] == [
        "Prioridad",
        "Indicador",
        "Unidad de medida",
        "Último período",
        "Último",
    ]
