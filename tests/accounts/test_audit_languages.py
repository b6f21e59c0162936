"""The audit trail reads in the reader's language: a reason the system wrote (stored in English, a record) is
shown translated, one with values in it re-formatted around them, and one a person typed is shown as typed."""

import re

import pytest

from stocktake.accounts import actions as account_actions
from stocktake.accounts import reasons
from stocktake.accounts.models import AuditEntry
from stocktake.incentives import actions
from stocktake.incentives.models import Fund

pytestmark = pytest.mark.django_db

TYPED = "Budget moved after the March review"


def entry_row(html: str, entry: AuditEntry) -> str:
    row = re.search(rf'<tr data-entry="{entry.pk}">(.*?)</tr>', html, re.S)
    assert row, "entry not on the page"
    return row.group(1)


def test_a_history_read_in_spanish_shows_system_reasons_in_spanish_and_typed_ones_as_typed(sign_in, user):
    fund = Fund.objects.order_by("pk").first()
    duhead = user("duhead")
    actions.change_fund(fund, user=duhead, description="Outcomes fund for the north (revised)")
    actions.change_fund(fund, user=duhead, reason=TYPED, description="Outcomes fund for the north")
    system, typed = AuditEntry.objects.filter(model="incentives.fund", object_id=str(fund.pk)).order_by("-pk")[:2][::-1]
    assert (system.reason, typed.reason) == ("Fund changed", TYPED)  # the rows keep the English

    page = sign_in("duhead", HTTP_ACCEPT_LANGUAGE="es").get(
        f"/accounts/audit/?model=incentives.fund&object_id={fund.pk}"
    )
    html = page.content.decode()
    assert "<td>Fondo modificado</td>" in entry_row(html, system)
    assert f"<td>{TYPED}</td>" in entry_row(html, typed)
    assert "<dt>Descripción</dt>" in entry_row(html, typed)  # the field's label, in Spanish too
    english = sign_in("duhead").get(f"/accounts/audit/?model=incentives.fund&object_id={fund.pk}").content.decode()
    assert "<td>Fund changed</td>" in entry_row(english, system)


def test_a_reason_with_values_is_re_formatted_around_them_in_the_readers_language(sign_in):
    lockout = account_actions.record_address_lockout(
        kind="token", address="203.0.113.9", count=25, seconds=600, request=None
    )
    assert lockout.reason == "25 invalid API tokens from 203.0.113.9: refused from this address for 600 seconds"
    html = sign_in("duhead", HTTP_ACCEPT_LANGUAGE="es").get("/accounts/audit/?model=accounts.apitoken").content.decode()
    row = entry_row(html, lockout)
    assert "25" in row and "203.0.113.9" in row and "600" in row
    assert lockout.reason not in row


def test_only_the_whole_sentence_is_recognised():
    stored = reasons.reason(actions.DISBURSED_REF, amount="1200.00", reference="PAY-7")
    assert stored == "Disbursed 1200.00 ref PAY-7"
    assert reasons.shown("Disbursed, as agreed with the treasury") == "Disbursed, as agreed with the treasury"
    assert reasons.shown(TYPED) == TYPED


def test_other_histories_put_reasons_in_the_readers_words_with_the_filter():
    from django.template import Context, Template
    from django.utils import translation

    page = Template("{% load audit_reasons %}{{ a|audit_reason }} | {{ b|audit_reason }} | {{ c|audit_reason }}")
    with translation.override("es"):
        shown = page.render(Context({"a": "Round closed", "b": "carried over from Q1 2026", "c": TYPED}))
    assert shown == f"Ronda cerrada | traído de Q1 2026 | {TYPED}"
