"""Content a government writes in several languages: set through the action (checked, audited), read back in the
reader's language on the public pages and in the public API, the original when no translation was entered."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from stocktake.accounts.models import AuditEntry
from stocktake.architecture import actions as architecture_actions
from stocktake.architecture import translations as TR
from stocktake.public import actions
from tests import factories
from tests.factories import sign_in

from .helpers import commitment


def test_text_is_the_readers_language_else_the_original(db):
    ind = commitment("tr-text")
    architecture_actions.set_translations(ind, {"es": {"name": "Pacientes atendidos a tiempo"}}, reason="es")
    ind.refresh_from_db()
    assert TR.text(ind, "name", "es") == "Pacientes atendidos a tiempo"
    assert TR.text(ind, "name", "es-AR") == "Pacientes atendidos a tiempo"
    assert TR.text(ind, "name", "fr") == "tr-text"  # nothing entered in French: the original
    assert TR.text(ind, "name", "en") == "tr-text"
    with translation.override("es"):
        assert TR.text(ind, "name") == "Pacientes atendidos a tiempo"
    entry = AuditEntry.objects.filter(model="architecture.indicator", object_id=str(ind.pk)).latest("id")
    assert entry.after["translations"] == {"es": {"name": "Pacientes atendidos a tiempo"}} and entry.reason == "es"


def test_languages_left_out_keep_their_text_and_a_blank_text_falls_back(db):
    ind = commitment("tr-merge")
    architecture_actions.set_translations(ind, {"es": {"name": "Uno"}, "fr": {"name": "Un", "description": "Desc"}})
    architecture_actions.set_translations(ind, {"fr": {"name": ""}})
    ind.refresh_from_db()
    assert ind.translations == {"es": {"name": "Uno"}}


@pytest.mark.parametrize(
    "bad, says",
    [
        ({"de": {"name": "Eins"}}, "'de' is not a language to translate into"),
        ({"en": {"name": "One"}}, "'en' is not a language to translate into"),  # the original's own language
        ({"es": {"unit": "%"}}, "translations.es.unit: not a translatable field"),
        ({"es": {"name": 3}}, "translations.es.name: a text"),
        ({"es": "Uno"}, "translations.es: an object"),
        ({"es": {"name": "x" * 301}}, "translations.es.name: at most 300 characters"),
    ],
)
def test_bad_translations_are_refused_naming_the_language_and_field_and_change_nothing(db, bad, says):
    ind = commitment("tr-bad")
    with pytest.raises(ValidationError) as refused:
        architecture_actions.set_translations(ind, bad)
    assert says in " ".join(refused.value.messages)
    ind.refresh_from_db()
    assert ind.translations == {}


def test_the_public_pages_show_the_readers_language_and_fall_back_to_the_original(db):
    ind = commitment("tr-page", summary="Shorter waits for everyone")
    priority = ind.outcome.priority
    architecture_actions.set_translations(
        priority, {"es": {"name": "Esperas más cortas"}, "fr": {"name": "Moins d'attente"}}
    )
    architecture_actions.set_translations(ind, {"es": {"name": "Pacientes atendidos"}})
    actions.publish(
        priority, user=factories.user("duhead"), translations={"es": {"summary": "Menos espera para todos"}}
    )
    factories.record(ind, "NAT", "2026-01", 81.25, state="published")
    url = f"/public/commitments/{priority.code}/"
    es = sign_in(None).get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "<h1>Esperas más cortas</h1>" in es and "Menos espera para todos" in es and "Pacientes atendidos" in es
    assert "81,3" in es or "81,2" in es  # Spanish numbers on the same page
    fr = sign_in(None).get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "<h1>Moins d&#x27;attente</h1>" in fr
    assert "Shorter waits for everyone" in fr and "<h3>tr-page</h3>" in fr  # no French summary or indicator name
    en = sign_in(None).get(url).content.decode()
    assert f"<h1>{priority.name}</h1>" in en and "Esperas" not in en
    index = sign_in(None).get("/public/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Esperas más cortas" in index


def test_the_public_api_speaks_the_readers_language_and_the_translations_route_sets_them(db):
    ind = commitment("tr-api")
    priority = ind.outcome.priority
    body = {"translations": {"pt": {"name": "Esperas menores"}}, "reason": "pt"}
    refused = sign_in("leader").put(
        f"/api/public/translations/priority/{priority.code}", body, content_type="application/json"
    )
    assert refused.status_code == 403
    done = sign_in("duhead").put(
        f"/api/public/translations/priority/{priority.code}", body, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["translations"] == {"pt": {"name": "Esperas menores"}}
    bad = sign_in("duhead").put(
        f"/api/public/translations/indicator/{ind.code}",
        {"translations": {"xx": {"name": "?"}}},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "'xx' is not a language" in bad.json()["detail"]
    summary = sign_in("duhead").put(
        f"/api/public/translations/commitment/{priority.code}",
        {"translations": {"pt": {"summary": "Menos espera"}}},
        content_type="application/json",
    )
    assert summary.status_code == 200
    pt = sign_in(None).get(f"/api/public/commitments/{priority.code}", HTTP_ACCEPT_LANGUAGE="pt-BR").json()
    assert (pt["name"], pt["summary"]) == ("Esperas menores", "Menos espera")
    assert sign_in(None).get(f"/api/public/commitments/{priority.code}").json()["name"] == priority.name


def test_the_public_search_finds_commitments_by_the_words_of_the_readers_language_and_the_original(db):
    ind = commitment("tr-search")
    priority = ind.outcome.priority
    architecture_actions.set_translations(
        priority, {"es": {"name": "Hospitales sin colas", "description": "Menos espera en urgencias"}}
    )
    architecture_actions.set_translations(ind, {"es": {"name": "Pacientes atendidos a tiempo"}})
    hidden = commitment("tr-search-hidden", publish=False)  # on no public page: never found, in any language
    architecture_actions.set_translations(hidden.outcome.priority, {"es": {"name": "Hospitales secretos"}})

    def found(q, lang):
        html = sign_in(None).get("/public/search/", {"q": q}, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
        return html.count(f'href="/public/commitments/{priority.code}/'), "secretos" in html

    assert found("hospitales", "es") == (1, False)  # the Spanish name, case aside
    assert found("urgencias", "es") == (1, False)  # the Spanish description
    assert found("atendidos a tiempo", "es")[0] == 1  # the indicator's Spanish name links to its commitment
    assert found(priority.name, "es")[0] >= 1  # still by the original
    assert found("hospitales", "fr") == (0, False)  # a French reader is shown (and searches) the original
    assert found("hospitales", "en") == (0, False)
