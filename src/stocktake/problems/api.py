"""JSON API of the problems app, mounted at /api/problems/.

The same actions as the pages, so the same refusals (400 naming the field);
the accountable leader and the delivery unit write (403 otherwise); readers
see what problems.permissions lets them (404 for what they may not see).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from stocktake.accounts.permissions import NotFound
from stocktake.monitoring.models import AlertRule

from . import actions, inputs, mece, trees
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


class ProblemIn(Schema):
    priority: str | None = None
    title: str = ""
    owner: int | None = None
    level: int | None = None
    indicator: str | None = None
    org_units: list[str] = []
    description: str = ""


class LogOut(Schema):
    kind: str
    text: str
    level_from: int | None
    level_to: int | None
    at: str


class ActionOut(Schema):
    id: int
    description: str
    owner: str
    due: date
    state: str
    starts_on: date
    rank: int


class ProblemOut(Schema):
    id: int
    priority: str
    title: str
    description: str
    owner: str
    level: int
    level_name: str
    level_approach: str
    status: str
    indicator: str | None
    org_units: list[str]
    opened_on: date
    alert: int | None
    published: bool
    log: list[LogOut]
    actions: list[ActionOut]
    trees: list[int]


def _action_out(t) -> ActionOut:
    a = t.action
    return ActionOut(
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
            LogOut(kind=e.kind, text=e.text, level_from=e.level_from, level_to=e.level_to, at=e.at.isoformat())
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


class LevelIn(Schema):
    level: int | None = None
    reason: str = ""


@router.post("/{int:problem_id}/level", response=ProblemOut, summary="Escalate or de-escalate, with the reason")
def change_level(request, problem_id: int, payload: LevelIn):
    problem = _problem(request, problem_id)
    _edit(request, problem.priority)
    return _problem_out(actions.change_level(problem, payload.level, reason=payload.reason, **_who(request)))


class StatusIn(Schema):
    status: str
    note: str = ""


@router.post("/{int:problem_id}/status", response=ProblemOut, summary="Move a problem to another status")
def set_status(request, problem_id: int, payload: StatusIn):
    problem = _problem(request, problem_id)
    _edit(request, problem.priority)
    return _problem_out(actions.set_status(problem, payload.status, note=payload.note, **_who(request)))


class NoteIn(Schema):
    text: str


@router.post("/{int:problem_id}/log", response=ProblemOut, summary="Log what was tried and what happened")
def add_note(request, problem_id: int, payload: NoteIn):
    problem = _problem(request, problem_id)
    _edit(request, problem.priority)
    actions.add_note(problem, payload.text, **_who(request))
    return _problem_out(problem)


class ActionIn(Schema):
    description: str = ""
    owner: int | None = None
    due: date | None = None
    rank: int = 0
    starts_on: date | None = None


@router.post("/{int:problem_id}/actions", response={201: ActionOut}, summary="Agree an action (on the tracker)")
def add_problem_action(request, problem_id: int, payload: ActionIn):
    problem = _problem(request, problem_id)
    _edit(request, problem.priority)
    tracked = actions.add_problem_action(
        problem, description=payload.description, owner=inputs.person(payload.owner), due=payload.due, **_who(request)
    )
    return Status(201, _action_out(tracked))


class PublishIn(Schema):
    published: bool


@router.post("/{int:problem_id}/published", response=ProblemOut, summary="Publish a problem, or withdraw it")
def publish_problem(request, problem_id: int, payload: PublishIn):
    problem = _problem(request, problem_id)
    _edit(request, problem.priority)
    return _problem_out(actions.set_published(problem, payload.published, **_who(request)))


# Hypothesis trees -------------------------------------------------------------------------------------


class TreeIn(Schema):
    issue: str


class HypothesisOut(Schema):
    id: int
    parent: int | None
    depth: int
    text: str
    analysis: str
    end_product: str
    sources: str
    owner: str | None
    due: date | None
    verdict: str
    evidence_note: str
    evidence_indicator: str | None


class WarningOut(Schema):
    kind: str
    node: str
    text: str


class TreeOut(Schema):
    id: int
    issue: str
    problem: int | None
    review: int | None
    hypotheses: list[HypothesisOut]
    mece_warnings: list[WarningOut]
    mece_confirmed: bool
    mece_note: str


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
        mece_warnings=[WarningOut(**w) for w in mece.check(tree)],
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
    text: str | None = None
    parent: int | None = None
    analysis: str | None = None
    end_product: str | None = None
    sources: str | None = None
    owner: int | None = None
    due: date | None = None
    verdict: str | None = None
    evidence_note: str | None = None
    evidence_indicator: str | None = None


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
    note: str = ""


@router.post("/trees/{int:tree_id}/confirm", response=TreeOut, summary="The reviewer confirms the tree is MECE")
def confirm_mece(request, tree_id: int, payload: ConfirmIn):
    tree = _tree(request, tree_id)
    _edit(request, tree.priority)
    actions.confirm_mece(tree, note=payload.note, **_who(request))
    return _tree_out(IssueTree.objects.get(pk=tree.pk))


# Alert rules that open problems ---------------------------------------------------------------------


class AlertOptionIn(Schema):
    level: int = 2
    owner: int | None = None
    active: bool = True


class AlertOptionOut(Schema):
    rule: int
    level: int
    owner: str
    active: bool


@router.put("/alert-rules/{int:rule_id}", response=AlertOptionOut, summary="Make an alert rule open problems")
def set_alert_option(request, rule_id: int, payload: AlertOptionIn):
    rule = get_object_or_404(AlertRule.objects.select_related("indicator__outcome__priority"), pk=rule_id)
    _edit(request, rule.indicator.outcome.priority)
    option = actions.set_alert_option(
        rule, level=payload.level, owner=inputs.person(payload.owner), active=payload.active, **_who(request)
    )
    return AlertOptionOut(rule=rule.pk, level=option.level, owner=str(option.owner), active=option.active)


# Priority reviews -------------------------------------------------------------------------------------


class ReviewIn(Schema):
    priority: str | None = None
    title: str = ""
    terms_of_reference: str = ""
    starts_on: date | None = None
    weeks: int | None = None
    lead: int | None = None
    team: list[int] = []
    problem: int | None = None
    indicator: str | None = None


class FieldworkOut(Schema):
    org_unit: str
    visited_on: date
    who: str
    findings: str


class StageOut(Schema):
    key: str
    planned: date
    reached: date | None


class ReviewOut(Schema):
    id: int
    priority: str
    title: str
    terms_of_reference: str
    starts_on: date
    weeks: int
    extension_weeks: int
    due_on: date
    stage: str
    lead: str
    team: list[str]
    problem: int | None
    timeline: list[StageOut]
    fieldwork: list[FieldworkOut]
    findings: list[str]
    action_plan: list[ActionOut]
    actions_started_on: date | None
    published: bool


def _review_out(review: PriorityReview) -> ReviewOut:
    from . import reviews

    ctx = reviews.context(review, for_pdf=True)
    return ReviewOut(
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


@router.get("/reviews/", response=list[ReviewOut], summary="Priority reviews this caller may read")
def list_reviews(request):
    return [
        _review_out(r) for r in can.visible(request.user, PriorityReview.objects.select_related("priority", "lead"))
    ]


@router.post("/reviews/", response={201: ReviewOut}, summary="Start a priority review (6 to 12 weeks)")
def create_review(request, payload: ReviewIn):
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


@router.get("/reviews/{int:review_id}", response=ReviewOut, summary="One review: timeline, fieldwork, action plan")
def get_review(request, review_id: int):
    return _review_out(_review(request, review_id))


class ExtensionIn(Schema):
    weeks: int | None = None
    reason: str = ""


@router.post("/reviews/{int:review_id}/extensions", response=ReviewOut, summary="Record an extension with its reason")
def extend_review(request, review_id: int, payload: ExtensionIn):
    review = _review(request, review_id)
    _edit(request, review.priority)
    actions.extend_review(review, weeks=payload.weeks, reason=payload.reason, **_who(request))
    return _review_out(review)


class StageIn(Schema):
    stage: str
    on: date
    note: str = ""


@router.post("/reviews/{int:review_id}/stages", response=ReviewOut, summary="Record the stage a review reached")
def reach_stage(request, review_id: int, payload: StageIn):
    review = _review(request, review_id)
    _edit(request, review.priority)
    return _review_out(actions.reach_stage(review, payload.stage, on=payload.on, note=payload.note, **_who(request)))


class FieldworkIn(Schema):
    org_unit: str | None = None
    visited_on: date | None = None
    who: str = ""
    findings: str = ""


@router.post("/reviews/{int:review_id}/fieldwork", response={201: ReviewOut}, summary="Add a fieldwork note")
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
    text: str = ""
    evidence: str = ""
    rank: int = 0


@router.post("/reviews/{int:review_id}/findings", response={201: ReviewOut}, summary="Add a finding with its evidence")
def add_finding(request, review_id: int, payload: FindingIn):
    review = _review(request, review_id)
    _edit(request, review.priority)
    actions.add_finding(review, text=payload.text, evidence=payload.evidence, rank=payload.rank, **_who(request))
    return Status(201, _review_out(review))


@router.post(
    "/reviews/{int:review_id}/actions", response={201: ReviewOut}, summary="Add to the prioritised action plan"
)
def add_review_action(request, review_id: int, payload: ActionIn):
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


class StakeholderIn(Schema):
    name: str = ""
    kind: str = "organisation"
    power: int | None = None
    support: int | None = None
    role: str = ""
    interests: str = ""
    objective: str = ""
    current_status: str = ""
    key_messages: str = ""
    key_actions: str = ""
    timing: str = ""


class PlacementOut(Schema):
    power: int
    support: int
    on: date


class StakeholderOut(Schema):
    id: int
    name: str
    kind: str
    role: str
    interests: str
    power: int
    support: int
    zone: str
    objective: str
    current_status: str
    key_messages: str
    key_actions: str
    timing: str
    placements: list[PlacementOut]
    actions: list[ActionOut]


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
    power: int | None = None
    support: int | None = None
    on: date | None = None
    review: int | None = None
    note: str = ""


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


class PlanIn(Schema):
    role: str | None = None
    interests: str | None = None
    objective: str | None = None
    current_status: str | None = None
    key_messages: str | None = None
    key_actions: str | None = None
    timing: str | None = None


@router.patch("/stakeholders/{code}/{int:stakeholder_id}", response=StakeholderOut, summary="Edit the engagement plan")
def update_engagement(request, code: str, stakeholder_id: int, payload: PlanIn):
    s = _stakeholder(request, code, stakeholder_id)
    return _stakeholder_out(actions.update_engagement(s, **payload.model_dump(exclude_unset=True), **_who(request)))


@router.post(
    "/stakeholders/{code}/{int:stakeholder_id}/actions", response={201: ActionOut}, summary="An engagement action"
)
def add_engagement_action(request, code: str, stakeholder_id: int, payload: ActionIn):
    s = _stakeholder(request, code, stakeholder_id)
    tracked = actions.add_engagement_action(
        s, description=payload.description, owner=inputs.person(payload.owner), due=payload.due, **_who(request)
    )
    return Status(201, _action_out(tracked))
