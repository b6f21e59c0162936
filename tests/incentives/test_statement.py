"""The recipient's statement, on the page and in print: issuer, date, totals, and only approved money earned."""

import io
import re
from decimal import Decimal

from pypdf import PdfReader

from stocktake.incentives.models import Payment

FUND = "/incentives/funds/meridia-outcomes-fund/"


def _pdf(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return reader, re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_a_computed_payment_is_awaiting_approval_not_earned(client, users, fund):
    payments = Payment.objects.filter(scheme__recipient__code="moh", scheme__fund=fund)
    computed = payments.filter(status="computed")
    assert computed.exists()  # the demo has one waiting for approval
    approved = sum((p.amount for p in payments.filter(status__in=["approved", "disbursed"])), Decimal("0"))
    waiting = sum((p.amount for p in computed), Decimal("0"))
    client.force_login(users("manager"))
    page = client.get(FUND + "statements/moh/").content.decode()
    earned = re.search(r'id="earned">([^<]+)<', page).group(1)
    assert earned == f"{approved:,.2f}"
    assert re.search(r'id="awaiting">([^<]+)<', page).group(1) == f"{waiting:,.2f}"
    assert earned != f"{approved + waiting:,.2f}"


def test_the_printed_statement_names_its_issuer_date_and_totals_on_letter(client, users, fund):
    from django.utils import formats, timezone

    client.force_login(users("manager"))
    reader, text = _pdf(client, FUND + "statements/moh/pdf/?paper=letter")
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (792, 612)  # US Letter, landscape
    assert "REPUBLIC OF MERIDIA" in text and "Issued by Prime Minister's Delivery Unit" in text
    assert f"Issued {formats.date_format(timezone.localdate(), 'DATE_FORMAT')}" in text
    for words in ("Earned (payments approved or disbursed)", "Received (disbursed)", "Earned, not yet received"):
        assert words in text
    assert "Computed, awaiting the fund's approval (not earned yet)" in text
    a4, _ = _pdf(client, FUND + "statements/moh/pdf/")
    assert round(float(a4.pages[0].mediabox.width)) == 842  # A4 landscape by default
