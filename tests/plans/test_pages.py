"""Plan pages and their permissions, through Django's test client on the demo delivery unit."""

import json
import re

import pytest

from stocktake.plans.models import Milestone, Strategy
from tests import factories
from tests.factories import sign_in


def spec(html, element_id):
    return json.loads(
        re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S).group(1)
    )


def test_index_lists_visible_priorities_and_hides_unpublished_from_the_public(client, db):
    html = client.get("/plans/").content.decode()
    assert 'data-priority="ae-waits"' in html and 'data-priority="homicides"' in html
    assert 'data-priority="reading-11"' not in html  # unpublished
    assert client.get("/plans/reading-11/").status_code == 404
    html = sign_in("observer", client).get("/plans/").content.decode()
    assert 'data-priority="reading-11"' in html


@pytest.mark.parametrize(
    "code,indicator", [("ae-waits", "ae-4h"), ("reading-11", "reading-age-11"), ("homicides", "homicides")]
)
def test_the_three_full_plans_draw_their_composed_trajectory(client, db, code, indicator):
    html = sign_in("duhead", client).get(f"/plans/{code}/").content.decode()
    s = spec(html, f"composed-{indicator}")
    bands = s["layer"][0]["data"]["values"]
    names = {b["series"] for b in bands}
    assert len(names) == Strategy.objects.filter(priority__code=code, impacts__isnull=False).count() >= 3
    # bands stack: each one starts where the one below it ends
    last = max(b["date"] for b in bands)
    top = sorted((b for b in bands if b["date"] == last), key=lambda b: b["order"])
    assert all(a["y2"] == pytest.approx(b["y"]) for a, b in zip(top, top[1:]))
    assert 'class="gap' in html
    for section in ("matrix-spec", "rubric-table", "risk-table", "milestone-table"):
        assert section in html


def test_plan_shows_the_gap_sentence_and_prechecks(client, db):
    html = sign_in("duhead", client).get("/plans/ae-waits/").content.decode()
    assert "The plan does not yet reach the target by" in html
    # A&E's target is a percentage: its gap is in percentage points, never "by 0.9%".
    assert re.search(r"does not yet reach the target by [0-9.]+ pp:", html), html
    html = client.get("/plans/youth-jobs/").content.decode()
    assert "Without a single owner: Apprenticeship levy on large employers" in html
    assert 'data-criterion="risks" data-precheck="fail"' in html
    html = client.get("/plans/child-nutrition/").content.decode()
    assert 'data-criterion="feedback_loops" data-precheck="fail"' in html
    html = client.get("/plans/reading-11/").content.decode()
    assert "The plan reaches the target" in html


def test_chain_analysis_is_shown_beside_the_diagram(client, db):
    html = sign_in("duhead", client).get("/plans/homicides/").content.decode()
    assert "Individual links" in html and "Choke points" in html and "Funding flows" in html
    assert 'class="check check-fail no-feedback"' in html  # nothing comes back from outreach workers
    html = client.get("/plans/reading-11/").content.decode()
    assert "Funding Local authorities → Head teachers does not follow any line of influence" in html


def test_strategy_profile_page_and_pdf(client, db):
    # chains are internal until published (test_internal_material.py)
    client.force_login(factories.user("health-data"))
    s = Strategy.objects.get(name="See and treat in every emergency department")
    html = client.get(f"/plans/ae-waits/strategies/{s.pk}/").content.decode()
    for field in (
        "Description",
        "Rationale",
        "Scale",
        "Resources required",
        "Definition of success",
        "Leadership",
        "Delivery chain",
        "Impact",
        "Dr Helen Marsh",
    ):
        assert field in html
    response = client.get(f"/plans/ae-waits/strategies/{s.pk}/profile.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    from io import BytesIO

    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages)
    assert "See and treat" in text and "Choke points" in text


def test_milestone_status_change_needs_edit_rights(client, db):
    m = Milestone.objects.filter(strategy__priority__code="homicides").exclude(status__in=["done", "at_risk"]).first()
    url = f"/plans/homicides/milestones/{m.pk}/status/"
    assert client.post(url, {"status": "at_risk"}).status_code == 403  # the public
    assert sign_in("health-data", client).post(url, {"status": "at_risk"}).status_code == 403
    assert (
        sign_in("interior-data", client).post(url, {"status": "at_risk"}).status_code == 403
    )  # data leads do not plan
    before = Milestone.objects.get(pk=m.pk).status
    assert before != "at_risk"  # none of the refused posts changed it
    response = sign_in("manager", client).post(url, {"status": "done"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'data-status="done"' in response.content.decode()
    assert Milestone.objects.get(pk=m.pk).status == "done" != before
    response = client.post(url, {"status": "finished"})
    assert response.status_code == 400 and "is not a milestone status" in response.content.decode()


def test_withdraw_page_asks_for_confirmation(client, db):
    s = Strategy.objects.get(name="Walk-in centres in town centres")
    url = f"/plans/ae-waits/strategies/{s.pk}/withdraw/"
    assert client.get(url).status_code == 403
    sign_in("duhead", client)
    assert "feeds the trajectory" in client.get(url).content.decode()
    response = client.post(url, {"reason": "No revenue funding"})
    assert response.status_code == 400 and "confirm to withdraw it" in response.content.decode()
    assert Strategy.objects.get(pk=s.pk).withdrawn_at is None
    assert client.post(url, {"reason": "No revenue funding", "confirm": "yes"}).status_code == 302
    assert Strategy.objects.get(pk=s.pk).withdrawn_at is not None


def test_rubric_rating_form(client, db):
    url = "/plans/ae-waits/rubric/"
    assert client.post(url, {"criterion": "risks", "rating": "red"}).status_code == 403
    sign_in("manager", client)
    assert client.post(url, {"criterion": "risks", "rating": "red", "note": "winter"}).status_code == 302
    html = client.get("/plans/ae-waits/").content.decode()
    assert "Anticipate and prepare for risks" in re.search(r"Weakest criteria: <strong>(.*?)</strong>", html).group(1)
    assert client.post(url, {"criterion": "nonsense", "rating": "red"}).status_code == 400


def test_portfolio_shows_late_milestones_through_the_panel(db):
    html = sign_in("duhead").get("/").content.decode()
    assert re.search(r'href="/plans/ae-waits/#milestones">\d+ late milestones?', html)


def test_plan_exports_to_excel(client, db):
    from io import BytesIO

    from openpyxl import load_workbook

    response = client.get("/plans/ae-waits/plan.xlsx")
    assert response.status_code == 200
    wb = load_workbook(BytesIO(response.content))
    assert {"Strategies", "Estimates of impact", "Milestones", "Risks", "Trajectory ae-4h", "Rubric"} <= set(
        wb.sheetnames
    )
    names = [row[0].value for row in wb["Strategies"].iter_rows(min_row=2)]
    assert "See and treat in every emergency department" in names
    traj = wb["Trajectory ae-4h"]
    header = [c.value for c in traj[1]]
    last = [c.value for c in traj[traj.max_row - 2]]
    # the composed column is the baseline plus every strategy's part
    assert last[-1] == pytest.approx(sum(last[2:-1]))
    assert header[2] == "Baseline" and header[-1] == "Composed"
    assert client.get("/plans/reading-11/plan.xlsx").status_code == 404  # unpublished, anonymous


def test_excel_export_survives_control_characters(client, db):
    from datetime import date
    from io import BytesIO

    from openpyxl import load_workbook

    from stocktake.architecture.models import Indicator, Priority
    from stocktake.plans import actions

    s = actions.create_strategy(priority=Priority.objects.get(code="homicides"), name="Bell\x07 ringers\x1b")
    actions.set_impact(
        strategy=s, indicator=Indicator.objects.get(code="homicides"), start_date=date(2025, 1, 1), effect=-1.0
    )
    wb = load_workbook(BytesIO(client.get("/plans/homicides/plan.xlsx").content))
    assert "Bell ringers" in [c.value for c in wb["Trajectory homicides"][1]]


def _audit(model, pk, action):
    from stocktake.accounts.models import AuditEntry

    return AuditEntry.objects.filter(model=model, object_id=str(pk), action=action)


def test_chain_links_are_re_rated_and_removed_from_the_page_with_history(client, db):
    from stocktake.plans.models import ChainLink

    link = ChainLink.objects.filter(chain__priority__code="homicides", strength__gt=1).first()
    base = f"/plans/homicides/chains/{link.chain_id}/links/{link.pk}/"
    assert client.post(base, {"strength": "1"}).status_code == 403  # the public
    assert sign_in("observer", client).post(base, {"strength": "1"}).status_code == 403
    assert sign_in("interior-data", client).post(base, {"remove": "1"}).status_code == 403
    assert ChainLink.objects.get(pk=link.pk).strength == link.strength  # nothing changed
    editor = sign_in("manager", client)
    html = editor.get("/plans/homicides/").content.decode()
    assert f'action="{base}"' in html and f'data-link="{link.pk}"' in html
    response = editor.post(base, {"strength": "9"})
    assert response.status_code == 400 and "strength" in response.content.decode()
    assert editor.post(base, {"strength": "1", "reason": "outreach grants late"}).status_code == 302
    assert ChainLink.objects.get(pk=link.pk).strength == 1
    change = _audit("plans.chainlink", link.pk, "change").latest("pk")
    assert change.before["strength"] == link.strength and change.after["strength"] == 1
    assert editor.post(base, {"remove": "1"}).status_code == 302
    assert not ChainLink.objects.filter(pk=link.pk).exists()
    assert _audit("plans.chainlink", link.pk, "delete").get().before["strength"] == 1
    # a link of another priority's chain is not reachable through this one
    other = ChainLink.objects.exclude(chain__priority__code="homicides").first()
    assert editor.post(f"/plans/homicides/chains/{link.chain_id}/links/{other.pk}/", {"remove": "1"}).status_code == 404


def test_removing_an_actor_removes_its_links_and_the_analysis_follows(client, db):
    from stocktake.plans.models import ChainActor, ChainLink

    actor = ChainActor.objects.filter(chain__priority__code="homicides", leader=False, frontline=False).first()
    links = list(ChainLink.objects.filter(source=actor)) + list(ChainLink.objects.filter(target=actor))
    assert links
    url = f"/plans/homicides/chains/{actor.chain_id}/actors/{actor.pk}/remove/"
    assert sign_in("observer", client).post(url).status_code == 403
    editor = sign_in("manager", client)
    assert editor.get(url).status_code == 405  # removal is a POST, never a link someone follows
    assert editor.post(url).status_code == 302
    assert not ChainActor.objects.filter(pk=actor.pk).exists()
    assert not ChainLink.objects.filter(pk__in=[lk.pk for lk in links]).exists()
    for lk in links:
        assert f"'{actor.name}' removed" in _audit("plans.chainlink", lk.pk, "delete").get().reason
    html = editor.get("/plans/homicides/").content.decode()
    assert f'data-actor="{actor.pk}"' not in html


def test_theory_of_change_boxes_and_arrows_from_the_page(client, db):
    from stocktake.plans.models import ToCLink, ToCNode

    add_box = "/plans/homicides/toc/boxes/"
    add_arrow = "/plans/homicides/toc/arrows/"
    assert client.post(add_box, {"stage": "output", "text": "x"}).status_code == 403
    assert sign_in("observer", client).get(add_box).status_code == 403
    editor = sign_in("manager", client)
    html = editor.get("/plans/homicides/").content.decode()
    assert f'href="{add_box}"' in html and f'href="{add_arrow}"' in html
    response = editor.post(add_box, {"stage": "output", "text": "Night patrols in 40 hot spots"})
    assert response.status_code == 302
    box = ToCNode.objects.get(priority__code="homicides", text="Night patrols in 40 hot spots")
    assert _audit("plans.tocnode", box.pk, "create").exists()
    outcome = ToCNode.objects.filter(priority__code="homicides", stage="outcome").first()
    # an arrow backwards, outcome to output, is refused and says why, on the field
    response = editor.post(add_arrow, {"source": outcome.pk, "target": box.pk})
    assert response.status_code == 400
    assert "a link runs forward" in response.content.decode()
    assert not ToCLink.objects.filter(source=outcome, target=box).exists()
    # another priority's box is not offered
    from stocktake.architecture.models import Priority
    from stocktake.plans import actions

    foreign = actions.add_toc_node(priority=Priority.objects.get(code="ae-waits"), stage="outcome", text="Fewer waits")
    assert editor.post(add_arrow, {"source": box.pk, "target": foreign.pk}).status_code == 400
    assert not ToCLink.objects.filter(target=foreign).exists()
    assert editor.post(add_arrow, {"source": box.pk, "target": outcome.pk}).status_code == 302
    arrow = ToCLink.objects.get(source=box, target=outcome)
    response = editor.post(add_arrow, {"source": box.pk, "target": outcome.pk})
    assert response.status_code == 400 and "already leads to" in response.content.decode()
    # removing the box takes its arrow with it, both in the audit trail
    assert editor.post(f"/plans/homicides/toc/boxes/{box.pk}/remove/").status_code == 302
    assert not ToCNode.objects.filter(pk=box.pk).exists() and not ToCLink.objects.filter(pk=arrow.pk).exists()
    assert _audit("plans.tocnode", box.pk, "delete").exists() and _audit("plans.toclink", arrow.pk, "delete").exists()
