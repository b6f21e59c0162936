"""The audit page reads as words: field labels, before → after in the terms of the page, a link to the record;
never attribute names (`approved_by_id`) or Python dict text. The CSV keeps the raw values for machines."""

import re

import pytest

from stocktake.accounts.models import AuditEntry
from stocktake.incentives.models import Payment

pytestmark = pytest.mark.django_db


def entry_row(html: str, entry: AuditEntry) -> str:
    row = re.search(rf'<tr data-entry="{entry.pk}">(.*?)</tr>', html, re.S)
    assert row, "entry not on the page"
    return row.group(1)


def test_an_approval_reads_as_words_and_links_to_the_payment(sign_in):
    approval = (
        AuditEntry.objects.filter(model="incentives.payment", action="change", after__status="approved")
        .exclude(before__status="approved")
        .order_by("-pk")
        .first()
    )
    payment = Payment.objects.select_related("approved_by").get(pk=approval.object_id)
    html = sign_in("duhead").get(f"/accounts/audit/?model=incentives.payment&object_id={payment.pk}").content.decode()
    row = entry_row(html, approval)
    approver = payment.approved_by.get_full_name() or payment.approved_by.username
    assert re.search(rf"<dt>Approved by</dt><dd>none → {re.escape(approver)}</dd>", row)
    assert re.search(r"<dt>Status</dt><dd>Computed → Approved</dd>", row)
    assert f'<a href="/incentives/payments/{payment.pk}/">' in row
    assert "_id" not in row and "approved_at:" not in row


def test_a_stored_list_of_inputs_is_not_shown_as_python_text(sign_in):
    created = AuditEntry.objects.filter(model="incentives.payment", action="create").order_by("pk").first()
    html = sign_in("duhead").get(f"/accounts/audit/?model=incentives.payment&object_id={created.object_id}")
    row = entry_row(html.content.decode(), created)
    assert "{&#x27;" not in row and "{'" not in row and "[{" not in row
    assert "<dt>Inputs</dt>" in row and "<dt>Computed by</dt>" in row


def test_the_csv_keeps_the_raw_values(sign_in):
    body = sign_in("duhead").get("/accounts/audit/?model=incentives.payment&format=csv").content.decode()
    assert "approved_by_id" in body
