"""An evaluation reads in the reader's language: the verdict, its caveats and the engine's own sentences.

The estimates are recomputed on every read (never stored), so the sentences are made under the request's
language; these tests fail if a sentence reaches a Spanish reader in English.
"""

import dataclasses
import re

import pytest
from django.test import Client
from django.utils import translation

from stocktake.delivery.impact import few_units_note
from stocktake.delivery.impact_verdict import Verdict, render_verdict

pytestmark = pytest.mark.django_db


def _paragraphs(body: str, element_id: str) -> list[str]:
    """The text of each <p> or <li> inside the element with this id (empty when it is absent)."""
    block = re.search(rf'id="{element_id}">(.*?)</(?:div|ul)>', body, re.S)
    return re.findall(r"<(?:p|li)[^>]*>(.*?)</(?:p|li)>", block.group(1), re.S) if block else []


def test_the_evaluation_page_shows_its_verdict_in_spanish(demo_evaluation):
    client = Client()  # the demo evaluation is published: the public reads it
    url = f"/evaluations/{demo_evaluation.pk}/"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    spanish = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    en_verdict, es_verdict = _paragraphs(english, "verdict"), _paragraphs(spanish, "verdict")
    assert en_verdict and len(es_verdict) == len(en_verdict)
    assert any("Giving the treated label to randomly chosen units" in s for s in en_verdict)
    assert any("Asignar la etiqueta de tratada a unidades elegidas al azar" in s for s in es_verdict)
    for en, es in zip(en_verdict, es_verdict):
        assert en != es, f"still English in Spanish: {es}"
    for en, es in zip(_paragraphs(english, "notes"), _paragraphs(spanish, "notes")):
        assert en != es, f"a caveat still English in Spanish: {es}"


PLACEBO_FAILED = Verdict(
    direction="unclear",
    effect=-0.4,
    low=-2.1,
    high=1.3,
    percent=None,
    percent_low=None,
    percent_high=None,
    pretrend="untested",
    pretrend_p=None,
    pretrend_periods=0,
    placebo="effect_before_start",
    placebo_start=3,
    permutation_observed=-0.5,
    permutation_p=0.2,
    permutations=99,
    permutation_as_large=19,
    notes=(),
)


def test_the_engine_writes_its_verdict_and_caveats_in_the_active_language():
    with translation.override("es"):
        note = few_units_note(6)
        text = render_verdict(dataclasses.replace(PLACEBO_FAILED, notes=(note,)))
    assert text.startswith("No podemos saber si el resultado cambió por la intervención")
    assert "(período 3)" in text
    assert "No se pudo comprobar si los dos grupos se movieron igual antes del inicio." in text
    assert note.message.startswith("Solo 6 unidades")
    assert "We cannot tell" not in text and "Only 6 units" not in text
    with translation.override("en"):
        assert render_verdict(PLACEBO_FAILED).startswith("We cannot tell whether the outcome changed")
