"""Printed documents as background jobs: "Generate" queues one, its page polls the progress, the worker stores
the PDF, the requester downloads it; the same through the API; and a real `stocktake worker` process runs one.
"""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from stocktake.routines import actions, tasks
from stocktake.routines.models import AssessmentRound, Document, Meeting

pytestmark = pytest.mark.django_db


def _pdf_size(content: bytes):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    box = reader.pages[0].mediabox
    return len(reader.pages), (round(float(box.width)), round(float(box.height)))


def test_generate_queues_the_report_the_worker_stores_it_and_only_its_requester_downloads_it(sign_in):
    rnd = AssessmentRound.objects.order_by("-date").first()
    client = sign_in("duhead")
    page = client.get(f"/routines/rounds/{rnd.pk}/report/").content.decode()
    assert 'id="generate-form"' in page and 'name="kind" value="report"' in page
    response = client.post("/routines/documents/new/", {"kind": "report", "round": rnd.pk, "paper": "letter"})
    doc = Document.objects.latest("pk")
    assert response.status_code == 302 and response.url == f"/routines/documents/{doc.pk}/"
    assert (doc.status, doc.kind, doc.round, doc.paper, bool(doc.task_id)) == ("queued", "report", rnd, "letter", True)
    status = client.get(f"/routines/documents/{doc.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="queued"' in status and 'hx-trigger="every 1s"' in status
    assert client.get(f"/routines/documents/{doc.pk}/download/").status_code == 404  # not ready yet

    seen = []
    original = actions.document_progress

    def spy(d, *, step, steps, stage):
        seen.append(stage)
        original(d, step=step, steps=steps, stage=stage)

    actions.document_progress = spy
    try:
        assert tasks.generate_document.call(doc.pk) == "done"  # what the worker does with the task
    finally:
        actions.document_progress = original
    assert seen[0] == "data" and "layout" in seen and seen[-1] == "done"
    doc.refresh_from_db()
    assert doc.status == "done" and doc.pages > 3 and doc.size > 10_000 and doc.runner == actions.runner_id()
    status = client.get(f"/routines/documents/{doc.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="done"' in status and "hx-trigger" not in status and doc.filename in status
    pdf = client.get(f"/routines/documents/{doc.pk}/download/")
    assert pdf["Content-Type"] == "application/pdf"
    assert _pdf_size(pdf.content) == (doc.pages, (612, 792))  # the Letter asked for
    assert tasks.generate_document.call(doc.pk) == "not queued"  # a second worker cannot run it again

    assert sign_in("pm").get(f"/routines/documents/{doc.pk}/download/").status_code == 404  # not theirs
    again = client.get(f"/routines/rounds/{rnd.pk}/report/").content.decode()
    assert f'id="document-{doc.pk}"' in again and "Download" in again  # the page offers the last one


def test_a_bad_request_names_the_field_and_queues_nothing(sign_in):
    client = sign_in("duhead")
    before = Document.objects.count()
    response = client.post("/routines/documents/new/", {"kind": "pack", "meeting": "x"})
    assert response.status_code == 400 and "meeting" in response.content.decode()
    response = client.post("/routines/documents/new/", {"kind": "note", "paper": "a3"})
    assert response.status_code == 400 and "paper" in response.content.decode()
    assert Document.objects.count() == before
    assert sign_in(None).post("/routines/documents/new/", {"kind": "note"}).status_code == 403


def test_a_document_left_running_by_a_dead_worker_is_marked_failed(sign_in):
    from tests import factories

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    doc = actions.request_document(kind="note", user=factories.user("duhead"), paper="a4")
    assert actions.start_document(doc)
    Document.objects.filter(pk=doc.pk).update(runner=f"{actions.runner_id().rpartition(':')[0]}:{dead.stdout.strip()}")
    page = sign_in("duhead").get(f"/routines/documents/{doc.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="failed"' in page and "stopped before it finished" in page


def test_the_api_starts_a_document_reports_its_progress_and_serves_it(sign_in):
    meeting = Meeting.objects.filter(routine__kind="stocktake", priorities__code="ae-waits", state="held").first()
    client = sign_in("duhead")
    r = client.post("/api/routines/documents", {"kind": "pack", "meeting": meeting.pk}, content_type="application/json")
    assert r.status_code == 202, r.content
    body = r.json()
    assert (body["status"], body["kind"], body["meeting"], body["download"]) == ("queued", "pack", meeting.pk, None)
    assert client.get(f"/api/routines/documents/{body['id']}/pdf").status_code == 404
    assert tasks.generate_document.call(body["id"]) == "done"
    done = client.get(f"/api/routines/documents/{body['id']}").json()
    assert done["status"] == "done" and done["percent"] == 100 and done["pages"] > 1
    pdf = client.get(done["download"])
    assert pdf["Content-Type"] == "application/pdf" and _pdf_size(pdf.content)[1] == (595, 842)
    bad = client.post("/api/routines/documents", {"kind": "report"}, content_type="application/json")
    assert bad.status_code == 400 and "round" in bad.json()["errors"]
    assert sign_in("pm").get(f"/api/routines/documents/{body['id']}").status_code == 404


@pytest.mark.django_db
def test_a_real_worker_generates_a_queued_pack(own_database):
    """`stocktake worker --batch` in its own process, on its own database (SQLite file or PostgreSQL)."""
    env = own_database

    def shell(code: str) -> str:
        out = subprocess.run(
            [sys.executable, "-m", "stocktake", "shell", "--no-imports", "-c", code],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert out.returncode == 0, out.stderr
        return out.stdout.strip().splitlines()[-1]

    pk = int(
        shell(
            "from django.contrib.auth import get_user_model\n"
            "from stocktake.routines import actions\nfrom stocktake.routines.models import Meeting\n"
            "m = Meeting.objects.filter(routine__kind='stocktake', state='held').order_by('-date').first()\n"
            "d = actions.request_document(kind='pack', meeting=m, paper='letter',"
            " user=get_user_model().objects.get(username='duhead'))\nprint(d.pk)"
        )
    )
    read = (
        "from stocktake.routines.models import Document\n"
        f"d = Document.objects.get(pk={pk})\n"
        "print(d.status, d.stage, d.pages or 0, bytes(d.content or b'')[:5].decode() or '-')"
    )
    assert shell(read).split() == ["queued", "0", "-"]  # no worker yet: it waits in the database
    out = subprocess.run(
        [sys.executable, "-m", "stocktake", "worker", "--batch"], env=env, capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, out.stderr
    status, stage, pages, head = shell(read).split()
    assert (status, stage, head) == ("done", "done", "%PDF-") and int(pages) > 2


def test_generate_carries_the_moment_the_page_shows_to_the_document_and_its_pdf(sign_in):
    """A closed round's report page at `?as_of=now` (today's data, not as issued): "Generate" there makes that
    PDF, not the issued one; the document's page links back to the same view."""
    from stocktake.routines import frozen

    rnd = next(r for r in AssessmentRound.objects.order_by("-date") if frozen.report_moment(r))
    client = sign_in("duhead")
    page = client.get(f"/routines/rounds/{rnd.pk}/report/?as_of=now").content.decode()
    assert "Today&#x27;s data, not as issued" in page or "Today's data, not as issued" in page
    assert '<input type="hidden" name="as_of" value="now">' in page
    client.post("/routines/documents/new/", {"kind": "report", "round": rnd.pk, "paper": "a4", "as_of": "now"})
    doc = Document.objects.latest("pk")
    assert doc.as_of == "now"
    assert tasks.generate_document.call(doc.pk) == "done"
    doc.refresh_from_db()
    assert "today's data, not as issued" in doc.title, doc.title
    from pypdf import PdfReader

    content = client.get(f"/routines/documents/{doc.pk}/download/").content
    cover = " ".join(PdfReader(io.BytesIO(content)).pages[0].extract_text().split())
    assert "today's data, not as issued" in cover
    assert (
        f'href="/routines/rounds/{rnd.pk}/report/?as_of=now"'
        in client.get(f"/routines/documents/{doc.pk}/").content.decode()
    )
    again = client.get(f"/routines/rounds/{rnd.pk}/report/?as_of=now").content.decode()
    assert f'id="document-{doc.pk}"' in again  # offered again at the same moment…
    assert (
        f'id="document-{doc.pk}"' not in client.get(f"/routines/rounds/{rnd.pk}/report/").content.decode()
    )  # …not as issued

    before = Document.objects.count()
    bad = client.post("/routines/documents/new/", {"kind": "report", "round": rnd.pk, "as_of": "last tuesday"})
    assert bad.status_code == 400 and "as_of" in bad.content.decode() and Document.objects.count() == before


def test_the_api_takes_the_moment_a_document_shows(sign_in):
    rnd = AssessmentRound.objects.order_by("-date").first()
    client = sign_in("duhead")
    r = client.post(
        "/api/routines/documents", {"kind": "report", "round": rnd.pk, "as_of": "now"}, content_type="application/json"
    )
    assert r.status_code == 202 and r.json()["as_of"] == "now", r.content
    assert Document.objects.get(pk=r.json()["id"]).as_of == "now"
    bad = client.post("/api/routines/documents", {"kind": "note", "as_of": "soon"}, content_type="application/json")
    assert bad.status_code == 400 and "as_of" in bad.json()["errors"], bad.content
