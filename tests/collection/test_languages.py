"""An import in the reader's language: a Spanish user's refusals and row errors read Spanish, inline and queued.

The messages come partly from the plain-Python engine (delivery.importrows, delivery.periods), translated
through stocktake.delivery.text; a queued import runs in the worker, which has no request, so the batch keeps
the uploader's language and the task writes its report in it.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from stocktake.collection import actions, tasks
from stocktake.collection.models import ImportBatch

PASSWORD = "demo-stocktake-2026"
BAD = b"indicator,org_unit,period,value\nhomicides,R01-D01,2025-06,3\nhomicides,R01-D02,2025-13,abc\n"


def _upload(client, data=BAD):
    return client.post(
        "/collection/import/",
        {"file": SimpleUploadedFile("bad.csv", data, content_type="text/csv"), "dry_run": "1"},
        HTTP_ACCEPT_LANGUAGE="es",
    )


def _errors(batch) -> dict[str, str]:
    return {e["column"]: e["message"] for e in batch.errors if e["row"] == 3}


def test_a_spanish_upload_with_a_bad_row_names_row_and_column_in_spanish(db, client):
    client.login(username="admin", password=PASSWORD)
    response = _upload(client)
    batch = ImportBatch.objects.latest("pk")
    assert response.status_code == 302 and batch.status == "done" and batch.rows_rejected == 1
    errors = _errors(batch)
    assert errors["value"] == "'abc' no es un número"
    assert errors["period"] == "'2025-13' tiene el mes 13; los meses van de 01 a 12"
    page = client.get(f"/collection/imports/{batch.pk}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "<th>Fila</th><th>Columna</th><th>Problema</th>" in page
    assert "Prueba:" in page and "No se guardó nada." in page and "no es un número" in page


def test_a_queued_import_writes_its_report_in_the_uploaders_language(db, admin_user, settings):
    settings.STOCKTAKE_IMPORT_INLINE_BYTES = 10
    with translation.override("es"):
        batch = actions.queue_import(
            SimpleUploadedFile("bad.csv", BAD), file_name="bad.csv", fmt=None, mapping=None, user=admin_user
        )
    assert batch.language == "es"
    with translation.override("en"):  # the worker: no request, the site's default language
        assert tasks.run_queued_import.call(batch.pk) == "done"
    batch.refresh_from_db()
    assert _errors(batch)["value"] == "'abc' no es un número"


def test_a_refused_file_says_why_in_french(db, client):
    client.login(username="admin", password=PASSWORD)
    client.post(
        "/collection/import/",
        {"file": SimpleUploadedFile("empty.csv", b"indicator,org_unit,period,value\n", content_type="text/csv")},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    batch = ImportBatch.objects.latest("pk")
    assert batch.status == "refused"
    assert batch.message.startswith("le fichier a une ligne d'en-tête mais aucune ligne de données")
    assert batch.message.endswith("Rien n'a été enregistré.")
