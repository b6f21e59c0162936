"""The 500 page is styled like the 403 and 404 (tests/web/test_menus.py): the site's top bar and a sentence,
never a bare "Server Error (500)" (issue 18, item 3)."""

import pytest
from django.test import RequestFactory


@pytest.mark.django_db
def test_an_unexpected_error_gets_the_styled_500_page():
    from stocktake import urls
    from stocktake.web import busy

    assert urls.handler500 == "stocktake.web.busy.server_error"
    request = RequestFactory().get("/")
    try:
        raise RuntimeError("a bug nobody foresaw")
    except RuntimeError:
        response = busy.server_error(request)
    body = response.content.decode()
    assert response.status_code == 500
    assert 'class="topbar"' in body and "Something went wrong on our side" in body
    assert "a bug nobody foresaw" not in body and "Traceback" not in body
