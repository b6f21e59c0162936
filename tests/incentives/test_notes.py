"""The sentences the system writes into the ledger are stored in English and read in the reader's language."""

import re
from decimal import Decimal

import pytest
from django.utils.html import escape
from django.utils.translation import override

from stocktake.delivery import payments as PAY
from stocktake.incentives import notes
from stocktake.incentives.models import LedgerEntry, Payment
from tests.factories import sign_in

FUND = "/incentives/funds/meridia-outcomes-fund/"


def test_a_system_note_is_stored_in_english_and_shown_in_the_readers_language():
    stored = notes.write(notes.REVERSAL, reason="paid to the wrong account")
    assert stored == "Reversal: paid to the wrong account"
    with override("es"):
        assert notes.shown(stored) == "Reversión: paid to the wrong account"
    with override("fr"):
        assert notes.shown(stored) == "Contrepassation : paid to the wrong account"
    with override("en"):
        assert notes.shown(stored) == stored


def test_rows_written_before_translation_are_read_in_the_readers_language():
    """The English the ledger held before (same sentences, written with f-strings) is recognised too."""
    old = {
        "Commitment to Reading for all": "Compromisso com Reading for all",
        "Correction of payment #12": "Correção do pagamento nº 12",
        "Disbursed": None,
        "data values #3, #4 were corrected after this payment: the result is now 81.5 (was 80); a correction of "
        "+1,500.00 is proposed": "os valores de dados #3, #4 foram corrigidos depois deste pagamento: o resultado agora "
        "é 81.5 (era 80); propõe-se uma correção de +1,500.00",
        "data value #3 was corrected after this payment: the result is now 81.5 (was 80); a correction of +1,500.00 "
        "is proposed": "o valor de dados #3 foi corrigido depois deste pagamento: o resultado agora é 81.5 (era 80); "
        "propõe-se uma correção de +1,500.00",
    }
    with override("pt"):
        for stored, shown in old.items():
            if shown is None:
                assert notes.shown(stored) != stored  # a one-word note is translated as a whole
            else:
                assert notes.shown(stored) == shown


def test_a_withheld_explanation_translates_the_sentence_and_keeps_the_figures():
    stored = notes.write(
        notes.WITHHELD, eligible=3, checked=10, share="30%", threshold="80%", explanation=notes.write(notes.APPROVED)
    )
    with override("es"):
        shown = notes.shown(stored)
    assert shown.startswith("retenido: solo 3 de 10 resultados")
    assert "30%" in shown and "80%" in shown
    assert shown.endswith("De haberse aprobado: Aprobado") or "withheld" not in shown


def test_a_note_a_person_wrote_is_shown_as_written():
    with override("fr"):
        assert notes.shown("Paid late: the treasury was closed") == "Paid late: the treasury was closed"
        assert notes.shown("") == ""


def test_every_template_is_translated_in_each_language():
    for lang in ("es", "pt", "fr"):
        with override(lang):
            for template in notes.TEMPLATES:
                params = {name: "X" for name in notes._PLACEHOLDER.findall(template)}
                stored = notes.write(template, **params)
                assert notes.shown(stored) != stored, f"{lang}: {template!r} is shown in English"


@pytest.mark.parametrize("lang,approved", [("fr", "Approuvé"), ("es", "Aprobado"), ("pt", "Aprovado")])
def test_the_fund_pages_ledger_shows_the_system_notes_in_the_readers_language(db, lang, approved):
    assert LedgerEntry.objects.filter(note="Approved").exists()
    html = sign_in("duhead", HTTP_ACCEPT_LANGUAGE=lang).get(FUND).content.decode()
    ledger = html.split('<table id="ledger">', 1)[1].split("</table>", 1)[0]
    notes_shown = re.findall(r"<td>([^<]*)</td></tr>", ledger)  # the note is each row's last cell
    assert approved in notes_shown
    assert not {"Approved", "Disbursed"} & set(notes_shown)


def test_a_payment_explanation_is_stored_in_english_and_read_in_spanish_with_spanish_numbers():
    rule = PAY.PricePerUnit(price=Decimal(2500), baseline=Decimal(83))
    stored = PAY.compute(rule, "87.94", cap_per_period=Decimal(10000)).explanation
    assert stored == "4.94 above the baseline of 83 at 2,500 per unit; capped at 10,000 per period"
    with override("es"):
        shown = notes.shown(stored)
    # Spanish groups thousands with a (non-breaking) space and writes the decimal comma.
    assert shown.replace("\xa0", " ") == (
        "4,94 por encima de la línea de base de 83 a 2 500 por unidad; limitado al tope de 10 000 por período"
    )
    with override("en"):
        assert notes.shown(stored) == stored


def test_a_withheld_payment_reads_its_rules_explanation_in_the_readers_language_too():
    rule = PAY.Combined((PAY.Threshold(Decimal(90), Decimal(1000)), PAY.Recognition(Decimal(80), "Top; of the league")))
    explanation = PAY.compute(rule, "85.5").explanation
    stored = notes.write(notes.WITHHELD, eligible=3, checked=10, share="30%", threshold="80%", explanation=explanation)
    with override("pt"):
        shown = notes.shown(stored)
    assert shown.startswith("retido: apenas 3 de 10")
    assert "meta de 90 não atingida (85,5): nada é pago" in shown
    assert "meta de 80 atingida: Top; of the league (sem dinheiro)" in shown  # what a person typed stays as typed


def test_every_payment_explanation_is_translated_in_each_language_with_its_numbers_in_the_readers_format():
    for lang, written in (("es", "1234,5"), ("pt", "1.234,5"), ("fr", "1234,5")):
        with override(lang):
            for template in PAY.EXPLANATIONS:
                names = notes._PLACEHOLDER.findall(template)
                stored = template % {name: "1,234.5" if name in PAY.NUMBER_PARAMS else "X" for name in names}
                shown = notes.shown(stored)
                assert shown != stored, f"{lang}: {template!r} is shown in English"
                assert written in shown.replace("\xa0", "").replace(" ", "").replace("\u202f", ""), (lang, shown)
                assert "1,234.5" not in shown


def test_a_payment_page_read_in_spanish_explains_the_amount_in_spanish(db):
    payment = (
        Payment.objects.filter(explanation__contains=" per unit").first()
        or Payment.objects.filter(explanation__contains="target ").first()
    )
    assert payment is not None, "the demo has a computed payment"
    html = sign_in("duhead", HTTP_ACCEPT_LANGUAGE="es").get(f"/incentives/payments/{payment.pk}/").content.decode()
    with override("es"):
        expected = notes.shown(payment.explanation)
    assert expected != payment.explanation
    assert escape(expected) in html
    assert escape(payment.explanation) not in html
