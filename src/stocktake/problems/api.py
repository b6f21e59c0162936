"""JSON API of the problems app, mounted at /api/problems/.

The same actions as the pages, so the same refusals (400 naming the field);
the accountable leader and the delivery unit write (403 otherwise); readers
see what problems.permissions lets them (404 for what they may not see).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from stocktake.accounts.permissions import NotFound
from stocktake.monitoring.models import AlertRule

from . import actions, inputs, mece, trees
from . import levels as L
from . import permissions as can
from .models import Hypothesis, IssueTree, PriorityReview, Problem, Stakeholder

router = Router(tags=["problems"])


def _who(request) -> dict:
    return {"user": request.user, "interface": "api"}


def _edit(request, priority) -> None:
    if not can.can_edit(request.user, priority):
        raise PermissionDenied(_("Only the accountable leader and the delivery unit edit this priority's problems."))


def _problem(request, pk) -> Problem:
    problem = Problem.objects.select_related("priority", "owner", "indicator").filter(pk=pk).first()
    if problem is None or not can.can_read(request.user, problem):
        raise NotFound(_("no such problem"))
    return problem


def _review(request, pk) -> PriorityReview:
    review = PriorityReview.objects.select_related("priority").filter(pk=pk).first()
    if review is None or not can.can_read(request.user, review):
        raise NotFound(_("no such review"))
    return review


def _tree(request, pk) -> IssueTree:
    tree = IssueTree.objects.select_related("problem__priority", "review__priority").filter(pk=pk).first()
    if tree is None or not can.can_read(request.user, tree.problem or tree.review):
        raise NotFound(_("no such tree"))
    return tree


# Problems ---------------------------------------------------------------------------------------------


LEVEL = "how severe, 1 (a timely nudge) to 4 (crisis management): the level of response it gets"


class ProblemIn(Schema):
    priority: str | None = Field(None, description="the code of the priority the problem is on")
    title: str = Field("", description="what is wrong, in a line")
    owner: int | None = Field(None, description="the id of the person who owns the problem (a Person)")
    level: int | None = Field(None, description=LEVEL)
    indicator: str | None = Field(
        None, description="the code of the indicator that shows the problem (of the same priority), or null"
    )
    org_units: list[str] = Field([], description="the codes of the org units where it is found")
    description: str = Field("", description="the problem in plain words: what the data and people say")

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "priority": "ae-waits",
                    "title": "Ambulance handovers take more than an hour",
                    "owner": 12,
                    "level": 2,
                    "indicator": "ae-4h",
                    "org_units": ["R01-D01"],
                    "description": "Crews wait outside two emergency departments most evenings.",
                }
            ]
        }
    }


class ProblemLogOut(Schema):
    kind: str = Field(description="what the entry records: opened, a note, a change of level or status, an action")
    text: str = Field(description="what was tried and what happened, or the reason for the change")
    level_from: int | None = Field(description="for an escalation or de-escalation: the level before, else null")
    level_to: int | None = Field(description="for an escalation or de-escalation: the level after, else null")
    at: str = Field(description="when it was written (ISO 8601)")


class TrackedActionOut(Schema):
    id: int = Field(description="the action's id on the action tracker (the routines action)")
    description: str = Field(description="what is to be done")
    owner: str = Field(description="the owner's name")
    due: date = Field(description="when it is due (YYYY-MM-DD)")
    state: str = Field(description="open or closed, on the action tracker")
    starts_on: date = Field(
        description="the day it starts to bite (in a review's plan, marked on the trajectory chart); "
        "else the day it was agreed"
    )
    rank: int = Field(description="its order of priority in a review's action plan, 1 first (0 elsewhere)")


class ProblemOut(Schema):
    id: int = Field(description="the problem's id, for the routes that name it")
    priority: str = Field(description="the code of the priority it is on")
    title: str = Field(description="what is wrong, in a line")
    description: str = Field(description="the problem in plain words")
    owner: str = Field(description="the owner's name")
    level: int = Field(description=LEVEL)
    level_name: str = Field(description="the level's name, e.g. 'Standard problem solving'")
    level_approach: str = Field(description="the approach the level calls for, in words")
    status: str = Field(description="where it is: open, under analysis, actions agreed, resolved or closed")
    indicator: str | None = Field(description="the code of the indicator that shows it, or null")
    org_units: list[str] = Field(description="the codes of the org units where it is found")
    opened_on: date = Field(description="when it was opened (YYYY-MM-DD)")
    alert: int | None = Field(description="the id of the alert that opened it, or null when opened by hand")
    published: bool = Field(description="true when it is published to the public")
    log: list[ProblemLogOut] = Field(
        description="its log, oldest first: what was tried, each change of level or status"
    )
    actions: list[TrackedActionOut] = Field(description="the actions agreed on it, on the action tracker")
    trees: list[int] = Field(description="the ids of its hypothesis trees")


def _action_out(t) -> TrackedActionOut:
    a = t.action
    return TrackedActionOut(
        id=a.pk,
        description=a.description,
        owner=str(a.owner),
        due=a.due,
        state=a.state,
        starts_on=t.starts_on,
        rank=t.rank,
    )


def _problem_out(p: Problem) -> ProblemOut:
    return ProblemOut(
        id=p.pk,
        priority=p.priority.code,
        title=p.title,
        description=p.description,
        owner=str(p.owner),
        level=p.level,
        level_name=str(p.level_info["name"]),
        level_approach=str(p.level_info["approach"]),
        status=p.status,
        indicator=p.indicator.code if p.indicator_id else None,
        org_units=[u.code for u in p.org_units.all()],
        opened_on=p.opened_on,
        alert=p.alert_id,
        published=p.published,
        log=[
            ProblemLogOut(kind=e.kind, text=e.text, level_from=e.level_from, level_to=e.level_to, at=e.at.isoformat())
            for e in p.log.all()
        ],
        actions=[_action_out(t) for t in p.actions.select_related("action__owner")],
        trees=[t.pk for t in p.trees.all()],
    )


@router.get("/", response=list[ProblemOut], summary="Problems this caller may read, crisis first")
def list_problems(request, priority: str | None = None, status: str | None = None):
    qs = can.visible(request.user, Problem.objects.select_related("priority", "owner", "indicator"))
    if priority:
        qs = qs.filter(priority__code=priority)
    if status:
        qs = qs.filter(status=status)
    return [_problem_out(p) for p in qs]


@router.post("/", response={201: ProblemOut}, summary="Open a problem by hand")
def open_problem(request, payload: ProblemIn):
    priority = inputs.priority(payload.priority)
    if priority is not None:
        _edit(request, priority)
    problem = actions.open_problem(
        priority=priority,
        title=payload.title,
        owner=inputs.person(payload.owner),
        level=payload.level,
        indicator=inputs.indicator(payload.indicator),
        org_units=inputs.units(payload.org_units),
        description=payload.description,
        **_who(request),
    )
    return Status(201, _problem_out(problem))


@router.get("/{int:problem_id}", response=ProblemOut, summary="One problem with its log, actions and trees")
def get_problem(request, problem_id: int):
    return _problem_out(_problem(request, problem_id))


class ProblemLevelIn(Schema):
    level: int | None = Field(None, description="the new level, 1 (a timely nudge) to 4 (crisis management)")
    reason: str = Field("", description="why it is escalated or de-escalated (required): kept in its log")

    model_config = {
        "json_schema_extra": {"examples": [{"level": 3, "reason": "Standard problem solving has not found the cause."}]}
    }


@router.post("/{int:problem_id}/level", response=ProblemOut, summary="Escalate or de-escalate, with the reason")
def change_level(request, problem_id: int, payload: ProblemLevelIn):
    problem = _problem(request, problem_id)
    _edit(request, problem.priority)
    return _problem_out(actions.change_level(problem, payload.level, reason=payload.reason, **_who(request)))


class ProblemStatusIn(Schema):
    status: str = Field(description="the status to move the problem to")
    note: str = Field("", description="what happened: required to resolve or close it, kept in its log")

    model_config = {
        "json_schema_extra": {
            "examples": [{"status": "resolved", "note": "Handovers under 30 minutes for three months running."}]
        }
    }


@router.post("/{int:problem_id}/status", response=ProblemOut, summary="Move a problem to another status")
def set_status(request, problem_id: int, payload: ProblemStatusIn):
    problem = _problem(request, problem_id)
    _edit(request, problem.priority)
    return _problem_out(actions.set_status(problem, payload.status, note=payload.note, **_who(request)))


class ProblemNoteIn(Schema):
    text: str = Field(description="what was tried and what happened")

    model_config = {
        "json_schema_extra": {"examples": [{"text": "A senior nurse at triage on two evenings: no breach."}]}
    }


@router.post("/{int:problem_id}/log", response=ProblemOut, summary="Log what was tried and what happened")
def add_note(request, problem_id: int, payload: ProblemNoteIn):
    problem = _problem(request, problem_id)
    _edit(request, problem.priority)
    actions.add_note(problem, payload.text, **_who(request))
    return _problem_out(problem)


class TrackedActionIn(Schema):
    description: str = Field("", description="what is to be done, in a sentence the owner can act on")
    owner: int | None = Field(None, description="the id of the person who owns it (a Person)")
    due: date | None = Field(None, description="when it is due (YYYY-MM-DD, not in the past)")
    rank: int = Field(0, description="in a review's action plan: its order of priority, 1 first (ignored elsewhere)")
    starts_on: date | None = Field(
        None,
        description="in a review's action plan: the day it starts to bite, marked on the trajectory chart; "
        "default today (ignored elsewhere)",
    )

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "description": "Scale up 'see and treat' in every emergency department",
                    "owner": 12,
                    "due": "2027-03-31",
                    "rank": 1,
                    "starts_on": "2027-01-04",
                }
            ]
        }
    }


@router.post("/{int:problem_id}/actions", response={201: TrackedActionOut}, summary="Agree an action (on the tracker)")
def add_problem_action(request, problem_id: int, payload: TrackedActionIn):
    problem = _problem(request, problem_id)
    _edit(request, problem.priority)
    tracked = actions.add_problem_action(
        problem, description=payload.description, owner=inputs.person(payload.owner), due=payload.due, **_who(request)
    )
    return Status(201, _action_out(tracked))


class ProblemPublishIn(Schema):
    published: bool = Field(description="true to publish the problem to the public, false to withdraw it")

    model_config = {"json_schema_extra": {"examples": [{"published": True}]}}


@router.post("/{int:problem_id}/published", response=ProblemOut, summary="Publish a problem, or withdraw it")
def publish_problem(request, problem_id: int, payload: ProblemPublishIn):
    problem = _problem(request, problem_id)
    _edit(request, problem.priority)
    return _problem_out(actions.set_published(problem, payload.published, **_who(request)))


# Hypothesis trees -------------------------------------------------------------------------------------


class TreeIn(Schema):
    issue: str = Field(description="the issue: the key unresolved question the tree's hypotheses answer")

    model_config = {
        "json_schema_extra": {
            "examples": [{"issue": "Why do one in five A&E patients still wait more than four hours?"}]
        }
    }


class HypothesisOut(Schema):
    id: int = Field(description="the hypothesis's id, for the routes that name it")
    parent: int | None = Field(description="the id of the hypothesis it sits under, or null under the issue")
    depth: int = Field(description="its depth in the tree: 1 directly under the issue")
    text: str = Field(description="the hypothesis: what the answer might be")
    analysis: str = Field(description="the work that will prove or disprove it")
    end_product: str = Field(description="what the analysis will produce")
    sources: str = Field(description="where the data and evidence will come from")
    owner: str | None = Field(description="the name of who does the analysis, or null")
    due: date | None = Field(description="when the analysis is due (YYYY-MM-DD), or null")
    verdict: str = Field(description="open until tested, then supported or rejected")
    evidence_note: str = Field(description="the evidence for the verdict, in words ('' if none)")
    evidence_indicator: str | None = Field(description="the code of an indicator whose data is evidence, or null")


class MeceWarningOut(Schema):
    kind: Literal["gap", "overlap"] = Field(
        description="gap: a single branch, or every branch rejected; overlap: two branches say nearly the same"
    )
    node: str = Field(description="the issue or hypothesis whose branches it is about, by its text")
    text: str = Field(description="the warning, in a sentence for people")


class TreeOut(Schema):
    id: int = Field(description="the tree's id, for the routes that name it")
    issue: str = Field(description="the issue: the key unresolved question")
    problem: int | None = Field(description="the id of the problem it is on, or null when on a review")
    review: int | None = Field(description="the id of the priority review it is on, or null when on a problem")
    hypotheses: list[HypothesisOut] = Field(description="its hypotheses in tree order (depth first)")
    mece_warnings: list[MeceWarningOut] = Field(
        description="where branches overlap or leave a gap (mutually exclusive, collectively exhaustive?)"
    )
    mece_confirmed: bool = Field(
        description="true once a reviewer confirmed the branches are MECE (changing a branch's text or place undoes it)"
    )
    mece_note: str = Field(description="the reviewer's note on confirming ('' if none)")


def _tree_out(tree: IssueTree) -> TreeOut:
    view = trees.view(tree)
    return TreeOut(
        id=tree.pk,
        issue=tree.issue,
        problem=tree.problem_id,
        review=tree.review_id,
        hypotheses=[
            HypothesisOut(
                id=h.pk,
                parent=h.parent_id,
                depth=h.depth,
                text=h.text,
                analysis=h.analysis,
                end_product=h.end_product,
                sources=h.sources,
                owner=str(h.owner) if h.owner_id else None,
                due=h.due,
                verdict=h.verdict,
                evidence_note=h.evidence_note,
                evidence_indicator=h.evidence_indicator.code if h.evidence_indicator_id else None,
            )
            for h in view["rows"]
        ],
        mece_warnings=[MeceWarningOut(**w) for w in mece.check(tree)],
        mece_confirmed=tree.mece_confirmed_at is not None,
        mece_note=tree.mece_note,
    )


@router.post("/{int:problem_id}/trees", response={201: TreeOut}, summary="Start a hypothesis tree on a problem")
def create_problem_tree(request, problem_id: int, payload: TreeIn):
    problem = _problem(request, problem_id)
    _edit(request, problem.priority)
    return Status(201, _tree_out(actions.create_tree(problem=problem, issue=payload.issue, **_who(request))))


@router.get("/trees/{int:tree_id}", response=TreeOut, summary="A tree: its hypotheses in order and MECE warnings")
def get_tree(request, tree_id: int):
    return _tree_out(_tree(request, tree_id))


class HypothesisIn(Schema):
    """To add a hypothesis (text required) or change one: fields left out are not changed."""

    text: str | None = Field(None, description="the hypothesis: what the answer might be (required to add one)")
    parent: int | None = Field(None, description="the id of the hypothesis to sit under; null for under the issue")
    analysis: str | None = Field(None, description="the work that will prove or disprove it")
    end_product: str | None = Field(None, description="what the analysis will produce")
    sources: str | None = Field(None, description="where the data and evidence will come from")
    owner: int | None = Field(None, description="the id of the person who does the analysis (a Person), or null")
    due: date | None = Field(None, description="when the analysis is due (YYYY-MM-DD), or null")
    verdict: str | None = Field(
        None, description="open, supported or rejected; supported and rejected need evidence (a note or indicator)"
    )
    evidence_note: str | None = Field(None, description="the evidence for the verdict, in words")
    evidence_indicator: str | None = Field(
        None, description="the code of an indicator whose data is evidence for the verdict, or null"
    )

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "text": "Minor injuries queue behind urgent cases at triage",
                    "parent": 41,
                    "analysis": "Time from arrival to treatment for minor injuries, by department",
                    "end_product": "Waiting-time profile by acuity",
                    "sources": "Patient-level data from six departments",
                    "owner": 12,
                    "due": "2027-01-29",
                },
                {
                    "verdict": "supported",
                    "evidence_note": "Departments using 'see and treat' had almost no minor-injury breaches.",
                    "evidence_indicator": "ae-4h",
                },
            ]
        }
    }


def _hypothesis_fields(tree, payload: HypothesisIn) -> dict:
    fields = payload.model_dump(exclude_unset=True)
    if "parent" in fields:
        pid = fields["parent"]
        fields["parent"] = Hypothesis.objects.filter(pk=pid).first() if pid else None
        if pid and fields["parent"] is None:
            raise ValidationError({"parent": _("there is no hypothesis %(v)s") % {"v": pid}})
    if "owner" in fields:
        fields["owner"] = inputs.person(fields["owner"])
    if "evidence_indicator" in fields:
        fields["evidence_indicator"] = inputs.indicator(fields["evidence_indicator"], "evidence_indicator")
    return {
        k: ("" if v is None and k not in ("parent", "owner", "due", "evidence_indicator") else v)
        for k, v in fields.items()
    }


@router.post("/trees/{int:tree_id}/hypotheses", response={201: TreeOut}, summary="Add a hypothesis (any depth)")
def add_hypothesis(request, tree_id: int, payload: HypothesisIn):
    tree = _tree(request, tree_id)
    _edit(request, tree.priority)
    fields = _hypothesis_fields(tree, payload)
    actions.add_hypothesis(
        tree, text=fields.pop("text", ""), parent=fields.pop("parent", None), **fields, **_who(request)
    )
    return Status(201, _tree_out(tree))


@router.patch("/hypotheses/{int:hypothesis_id}", response=TreeOut, summary="Move a hypothesis, or give its verdict")
def update_hypothesis(request, hypothesis_id: int, payload: HypothesisIn):
    hypothesis = get_object_or_404(Hypothesis.objects.select_related("tree"), pk=hypothesis_id)
    tree = _tree(request, hypothesis.tree_id)
    _edit(request, tree.priority)
    actions.update_hypothesis(hypothesis, **_hypothesis_fields(tree, payload), **_who(request))
    return _tree_out(tree)


class ConfirmIn(Schema):
    note: str = Field("", description="why the tree stands as it is: required while there are MECE warnings")

    model_config = {
        "json_schema_extra": {
            "examples": [{"note": "Operations and demand cover the causes; checked with the department."}]
        }
    }


@router.post("/trees/{int:tree_id}/confirm", response=TreeOut, summary="The reviewer confirms the tree is MECE")
def confirm_mece(request, tree_id: int, payload: ConfirmIn):
    tree = _tree(request, tree_id)
    _edit(request, tree.priority)
    actions.confirm_mece(tree, note=payload.note, **_who(request))
    return _tree_out(IssueTree.objects.get(pk=tree.pk))


# Alert rules that open problems ---------------------------------------------------------------------


class AlertOptionIn(Schema):
    level: int = Field(2, description="the level of the problems the rule's alerts open, 1 to 4")
    owner: int | None = Field(None, description="the id of the person who owns the problems it opens (required)")
    active: bool = Field(True, description="true to open problems from the rule's alerts, false to stop")

    model_config = {"json_schema_extra": {"examples": [{"level": 2, "owner": 12, "active": True}]}}


class AlertOptionOut(Schema):
    rule: int = Field(description="the alert rule's id")
    level: int = Field(description="the level of the problems the rule's alerts open, 1 to 4")
    owner: str = Field(description="the name of the person who owns the problems it opens")
    active: bool = Field(description="true while the rule's alerts open problems")


@router.put("/alert-rules/{int:rule_id}", response=AlertOptionOut, summary="Make an alert rule open problems")
def set_alert_option(request, rule_id: int, payload: AlertOptionIn):
    rule = get_object_or_404(AlertRule.objects.select_related("indicator__outcome__priority"), pk=rule_id)
    _edit(request, rule.indicator.outcome.priority)
    option = actions.set_alert_option(
        rule, level=payload.level, owner=inputs.person(payload.owner), active=payload.active, **_who(request)
    )
    return AlertOptionOut(rule=rule.pk, level=option.level, owner=str(option.owner), active=option.active)


# Priority reviews -------------------------------------------------------------------------------------


WEEKS = f"how many weeks until the report: {L.MIN_WEEKS} to {L.MAX_WEEKS}"


class PriorityReviewIn(Schema):
    priority: str | None = Field(None, description="the code of the priority reviewed")
    title: str = Field("", description="the review's title")
    terms_of_reference: str = Field("", description="the terms of reference agreed with the department (required)")
    starts_on: date | None = Field(None, description="the review's first day (YYYY-MM-DD)")
    weeks: int | None = Field(None, description=WEEKS)
    lead: int | None = Field(None, description="the id of the person who leads the review (a Person)")
    team: list[int] = Field([], description="the ids of the review team's members (Persons)")
    problem: int | None = Field(None, description="the id of the problem that called for the review, or null")
    indicator: str | None = Field(
        None, description="the code of the indicator whose trajectory is watched after the review, or null"
    )

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "priority": "ae-waits",
                    "title": "A&E waiting times: priority review",
                    "terms_of_reference": "Find why waits persist, down to the front line; agree an action plan.",
                    "starts_on": "2027-01-04",
                    "weeks": 8,
                    "lead": 12,
                    "team": [12, 15],
                    "problem": 3,
                    "indicator": "ae-4h",
                }
            ]
        }
    }


class FieldworkOut(Schema):
    org_unit: str = Field(description="the code of the site visited (an org unit)")
    visited_on: date = Field(description="the day of the visit (YYYY-MM-DD)")
    who: str = Field(description="who the team met")
    findings: str = Field(description="what the team found")


class StageOut(Schema):
    key: str = Field(description="the stage's code")
    planned: date = Field(description="the day it is planned for: its share of the review's weeks from the start")
    reached: date | None = Field(description="the day it was first recorded as reached, or null")


class PriorityReviewOut(Schema):
    id: int = Field(description="the review's id, for the routes that name it")
    priority: str = Field(description="the code of the priority reviewed")
    title: str = Field(description="the review's title")
    terms_of_reference: str = Field(description="the terms of reference agreed with the department")
    starts_on: date = Field(description="the review's first day (YYYY-MM-DD)")
    weeks: int = Field(description=WEEKS)
    extension_weeks: int = Field(description="the weeks added by extensions (0 if none)")
    due_on: date = Field(description="the day the report is due: the start plus the weeks and the extensions")
    stage: str = Field(description="the stage of the review process it has reached")
    lead: str = Field(description="the lead's name")
    team: list[str] = Field(description="the team members' names")
    problem: int | None = Field(description="the id of the problem that called for the review, or null")
    timeline: list[StageOut] = Field(description="each stage of the review process, in order, planned and reached")
    fieldwork: list[FieldworkOut] = Field(description="the visits down the delivery chain, oldest first")
    findings: list[str] = Field(description="the findings, in their order of priority")
    action_plan: list[TrackedActionOut] = Field(description="the prioritised action plan, on the action tracker")
    actions_started_on: date | None = Field(description="the day the plan's first action starts, or null without one")
    published: bool = Field(description="true when it is published to the public")


def _review_out(review: PriorityReview) -> PriorityReviewOut:
    from . import reviews

    ctx = reviews.context(review, for_pdf=True)
    return PriorityReviewOut(
        id=review.pk,
        priority=review.priority.code,
        title=review.title,
        terms_of_reference=review.terms_of_reference,
        starts_on=review.starts_on,
        weeks=review.weeks,
        extension_weeks=review.extension_weeks,
        due_on=review.due_on,
        stage=review.stage,
        lead=str(review.lead),
        team=[str(p) for p in ctx["team"]],
        problem=review.problem_id,
        timeline=[StageOut(key=s["key"], planned=s["planned"], reached=s["reached"]) for s in ctx["timeline"]],
        fieldwork=[
            FieldworkOut(org_unit=f.org_unit.code, visited_on=f.visited_on, who=f.who, findings=f.findings)
            for f in ctx["fieldwork"]
        ],
        findings=[f.text for f in ctx["findings"]],
        action_plan=[_action_out(t) for t in ctx["plan"]],
        actions_started_on=ctx["started_on"],
        published=review.published,
    )


@router.get("/reviews/", response=list[PriorityReviewOut], summary="Priority reviews this caller may read")
def list_reviews(request):
    return [
        _review_out(r) for r in can.visible(request.user, PriorityReview.objects.select_related("priority", "lead"))
    ]


@router.post("/reviews/", response={201: PriorityReviewOut}, summary="Start a priority review (6 to 12 weeks)")
def create_review(request, payload: PriorityReviewIn):
    priority = inputs.priority(payload.priority)
    if priority is not None:
        _edit(request, priority)
    problem = _problem(request, payload.problem) if payload.problem else None
    review = actions.create_review(
        priority=priority,
        title=payload.title,
        terms_of_reference=payload.terms_of_reference,
        starts_on=payload.starts_on,
        weeks=payload.weeks,
        lead=inputs.person(payload.lead, "lead"),
        team=inputs.people(payload.team),
        problem=problem,
        indicator=inputs.indicator(payload.indicator),
        **_who(request),
    )
    return Status(201, _review_out(review))


@router.get(
    "/reviews/{int:review_id}", response=PriorityReviewOut, summary="One review: timeline, fieldwork, action plan"
)
def get_review(request, review_id: int):
    return _review_out(_review(request, review_id))


class ExtensionIn(Schema):
    weeks: int | None = Field(None, description=f"how many weeks are added, 1 to {L.MAX_WEEKS}")
    reason: str = Field("", description="why the review needs longer (required)")

    model_config = {
        "json_schema_extra": {"examples": [{"weeks": 2, "reason": "Fieldwork delayed by the winter surge"}]}
    }


@router.post(
    "/reviews/{int:review_id}/extensions", response=PriorityReviewOut, summary="Record an extension with its reason"
)
def extend_review(request, review_id: int, payload: ExtensionIn):
    review = _review(request, review_id)
    _edit(request, review.priority)
    actions.extend_review(review, weeks=payload.weeks, reason=payload.reason, **_who(request))
    return _review_out(review)


class StageIn(Schema):
    stage: str = Field(description="the stage of the review process reached")
    on: date = Field(description="the day it was reached (YYYY-MM-DD), within the review's weeks")
    note: str = Field("", description="a note on reaching it, kept in the audit trail")

    model_config = {"json_schema_extra": {"examples": [{"stage": "fieldwork", "on": "2027-01-18", "note": ""}]}}


@router.post("/reviews/{int:review_id}/stages", response=PriorityReviewOut, summary="Record the stage a review reached")
def reach_stage(request, review_id: int, payload: StageIn):
    review = _review(request, review_id)
    _edit(request, review.priority)
    return _review_out(actions.reach_stage(review, payload.stage, on=payload.on, note=payload.note, **_who(request)))


class FieldworkIn(Schema):
    org_unit: str | None = Field(None, description="the code of the site visited (an org unit)")
    visited_on: date | None = Field(None, description="the day of the visit (YYYY-MM-DD), within the review's weeks")
    who: str = Field("", description="who the team met")
    findings: str = Field("", description="what the team found")

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "org_unit": "R01-D01",
                    "visited_on": "2027-01-18",
                    "who": "Clinical director, triage nurses, bed manager",
                    "findings": "Minor injuries treated at the triage point and sent home.",
                }
            ]
        }
    }


@router.post("/reviews/{int:review_id}/fieldwork", response={201: PriorityReviewOut}, summary="Add a fieldwork note")
def add_fieldwork(request, review_id: int, payload: FieldworkIn):
    review = _review(request, review_id)
    _edit(request, review.priority)
    actions.add_fieldwork(
        review,
        org_unit=inputs.unit(payload.org_unit),
        visited_on=payload.visited_on,
        who=payload.who,
        findings=payload.findings,
        **_who(request),
    )
    return Status(201, _review_out(review))


class FindingIn(Schema):
    text: str = Field("", description="the finding, in a sentence (made today, within the review's weeks)")
    evidence: str = Field("", description="the evidence behind it, in words")
    rank: int = Field(0, description="its order of priority among the findings, 1 first")

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "text": "'See and treat' transforms triage by treating minor injuries at once.",
                    "evidence": "Breach data from six trusts",
                    "rank": 1,
                }
            ]
        }
    }


@router.post(
    "/reviews/{int:review_id}/findings", response={201: PriorityReviewOut}, summary="Add a finding with its evidence"
)
def add_finding(request, review_id: int, payload: FindingIn):
    review = _review(request, review_id)
    _edit(request, review.priority)
    actions.add_finding(review, text=payload.text, evidence=payload.evidence, rank=payload.rank, **_who(request))
    return Status(201, _review_out(review))


@router.post(
    "/reviews/{int:review_id}/actions", response={201: PriorityReviewOut}, summary="Add to the prioritised action plan"
)
def add_review_action(request, review_id: int, payload: TrackedActionIn):
    review = _review(request, review_id)
    _edit(request, review.priority)
    actions.add_review_action(
        review,
        description=payload.description,
        owner=inputs.person(payload.owner),
        due=payload.due,
        rank=payload.rank,
        starts_on=payload.starts_on,
        **_who(request),
    )
    return Status(201, _review_out(review))


# Stakeholders ------------------------------------------------------------------------------------------


POWER = f"how much they can sway delivery, {L.SCALE_MIN} (little) to {L.SCALE_MAX} (a lot)"
SUPPORT = f"how far they support the priority, {L.SCALE_MIN} (opposed) to {L.SCALE_MAX} (fully)"
ENGAGEMENT = {
    "role": "their role in the delivery chain, in words",
    "interests": "what they care about",
    "objective": "the engagement's objective (why)",
    "current_status": "where the relationship stands now",
    "key_messages": "the key messages (what)",
    "key_actions": "the key actions (how)",
    "timing": "the timing (when)",
}


class StakeholderIn(Schema):
    name: str = Field("", description="the person's or organisation's name, once per priority's map")
    kind: str = Field("organisation", description="a person or an organisation")
    power: int | None = Field(None, description=POWER)
    support: int | None = Field(None, description=SUPPORT)
    role: str = Field("", description=ENGAGEMENT["role"])
    interests: str = Field("", description=ENGAGEMENT["interests"])
    objective: str = Field("", description=ENGAGEMENT["objective"])
    current_status: str = Field("", description=ENGAGEMENT["current_status"])
    key_messages: str = Field("", description=ENGAGEMENT["key_messages"])
    key_actions: str = Field("", description=ENGAGEMENT["key_actions"])
    timing: str = Field("", description=ENGAGEMENT["timing"])

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "name": "Teachers' union",
                    "kind": "organisation",
                    "power": 5,
                    "support": 2,
                    "role": "Teachers deliver the daily reading hour",
                    "interests": "Workload; professional autonomy",
                    "objective": "Agree the reading hour fits the timetable without extra marking",
                }
            ]
        }
    }


class PlacementOut(Schema):
    power: int = Field(description=f"power then, {L.SCALE_MIN} to {L.SCALE_MAX}")
    support: int = Field(description=f"support then, {L.SCALE_MIN} to {L.SCALE_MAX}")
    on: date = Field(description="the day of the placement (YYYY-MM-DD)")


class StakeholderOut(Schema):
    id: int = Field(description="the stakeholder's id, for the routes that name it")
    name: str = Field(description="the person's or organisation's name")
    kind: str = Field(description="a person or an organisation")
    role: str = Field(description=ENGAGEMENT["role"])
    interests: str = Field(description=ENGAGEMENT["interests"])
    power: int = Field(description=POWER + ", now")
    support: int = Field(description=SUPPORT + ", now")
    zone: str = Field(
        description="where power and support place them on the map, each zone with its advice",
        json_schema_extra={"enum": list(L.ZONES)},
    )
    objective: str = Field(description=ENGAGEMENT["objective"])
    current_status: str = Field(description=ENGAGEMENT["current_status"])
    key_messages: str = Field(description=ENGAGEMENT["key_messages"])
    key_actions: str = Field(description=ENGAGEMENT["key_actions"])
    timing: str = Field(description=ENGAGEMENT["timing"])
    placements: list[PlacementOut] = Field(description="every placement on the map, oldest first: how they moved")
    actions: list[TrackedActionOut] = Field(description="the engagement actions, on the action tracker")


def _stakeholder_out(s: Stakeholder) -> StakeholderOut:
    return StakeholderOut(
        id=s.pk,
        name=s.name,
        kind=s.kind,
        role=s.role,
        interests=s.interests,
        power=s.power,
        support=s.support,
        zone=s.zone,
        objective=s.objective,
        current_status=s.current_status,
        key_messages=s.key_messages,
        key_actions=s.key_actions,
        timing=s.timing,
        placements=[PlacementOut(power=p.power, support=p.support, on=p.on) for p in s.placements.all()],
        actions=[_action_out(t) for t in s.actions.select_related("action__owner")],
    )


def _map_priority(request, code):
    priority = inputs.priority(code)
    if priority is None or not can.reads_internal(request.user, priority):
        raise NotFound(_("no such stakeholder map"))
    return priority


@router.get("/stakeholders/{code}", response=list[StakeholderOut], summary="A priority's stakeholder register")
def list_stakeholders(request, code: str):
    priority = _map_priority(request, code)
    return [_stakeholder_out(s) for s in Stakeholder.objects.filter(priority=priority)]


@router.post("/stakeholders/{code}", response={201: StakeholderOut}, summary="Place a stakeholder on the map")
def add_stakeholder(request, code: str, payload: StakeholderIn):
    priority = _map_priority(request, code)
    _edit(request, priority)
    fields = payload.model_dump()
    stakeholder = actions.add_stakeholder(
        priority=priority,
        name=fields.pop("name"),
        kind=fields.pop("kind"),
        power=fields.pop("power"),
        support=fields.pop("support"),
        **fields,
        **_who(request),
    )
    return Status(201, _stakeholder_out(stakeholder))


class MoveIn(Schema):
    power: int | None = Field(None, description=POWER + ", now")
    support: int | None = Field(None, description=SUPPORT + ", now")
    on: date | None = Field(None, description="the day of the placement (YYYY-MM-DD; default today)")
    review: int | None = Field(
        None, description="the id of the priority review (of the same priority) it was placed in, or null"
    )
    note: str = Field("", description="why they moved, kept with the placement and in the audit trail")

    model_config = {
        "json_schema_extra": {
            "examples": [{"power": 5, "support": 3, "on": "2027-01-20", "note": "Agreed the reading hour in principle"}]
        }
    }


def _stakeholder(request, code, pk) -> Stakeholder:
    priority = _map_priority(request, code)
    _edit(request, priority)
    found = Stakeholder.objects.filter(priority=priority, pk=pk).first()
    if found is None:
        raise NotFound(_("no such stakeholder"))
    return found


@router.post("/stakeholders/{code}/{int:stakeholder_id}/placements", response=StakeholderOut, summary="Move on the map")
def move_stakeholder(request, code: str, stakeholder_id: int, payload: MoveIn):
    s = _stakeholder(request, code, stakeholder_id)
    review = PriorityReview.objects.filter(pk=payload.review, priority=s.priority).first() if payload.review else None
    if payload.review and review is None:
        raise ValidationError(
            {"review": _("there is no priority review %(v)s of %(p)s") % {"v": payload.review, "p": s.priority.code}}
        )
    s = actions.move_stakeholder(
        s,
        power=payload.power,
        support=payload.support,
        on=payload.on,
        review=review,
        note=payload.note,
        **_who(request),
    )
    return _stakeholder_out(s)


class EngagementPlanIn(Schema):
    """The parts of the engagement plan to change: fields left out are not changed."""

    role: str | None = Field(None, description=ENGAGEMENT["role"])
    interests: str | None = Field(None, description=ENGAGEMENT["interests"])
    objective: str | None = Field(None, description=ENGAGEMENT["objective"])
    current_status: str | None = Field(None, description=ENGAGEMENT["current_status"])
    key_messages: str | None = Field(None, description=ENGAGEMENT["key_messages"])
    key_actions: str | None = Field(None, description=ENGAGEMENT["key_actions"])
    timing: str | None = Field(None, description=ENGAGEMENT["timing"])

    model_config = {
        "json_schema_extra": {
            "examples": [{"current_status": "Agreed in principle", "key_actions": "Joint timetable workshop in March"}]
        }
    }


@router.patch("/stakeholders/{code}/{int:stakeholder_id}", response=StakeholderOut, summary="Edit the engagement plan")
def update_engagement(request, code: str, stakeholder_id: int, payload: EngagementPlanIn):
    s = _stakeholder(request, code, stakeholder_id)
    return _stakeholder_out(actions.update_engagement(s, **payload.model_dump(exclude_unset=True), **_who(request)))


@router.post(
    "/stakeholders/{code}/{int:stakeholder_id}/actions",
    response={201: TrackedActionOut},
    summary="An engagement action",
)
def add_engagement_action(request, code: str, stakeholder_id: int, payload: TrackedActionIn):
    s = _stakeholder(request, code, stakeholder_id)
    tracked = actions.add_engagement_action(
        s, description=payload.description, owner=inputs.person(payload.owner), due=payload.due, **_who(request)
    )
    return Status(201, _action_out(tracked))
