"""A context indicator is not judged against a plan: with data, it shows that, never a "No data" pill."""

import re

from stocktake.architecture.models import Indicator
from stocktake.monitoring import series


def test_a_context_indicator_with_data_shows_no_no_data_pill(db, sign_in):
    html = sign_in("observer").get("/").content.decode()  # the public has its own site (tests/public)
    row = re.search(r'<tr data-indicator="ae-attendances".*?</tr>', html, re.S).group(0)
    assert "No data" not in row and "context: not judged against a plan" in row
    assert "ae-attendances" in html and series.summarise(Indicator.objects.get(code="ae-attendances")).latest
    page = sign_in(None).get("/indicators/ae-attendances/").content.decode()
    assert 'id="status">No data' not in page and "context: not judged against a plan" in page
