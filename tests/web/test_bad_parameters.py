"""Pages refuse numbers and ids they cannot read with a styled 400 that names the field, never a 500.

Each case here was a 500 before (ValueError from the ORM for `abc`, OverflowError from the database driver
for `99999999999999999999`, a NUL refused by PostgreSQL, a NULL written to a list column).
"""

from __future__ import annotations

import pytest
from django.test import Client

from stocktake.params import MAX_ID, BadParameter, parse_int, unreadable

HUGE = "99999999999999999999"


@pytest.fixture
def duhead(db):
    from django.contrib.auth import get_user_model

    c = Client(raise_request_exception=False)
    c.force_login(get_user_model().objects.get(username="duhead"))
    return c


def _refused(response, field):
    body = response.content.decode()
    assert response.status_code == 400, body[:500]
    assert f"<strong>{field}</strong>" in body, body[:2000]
    assert "Sign out" in body  # the site's layout, with the signed-in user, not Django's bare page
    return body


@pytest.mark.parametrize("value", ["abc", HUGE, "1.5", "-3", "１２"])
def test_compare_refuses_a_round_that_is_not_an_id(duhead, value):
    _refused(duhead.get("/routines/rounds/compare/", {"round": value}), "round")


def test_compare_still_compares_real_rounds(duhead):
    from stocktake.routines.models import AssessmentRound

    ids = list(AssessmentRound.objects.values_list("pk", flat=True)[:2])
    assert duhead.get("/routines/rounds/compare/", {"round": ids}).status_code == 200


@pytest.mark.parametrize("value", ["abc", HUGE])
def test_decide_refuses_a_value_that_is_not_an_id(duhead, value):
    _refused(duhead.post("/collection/decide/", {"value": value, "decision": "validate"}), "value")


def test_decide_on_an_unknown_value_is_not_found(duhead):
    assert duhead.post("/collection/decide/", {"value": "987654321", "decision": "validate"}).status_code == 404


def _upload(client, mapping):
    from django.core.files.uploadedfile import SimpleUploadedFile

    f = SimpleUploadedFile("v.csv", b"indicator,org_unit,period,value\n", "text/csv")
    return client.post("/collection/import/", {"file": f, "mapping": mapping, "dry_run": "1"})


def test_upload_refuses_a_mapping_that_is_not_an_id(duhead):
    _refused(_upload(duhead, "abc"), "mapping")


def test_upload_refuses_an_unknown_mapping_instead_of_ignoring_it(duhead):
    response = _upload(duhead, "987654321")
    assert response.status_code == 400
    assert "no column mapping 987654321" in response.content.decode()


@pytest.mark.parametrize("field", ["priority", "owner"])
def test_a_meeting_action_refuses_ids_it_cannot_read(duhead, field):
    from stocktake.routines.models import Meeting

    meeting = Meeting.objects.order_by("pk").first()
    response = duhead.post(f"/routines/meetings/{meeting.pk}/action/", {field: "abc", "description": "x"})
    _refused(response, field)


@pytest.mark.parametrize("field", ["chair", "priorities", "participants"])
def test_a_new_routine_refuses_ids_it_cannot_read(duhead, field):
    _refused(duhead.post("/routines/routine/new/", {"name": "R", field: HUGE}), field)


def test_a_nul_in_any_query_or_form_field_is_refused_before_the_view(duhead):
    from stocktake.architecture.models import Indicator

    code = Indicator.objects.order_by("code").first().code
    _refused(duhead.get(f"/monitoring/league/{code}/", {"period": "2026\x00"}), "period")
    _refused(duhead.post("/collection/decide/", {"reason": "late\x00", "decision": "return"}), "reason")


def test_an_emptied_stages_box_saves_no_stages(duhead):
    from stocktake.architecture.models import Target

    target = Target.objects.filter(org_unit=None).select_related("indicator").first()
    page = duhead.get(f"/indicators/{target.indicator.code}/target/")
    form = page.context["form"]
    data = {k: form[k].value() or "" for k in form.fields}
    data.update(stages="", reason="stages emptied")
    response = duhead.post(f"/indicators/{target.indicator.code}/target/", data)
    assert response.status_code in (200, 302, 400) and response.status_code < 500
    target.refresh_from_db()
    assert target.stages is not None


def test_parse_int_bounds_and_names():
    assert parse_int("n", " 42 ", maximum=50) == 42
    assert parse_int("id", str(MAX_ID), maximum=MAX_ID) == MAX_ID
    for bad in ("", "4.0", "0x10", "1_000", "٣", str(MAX_ID + 1), "-1"):
        with pytest.raises(BadParameter) as exc:
            parse_int("id", bad, minimum=0, maximum=MAX_ID)
        assert exc.value.field == "id"


def test_unreadable_text():
    assert unreadable("fine é 中") is None
    assert "NUL" in unreadable("a\x00b")
    assert "surrogate" in unreadable("a\ud800")


def test_a_strategy_with_an_out_of_range_leader_is_a_form_error(duhead):
    from stocktake.architecture.models import Priority

    code = Priority.objects.order_by("code").first().code
    response = duhead.post(f"/plans/{code}/strategies/new/", {"name": "S", "leaders": HUGE})
    assert response.status_code in (200, 400), response.status_code
    assert "leaders" in response.context["form"].errors
