"""The portfolio's cached summaries (monitoring/portfolio_cache.py): never stale, never across readers."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from stocktake.architecture import actions as architecture
from stocktake.architecture.models import OrgUnit
from stocktake.monitoring import portfolio_cache
from tests import factories


def _row(client, code):
    rows = client.get("/api/monitoring/portfolio").json()
    return next((r for r in rows if r["indicator"] == code), None)


def _national_indicator(code):
    """A new indicator reported for the nation itself, target 40 -> 60 from 2025 to 2027, and two official months."""
    ind = factories.indicator(code, target=(40, 60), report_depth=1)
    root = OrgUnit.objects.get(parent=None)
    factories.record(ind, root, "2025-06", 45, state="validated")
    return ind, root


def test_the_portfolio_follows_every_new_official_value_at_once(sign_in, db):
    ind, root = _national_indicator("cache-beds")
    c = sign_in("duhead")
    assert _row(c, "cache-beds")["latest"] == 45
    factories.record(ind, root, "2025-07", 50, state="validated")
    assert (_row(c, "cache-beds")["period"], _row(c, "cache-beds")["latest"]) == ("2025-07", 50)
    factories.record(ind, root, "2025-07", 52, state="validated")  # a new version of the same cell
    assert _row(c, "cache-beds")["latest"] == 52
    factories.record(ind, root, "2025-08", 58)  # submitted: provisional, not official
    row = _row(c, "cache-beds")
    assert (row["latest"], row["provisional_period"], row["provisional"]) == (52, "2025-08", 58)
    assert "2025-08: 58" in c.get("/").content.decode()  # the page reads the same summaries


def test_the_portfolio_follows_a_revised_target_and_an_edited_indicator(sign_in, db):
    ind, root = _national_indicator("cache-clinics")
    factories.record(ind, root, "2025-07", 42, state="validated")  # behind the planned 43.9: slightly off
    c = sign_in("duhead")
    before = _row(c, "cache-clinics")
    assert before["target"] == 60 and before["status"] == "slightly_off"
    target = ind.targets.get(org_unit=None)
    architecture.revise_target(target, target_value=80, reason="raised", user=factories.user("manager"))
    after = _row(c, "cache-clinics")
    assert after["target"] == 80 and after["planned"] > before["planned"]
    architecture.change_indicator(ind, on_track_band=0.5, off_track_band=0.9, reason="wider bands")
    assert _row(c, "cache-clinics")["status"] == "on_track"


def test_a_second_request_reads_no_rollups(client, db):
    client.get("/api/monitoring/portfolio")
    with CaptureQueriesContext(connection) as first:
        client.get("/api/monitoring/portfolio")
    assert not [q for q in first.captured_queries if '"monitoring_rollup"' in q["sql"]]


def test_readers_of_each_visibility_class_see_their_own_portfolio(client, sign_in, db):
    factories.indicator("cache-secret", organisation="moh")  # an unpublished priority of the health ministry
    unit = sign_in("duhead")
    assert _row(unit, "cache-secret") is not None  # the delivery unit warms the cache first
    assert _row(client, "cache-secret") is None  # the public
    assert _row(sign_in("education-data"), "cache-secret") is None  # another ministry
    assert _row(sign_in("health-data"), "cache-secret") is not None  # its own ministry
    classes = {portfolio_cache.reader_class(factories.user(u)) for u in ("duhead", "health-data", "education-data")}
    from django.contrib.auth.models import AnonymousUser

    classes.add(portfolio_cache.reader_class(AnonymousUser()))
    assert len(classes) == 4


def test_an_observer_never_gets_the_delivery_units_cached_portfolio(sign_in, db):
    inside = _row(sign_in("duhead"), "ae-4h")  # warms the cache with every state
    assert inside["provisional"] is not None
    observer = _row(sign_in("observer"), "ae-4h")
    assert observer is not None and observer["provisional"] is None  # published values only (decision 0005)
    assert portfolio_cache.reader_class(factories.user("observer")) != portfolio_cache.reader_class(
        factories.user("duhead")
    )
