"""The API's refusals speak the reader's language (Accept-Language), and name the field as the schema spells it."""

from __future__ import annotations

import pytest

from stocktake.apivalidation import envelope
from tests import factories

J = "application/json"


@pytest.mark.parametrize(
    "lang, required, number",
    [
        ("es", "obligatorio", "debe ser un número entero"),
        ("pt", "obrigatório", "deve ser um número inteiro"),
        ("fr", "obligatoire", "doit être un nombre entier"),
        ("en", "required", "must be a whole number"),
    ],
)
def test_a_body_the_schema_refuses_is_a_422_in_the_readers_language_naming_the_field(db, lang, required, number):
    du = factories.sign_in("manager")
    r = du.post(
        "/api/architecture/pillars", {"code": "water", "rank": "nine"}, content_type=J, HTTP_ACCEPT_LANGUAGE=lang
    )
    assert r.status_code == 422, r.content
    body = r.json()
    assert body["errors"] == {"name": [required], "rank": [number]}
    assert f"name: {required}" in body["detail"] and f"rank: {number}" in body["detail"]


def test_a_nested_field_keeps_its_path_and_an_unknown_error_keeps_pydantics_words():
    errors = [
        {"type": "missing", "loc": ("body", "payload", "rows", 0, "value"), "msg": "Field required"},
        {"type": "greater_than_equal", "loc": ("query", "limit"), "msg": "x", "ctx": {"ge": 1}},
        {"type": "some_new_type", "loc": ("body", "payload"), "msg": "Something new"},
    ]
    assert envelope(errors)["errors"] == {
        "rows.0.value": ["required"],
        "limit": ["must be 1 or more"],
        "payload": ["Something new"],
    }


def test_a_refusal_without_words_of_its_own_is_translated(db):
    """Ninja's own "Unauthorized", with no words from us, reaches a Spanish reader in Spanish."""
    r = factories.sign_in(None).get("/api/accounts/people", HTTP_ACCEPT_LANGUAGE="es")
    assert r.status_code == 401, r.content
    assert r.json()["detail"] == "inicie sesión o envíe un token de API personal"
