"""The publication boundary: readers without rights see published values and published plan material only.

Sentinel values are planted in every state that is not published (submitted, validated, returned), each
alone in its own month at one district so that every rollup above it (region, nation) is the sentinel
itself, with sentinel notes in the value comments, a return reason, a risk, a rubric rating, a weak
delivery-chain link and a meeting's minutes. Then every page the reader can reach from the front pages
and the sentinel's own pages is fetched, with every download they link (CSV, Excel, SVG, PDF, JSON), and
every GET route of the API (path parameters filled from the demo): no sentinel may appear anywhere.

The readers are the public and a signed-in data lead of another ministry (who reads the priority because
it is published, not because it is theirs). The sentinels are then checked to be visible to the
delivery unit, so the test cannot pass by showing nothing.
"""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
from django.db import transaction

from tests import factories

from . import crawl

INDICATOR = "business-registrations"  # a sum: one district's value is the nation's figure that month
PRIORITY = "new-business"  # published, led by the Ministry of Labour
VALUES = {  # period: (value, state)
    "2026-11": (987654.321, "submitted"),
    "2026-12": (876543.219, "validated"),
    "2027-01": (765432.198, "returned"),
}
# A published value corrected since: the public keeps the published figure; the correction is a sentinel.
CORRECTED = ("2027-02", 543210.987, 432109.876)
# The numbers as any page, file or chart may write them: 987654.321, 987,654.3, 987 654, 9.87654e+05.
NUMBERS = re.compile(
    r"987[,.\s\u00a0\u202f']?654|876[,.\s\u00a0\u202f']?543|765[,.\s\u00a0\u202f']?432|432[,.\s\u00a0\u202f']?109"
)
NOTES = re.compile(r"SENTINEL-[A-Z]+")
# Observers read every priority, but published values only (docs/decisions/0005-observers-read-published-values.md).
READERS_WITHOUT_RIGHTS = [None, "education-data", "observer"]
EXTRA_SEEDS = (
    f"/indicators/{INDICATOR}/",
    f"/monitoring/heatmap/{INDICATOR}/",
    f"/monitoring/league/{INDICATOR}/",
    f"/plans/{PRIORITY}/",
    "/public/",  # the public commitments site, with the sentinels' priority on it (every field published)
    "/public/units/",
)
DOWNLOADS = ("format=", ".csv", ".xlsx", ".pdf", ".json", ".ics", "/pdf", "/csv", "/export")
PAGES_PER_ROUTE = 3


def _plant():
    """The sentinels, through the apps' own actions, as the delivery unit would make them."""
    from stocktake.architecture.models import Indicator, OrgUnit, Period, Priority
    from stocktake.collection import actions as collection_actions
    from stocktake.monitoring import actions as monitoring_actions
    from stocktake.plans import actions as plans_actions
    from stocktake.plans.models import DeliveryChain
    from stocktake.public import actions as public_actions
    from stocktake.routines import actions as routines_actions
    from stocktake.routines.models import Meeting

    manager, validator = factories.user("manager"), factories.user("validator")
    ind = Indicator.objects.get(code=INDICATOR)
    district = OrgUnit.objects.filter(depth=ind.report_depth).order_by("code").first()
    planted = {}
    for code, (value, state) in VALUES.items():
        dv, _ = monitoring_actions.record_value(
            indicator=ind,
            org_unit=district,
            period=Period.objects.get(code=code),
            value=value,
            comment=f"SENTINEL-COMMENT {state}",
            user=manager,
            interface="test",
        )
        if state == "validated":
            collection_actions.validate(collection_actions.as_seen([dv]), user=validator)
        elif state == "returned":
            collection_actions.return_values(collection_actions.as_seen([dv]), user=validator, reason="SENTINEL-RETURN")
        dv.refresh_from_db()
        assert dv.state == state
        planted[code] = dv
    code, published, correction = CORRECTED
    dv, _ = monitoring_actions.record_value(
        indicator=ind, org_unit=district, period=Period.objects.get(code=code), value=published, user=manager
    )
    collection_actions.validate(collection_actions.as_seen([dv]), user=validator)
    dv.refresh_from_db()
    collection_actions.publish(collection_actions.as_seen([dv]), user=validator)
    dv, _ = monitoring_actions.record_value(
        indicator=ind,
        org_unit=district,
        period=dv.period,
        value=correction,
        comment="SENTINEL-COMMENT correction",
        user=manager,
        interface="test",
    )
    assert dv.state == "submitted" and dv.version == 2
    planted[code] = dv
    priority = Priority.objects.get(code=PRIORITY)
    public_actions.publish(
        priority,
        user=manager,
        published=True,
        show_target=True,
        show_chart=True,
        show_strategy=True,
        show_units=True,
    )
    plans_actions.add_risk(
        priority=priority,
        title="SENTINEL-RISK title",
        likelihood=4,
        impact=5,
        description="SENTINEL-RISK description",
        mitigation="SENTINEL-RISK mitigation",
        user=manager,
    )
    plans_actions.rate_criterion(
        priority=priority, criterion="aspiration", rating="amber_red", note="SENTINEL-RUBRIC note", user=manager
    )
    chain = DeliveryChain.objects.filter(priority=priority).first() or plans_actions.create_chain(
        priority=priority, name="Chain", levels=["Centre", "Front line"], user=manager
    )
    centre = plans_actions.add_actor(chain=chain, name="Centre team", level=0, user=manager)
    front = plans_actions.add_actor(chain=chain, name="Front line team", level=len(chain.levels) - 1, user=manager)
    plans_actions.add_link(chain=chain, source=centre, target=front, strength=1, note="SENTINEL-CHAIN", user=manager)
    meeting = Meeting.objects.filter(priorities=priority).exclude(state=Meeting.State.CANCELLED).first()
    if meeting is not None:
        routines_actions.record_minutes(meeting, minutes="SENTINEL-MINUTES", user=manager)
    return ind, district, planted


def _text_of(response) -> str:
    """What a reader gets from a response, whatever its kind: HTML, JSON, CSV, SVG as text; Excel cells; PDF text."""
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheet" in kind:
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            " ".join(str(c) for c in row if c is not None) for ws in wb for row in ws.iter_rows(values_only=True)
        )
    if "pdf" in kind:
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    if kind.startswith("image/png"):
        return ""  # pixels: the same numbers as the SVG, which is read
    return body.decode("utf-8", "replace")


def _leaks(text: str) -> list[str]:
    return sorted({m.group(0) for m in NUMBERS.finditer(text)} | {m.group(0) for m in NOTES.finditer(text)})


def _is_download(url: str) -> bool:
    return any(d in url for d in DOWNLOADS)


def _crawl(client, seeds) -> dict[str, list[str]]:
    """Every page reachable from the seeds (a few per route), and every download they link: {url: leaks}."""
    found, seen, per_route, queue = {}, set(), {}, list(seeds)
    while queue:
        url = queue.pop(0)
        route = crawl.route_of(urlsplit(url).path)
        if route is None or url in seen or route.startswith(crawl.SKIPPED):
            continue
        download = _is_download(url)
        key = (route, download)
        if per_route.get(key, 0) >= PAGES_PER_ROUTE:
            continue
        per_route[key] = per_route.get(key, 0) + 1
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200:
            continue
        text = _text_of(response)
        if leaks := _leaks(text):
            found[url] = leaks
        if "html" in response.get("Content-Type", ""):
            links, forms = crawl.parse("http://testserver" + url, text)
            queue += [t for link in links if (t := crawl.local(link)) and t not in seen]
            queue += [t for f in forms if f.method == "get" and (t := crawl.local(f.action)) and t not in seen]
    return found


def _api_urls(ind, district, planted) -> list[str]:
    """Every GET route of the API, its path parameters filled from the demo and the sentinels."""
    from stocktake.accounts.models import Person
    from stocktake.api import api
    from stocktake.architecture.models import Target
    from stocktake.collection.models import ColumnMapping, ImportBatch
    from stocktake.evaluations.models import Evaluation
    from stocktake.incentives.models import Fund, Payment, Scheme
    from stocktake.problems.models import IssueTree, PriorityReview, Problem
    from stocktake.routines.models import AssessmentRound, Document, Meeting

    priority = ind.outcome.priority
    units = [district.code, district.parent.code, district.parent.parent.code] if district.parent else [district.code]
    fill = {
        "code": [ind.code, priority.code]
        + list(Fund.objects.values_list("code", flat=True))
        + list(Scheme.objects.values_list("code", flat=True)[:3]),
        "indicator": [ind.code],
        "unit": units,
        "value_id": [dv.pk for dv in planted.values()],
        "batch_id": list(ImportBatch.objects.values_list("pk", flat=True)[:3]),
        "round_id": list(AssessmentRound.objects.values_list("pk", flat=True)),
        "outcome_code": list(priority.outcomes.values_list("code", flat=True)),
        "payment_id": list(Payment.objects.values_list("pk", flat=True)[:3]),
        "evaluation_id": list(Evaluation.objects.values_list("pk", flat=True)),
        "meeting_id": list(Meeting.objects.filter(priorities=priority).values_list("pk", flat=True)[:3]),
        "name": list(ColumnMapping.objects.values_list("name", flat=True)),
        "person_id": list(Person.objects.values_list("pk", flat=True)[:5]),
        "target_id": list(Target.objects.filter(indicator=ind).values_list("pk", flat=True)),
        "problem_id": list(Problem.objects.values_list("pk", flat=True)),
        "review_id": list(PriorityReview.objects.values_list("pk", flat=True)),
        "tree_id": list(IssueTree.objects.values_list("pk", flat=True)),
        "document_id": list(Document.objects.values_list("pk", flat=True)[:3]),
    }
    urls = []
    for path, ops in api.get_openapi_schema()["paths"].items():
        if "get" not in ops:
            continue
        names = re.findall(r"{(\w+)}", path)
        missing = [n for n in names if n not in fill]
        assert not missing, f"{path}: no demo values for {missing}; add them to the test"
        filled = [path]
        for name in names:
            filled = [u.replace("{" + name + "}", str(v)) for u in filled for v in fill[name]]
        for u in filled:
            urls.append(u)
            for month in VALUES:
                urls.append(f"{u}?unit={district.code}&period={month}&kind=Q")
    return urls


@pytest.fixture(scope="module")
def sentinels(django_db_setup, django_db_blocker):
    """The crawls of each reader over the demo with the sentinels planted, undone afterwards."""
    from django.test import Client

    results = {}
    with django_db_blocker.unblock(), transaction.atomic():
        ind, district, planted = _plant()
        seeds = list(EXTRA_SEEDS) + [f"/indicators/{ind.code}/?unit={district.code}"] + list(crawl.SEEDS)
        # the public site's pages and files with a path parameter: the sentinel's place and indicator
        seeds += [f"/public/units/{u.code}/" for u in [district, *district.ancestors()]]
        seeds += [f"/public/data/{ind.code}.csv", f"/public/data/{ind.code}.json", "/public/data/iati.xml"]
        api_urls = _api_urls(ind, district, planted)
        for who in READERS_WITHOUT_RIGHTS + ["validator"]:
            client = factories.sign_in(who, Client(raise_request_exception=False))
            # the validator's crawl only shows that the sentinels can be found: the sentinel's own pages do
            pages = _crawl(client, seeds if who != "validator" else seeds[: len(EXTRA_SEEDS) + 1])
            api = {}
            for url in api_urls:
                response = client.get(url)
                if response.status_code == 200 and (leaks := _leaks(_text_of(response))):
                    api[url] = leaks
            results[who] = (pages, api)
        transaction.set_rollback(True)
    return results


@pytest.mark.parametrize("who", READERS_WITHOUT_RIGHTS, ids=lambda w: w or "public")
def test_no_page_or_download_shows_an_unpublished_value_or_internal_note(db, sentinels, who):
    pages, _ = sentinels[who]
    assert pages == {}, "\n".join(f"{url}: {leaks}" for url, leaks in pages.items())


@pytest.mark.parametrize("who", READERS_WITHOUT_RIGHTS, ids=lambda w: w or "public")
def test_no_api_route_answers_with_an_unpublished_value_or_internal_note(db, sentinels, who):
    _, api = sentinels[who]
    assert api == {}, "\n".join(f"{url}: {leaks}" for url, leaks in api.items())


def test_the_delivery_unit_sees_every_sentinel_so_the_crawl_can_find_them(db, sentinels):
    """The same crawl as a validator finds each planted number and note: the boundary is not an empty site."""
    pages, api = sentinels["validator"]
    found = {leak for leaks in list(pages.values()) + list(api.values()) for leak in leaks}
    numbers = {re.sub(r"\D", "", n)[:6] for n in found if NUMBERS.fullmatch(n)}
    assert numbers == {"987654", "876543", "765432", "432109"}
    assert {"SENTINEL-RISK", "SENTINEL-RUBRIC", "SENTINEL-CHAIN", "SENTINEL-COMMENT"} <= found
