"""The one write path for problems, hypothesis trees, priority reviews and stakeholders.

Pages, the API, the alert listener and the demo all call these, so a problem
without a priority or owner, a level outside 1-4, an escalation without a
reason, a loop in a hypothesis tree, a review running past its weeks without a
recorded extension or a stakeholder off the map's scale is refused the same
way everywhere, and every change is audited in the same transaction.
Actions go on the routines action tracker through routines.actions.create_action.
"""

from __future__ import annotations

import logging
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from stocktake.accounts import audit
from stocktake.routines import actions as routine_actions

from . import levels as L
from . import mece
from .models import (
    AlertProblemOption,
    FieldworkNote,
    Finding,
    Hypothesis,
    IssueTree,
    PriorityReview,
    Problem,
    ProblemLog,
    ReviewExtension,
    ReviewStageRecord,
    Stakeholder,
    StakeholderPlacement,
    TrackedAction,
)

log = logging.getLogger(__name__)


def _user(user):
    return user if getattr(user, "is_authenticated", False) else None


def _text(value) -> str:
    return (value or "").strip()


def _level(value, field="level") -> int:
    try:
        level = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: _("the level must be a whole number from 1 to 4, not %(v)r") % {"v": value}})
    if level not in L.LEVELS:
        raise ValidationError({field: _("the level must be from 1 to 4, not %(v)s") % {"v": level}})
    return level


def _unknown(changes: dict, allowed: set, what: str) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(_("cannot change %(f)s on a %(w)s") % {"f": ", ".join(sorted(unknown)), "w": what})


def _log(problem, kind, text, *, user, level_from=None, level_to=None, interface="web") -> ProblemLog:
    entry = ProblemLog(problem=problem, kind=kind, text=text, level_from=level_from, level_to=level_to, by=_user(user))
    entry.save()
    audit.record(user=user, interface=interface, action="create", obj=entry, after=audit.snapshot(entry))
    return entry


# Problems ---------------------------------------------------------------------------------------------


@transaction.atomic
def open_problem(
    *,
    priority,
    title,
    owner,
    level,
    indicator=None,
    org_units=(),
    description="",
    alert=None,
    opened_on: date | None = None,
    user=None,
    interface="web",
) -> Problem:
    errors = {}
    if priority is None:
        errors["priority"] = _("a problem belongs to a priority")
    if owner is None:
        errors["owner"] = _("a problem needs an owner")
    if not _text(title):
        errors["title"] = _("a problem needs a title saying what is wrong")
    try:
        level = _level(level)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if indicator is not None and priority is not None and indicator.outcome.priority_id != priority.pk:
        errors["indicator"] = _("indicator %(code)s belongs to another priority") % {"code": indicator.code}
    if errors:
        raise ValidationError(errors)
    problem = Problem(
        priority=priority,
        indicator=indicator,
        title=_text(title),
        description=_text(description),
        owner=owner,
        level=level,
        alert=alert,
        opened_on=opened_on or timezone.localdate(),
    )
    audit.save_audited(problem, user=user, interface=interface)
    if org_units:
        problem.org_units.set(org_units)
        audit.record(
            user=user,
            interface=interface,
            action="change",
            obj=problem,
            after={"org_units": [u.pk for u in org_units]},
            reason=gettext_noop("org units where the problem shows"),
        )
    source = _("from alert: %(m)s") % {"m": alert.message} if alert else _("by hand")
    _log(
        problem,
        ProblemLog.Kind.OPENED,
        _("Opened at level %(l)s, %(s)s") % {"l": level, "s": source},
        user=user,
        interface=interface,
    )
    return problem


@transaction.atomic
def change_level(problem: Problem, level, *, reason: str, user=None, interface="web") -> Problem:
    """Escalating or de-escalating is a judgement: it needs a reason, kept in the log and the audit trail."""
    level = _level(level)
    if not _text(reason):
        raise ValidationError({"reason": _("escalating or de-escalating a problem needs a reason")})
    current = Problem.objects.select_for_update().get(pk=problem.pk)
    if level == current.level:
        raise ValidationError({"level": _("the problem is already at level %(l)s") % {"l": level}})
    before = current.level
    current.level = level
    audit.save_audited(current, user=user, interface=interface, reason=_text(reason))
    kind = ProblemLog.Kind.ESCALATED if level > before else ProblemLog.Kind.DEESCALATED
    _log(current, kind, _text(reason), user=user, interface=interface, level_from=before, level_to=level)
    return current


@transaction.atomic
def set_status(problem: Problem, status: str, *, note: str = "", user=None, interface="web") -> Problem:
    if status not in Problem.Status.values:
        raise ValidationError({"status": _("%(s)r is not a problem status") % {"s": status}})
    current = Problem.objects.select_for_update().get(pk=problem.pk)
    if status == current.status:
        raise ValidationError({"status": _("the problem is already %(s)s") % {"s": current.get_status_display()}})
    if status in (Problem.Status.RESOLVED, Problem.Status.CLOSED) and not _text(note):
        raise ValidationError({"note": _("resolving or closing a problem needs a note saying what happened")})
    current.status = status
    audit.save_audited(current, user=user, interface=interface, reason=_text(note))
    text = current.get_status_display() + (f": {_text(note)}" if _text(note) else "")
    _log(current, ProblemLog.Kind.STATUS, text, user=user, interface=interface)
    return current


@transaction.atomic
def add_note(problem: Problem, text: str, *, user=None, interface="web") -> ProblemLog:
    if not _text(text):
        raise ValidationError({"text": _("a log entry needs some text: what was tried, what happened")})
    return _log(problem, ProblemLog.Kind.NOTE, _text(text), user=user, interface=interface)


@transaction.atomic
def set_published(obj, published: bool, *, user=None, interface="web"):
    """Publish a problem or a review to the public, or withdraw it."""
    current = type(obj).objects.select_for_update().get(pk=obj.pk)
    current.published = bool(published)
    return audit.save_audited(current, user=user, interface=interface)


def _track(*, priority, description, owner, due, user, interface, rank=0, starts_on=None, **link) -> TrackedAction:
    item = routine_actions.create_action(
        priority=priority, description=description, owner=owner, due=due, user=user, interface=interface
    )
    tracked = TrackedAction(action=item, rank=rank, starts_on=starts_on or timezone.localdate(), **link)
    return audit.save_audited(tracked, user=user, interface=interface)


@transaction.atomic
def add_problem_action(problem: Problem, *, description, owner, due, user=None, interface="web") -> TrackedAction:
    tracked = _track(
        priority=problem.priority,
        description=description,
        owner=owner,
        due=due,
        user=user,
        interface=interface,
        problem=problem,
    )
    _log(
        problem,
        ProblemLog.Kind.ACTION,
        f"{tracked.action.description} ({owner}, {due:%d %b %Y})",
        user=user,
        interface=interface,
    )
    return tracked


# Alerts that open problems ------------------------------------------------------------------------------


@transaction.atomic
def set_alert_option(rule, *, level=2, owner=None, active=True, user=None, interface="web") -> AlertProblemOption:
    errors = {}
    try:
        level = _level(level)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if owner is None:
        errors["owner"] = _("the problems this rule opens need an owner")
    if errors:
        raise ValidationError(errors)
    option = AlertProblemOption.objects.filter(rule=rule).first() or AlertProblemOption(rule=rule)
    option.level, option.owner, option.active = level, owner, bool(active)
    return audit.save_audited(option, user=user, interface=interface)


def open_from_alert(alert) -> Problem | None:
    """The alert listener (monitoring.hooks): open a problem if the rule asks, or add the alert to the open one.

    One open problem per rule and unit: a district off track again adds to its log, not to the board.
    """
    option = AlertProblemOption.objects.filter(rule_id=alert.rule_id, active=True).select_related("owner").first()
    if option is None:
        return None
    rule = alert.rule
    existing = (
        Problem.objects.filter(alert__rule_id=rule.pk, org_units=alert.org_unit_id)
        .exclude(status__in=[Problem.Status.RESOLVED, Problem.Status.CLOSED])
        .first()
    )
    with transaction.atomic():
        if existing is not None:
            _log(
                existing,
                ProblemLog.Kind.NOTE,
                _("Alert again: %(m)s") % {"m": alert.message},
                user=None,
                interface="system",
            )
            return existing
        return open_problem(
            priority=rule.indicator.outcome.priority,
            indicator=rule.indicator,
            org_units=[alert.org_unit],
            title=alert.message[:300],
            owner=option.owner,
            level=option.level,
            alert=alert,
            user=None,
            interface="system",
        )


def alert_listener(alert) -> None:
    """Called for each alert raised; a failure here must not undo the alert (it is logged instead)."""
    try:
        with transaction.atomic():
            open_from_alert(alert)
    except Exception:
        log.exception("could not open a problem for alert %s", alert.pk)


# Hypothesis trees ---------------------------------------------------------------------------------------

HYPOTHESIS_FIELDS = {
    "text",
    "analysis",
    "end_product",
    "sources",
    "owner",
    "due",
    "verdict",
    "evidence_note",
    "evidence_indicator",
    "evidence_file",
    "rank",
    "parent",
}


def _unconfirm(tree: IssueTree, *, user, interface) -> None:
    """A changed tree must be checked again: the reviewer's MECE confirmation no longer holds."""
    if tree.mece_confirmed_at:
        tree.mece_confirmed_at, tree.mece_confirmed_by, tree.mece_note = None, None, ""
        audit.save_audited(
            tree, user=user, interface=interface, reason=gettext_noop("tree changed: MECE to be confirmed again")
        )


@transaction.atomic
def create_tree(*, issue, problem=None, review=None, user=None, interface="web") -> IssueTree:
    if not _text(issue):
        raise ValidationError({"issue": _("a tree starts from an issue: the key unresolved question")})
    if (problem is None) == (review is None):
        raise ValidationError({"problem": _("a tree belongs to one problem or one priority review")})
    tree = IssueTree(issue=_text(issue), problem=problem, review=review)
    audit.save_audited(tree, user=user, interface=interface)
    if problem is not None and problem.status == Problem.Status.OPEN:
        set_status(problem, Problem.Status.ANALYSIS, user=user, interface=interface)
    return tree


def _check_parent(tree: IssueTree, hypothesis: Hypothesis | None, parent: Hypothesis | None) -> None:
    if parent is None:
        return
    if parent.tree_id != tree.pk:
        raise ValidationError({"parent": _("the parent hypothesis belongs to another tree")})
    seen = set()
    node = parent
    while node is not None:
        if hypothesis is not None and node.pk == hypothesis.pk:
            raise ValidationError(
                {"parent": _("'%(h)s' cannot sit under its own branch: that would make a cycle") % {"h": hypothesis}}
            )
        if node.pk in seen:  # a cycle already stored (cannot happen through these actions)
            raise ValidationError({"parent": _("the tree already holds a cycle at '%(h)s'") % {"h": node}})
        seen.add(node.pk)
        node = node.parent


@transaction.atomic
def add_hypothesis(tree: IssueTree, *, text, parent=None, user=None, interface="web", **fields) -> Hypothesis:
    _unknown(fields, HYPOTHESIS_FIELDS - {"text", "parent"}, _("hypothesis"))
    if not _text(text):
        raise ValidationError({"text": _("a hypothesis needs its text: what do you think the answer might be?")})
    _check_parent(tree, None, parent)
    if fields.get("verdict", "open") not in Hypothesis.Verdict.values:
        raise ValidationError({"verdict": _("the verdict is supported, rejected or open")})
    hypothesis = Hypothesis(tree=tree, parent=parent, text=_text(text), **fields)
    audit.save_audited(hypothesis, user=user, interface=interface)
    _unconfirm(tree, user=user, interface=interface)
    return hypothesis


@transaction.atomic
def update_hypothesis(hypothesis: Hypothesis, *, user=None, interface="web", **changes) -> Hypothesis:
    _unknown(changes, HYPOTHESIS_FIELDS, _("hypothesis"))
    current = Hypothesis.objects.select_for_update().get(pk=hypothesis.pk)
    if "parent" in changes:
        _check_parent(current.tree, current, changes["parent"])
    if "text" in changes and not _text(changes["text"]):
        raise ValidationError({"text": _("a hypothesis needs its text")})
    if "verdict" in changes and changes["verdict"] not in Hypothesis.Verdict.values:
        raise ValidationError({"verdict": _("the verdict is supported, rejected or open")})
    if changes.get("verdict") in (Hypothesis.Verdict.SUPPORTED, Hypothesis.Verdict.REJECTED):
        has = (
            _text(changes.get("evidence_note", current.evidence_note))
            or changes.get("evidence_indicator", current.evidence_indicator)
            or changes.get("evidence_file", current.evidence_file)
        )
        if not has:
            raise ValidationError({"evidence_note": _("a verdict needs its evidence: a note, an indicator or a file")})
    reshaped = "parent" in changes or "text" in changes
    for name, value in changes.items():
        setattr(current, name, value)
    audit.save_audited(current, user=user, interface=interface)
    if reshaped:
        _unconfirm(current.tree, user=user, interface=interface)
    return current


@transaction.atomic
def confirm_mece(tree: IssueTree, *, note: str = "", user=None, interface="web") -> IssueTree:
    """The reviewer has read the warnings and confirms the branches are MECE (or says why they stand)."""
    current = IssueTree.objects.select_for_update().get(pk=tree.pk)
    warnings = mece.check(current)
    if warnings and not _text(note):
        raise ValidationError({"note": _("there are MECE warnings: say why the tree stands as it is")})
    current.mece_confirmed_at, current.mece_confirmed_by, current.mece_note = timezone.now(), _user(user), _text(note)
    return audit.save_audited(current, user=user, interface=interface, reason=_text(note))


# Priority reviews ---------------------------------------------------------------------------------------


def _weeks(value) -> int:
    try:
        weeks = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"weeks": _("weeks must be a whole number, not %(v)r") % {"v": value}})
    if not L.MIN_WEEKS <= weeks <= L.MAX_WEEKS:
        message = _("a priority review reports in %(a)s to %(b)s weeks, not %(w)s")
        raise ValidationError({"weeks": message % {"a": L.MIN_WEEKS, "b": L.MAX_WEEKS, "w": weeks}})
    return weeks


def _within(review: PriorityReview, on: date, field: str) -> None:
    """Work dated after the review's last week is refused until an extension is recorded with its reason."""
    if on < review.starts_on:
        raise ValidationError(
            {field: _("%(d)s is before the review starts (%(s)s)") % {"d": on, "s": review.starts_on}}
        )
    if on > review.due_on:
        raise ValidationError(
            {
                field: _(
                    "%(d)s is after the review's %(w)s weeks end (%(e)s); record an extension with its reason first"
                )
                % {"d": on, "w": review.weeks + review.extension_weeks, "e": review.due_on}
            }
        )


@transaction.atomic
def create_review(
    *,
    priority,
    title,
    terms_of_reference,
    starts_on,
    weeks,
    lead,
    team=(),
    problem=None,
    indicator=None,
    user=None,
    interface="web",
) -> PriorityReview:
    errors = {}
    if priority is None:
        errors["priority"] = _("a review is of a priority")
    if lead is None:
        errors["lead"] = _("a review needs a lead")
    if not _text(title):
        errors["title"] = _("a review needs a title")
    if not _text(terms_of_reference):
        errors["terms_of_reference"] = _("a review needs its terms of reference, agreed with the department")
    if starts_on is None:
        errors["starts_on"] = _("a review needs a start date")
    try:
        weeks = _weeks(weeks)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if indicator is not None and priority is not None and indicator.outcome.priority_id != priority.pk:
        errors["indicator"] = _("indicator %(code)s belongs to another priority") % {"code": indicator.code}
    if problem is not None and priority is not None and problem.priority_id != priority.pk:
        errors["problem"] = _("the problem belongs to another priority")
    if errors:
        raise ValidationError(errors)
    review = PriorityReview(
        priority=priority,
        title=_text(title),
        terms_of_reference=_text(terms_of_reference),
        starts_on=starts_on,
        weeks=weeks,
        lead=lead,
        problem=problem,
        indicator=indicator,
    )
    audit.save_audited(review, user=user, interface=interface)
    members = list(dict.fromkeys([lead, *team]))
    review.team.set(members)
    audit.record(user=user, interface=interface, action="change", obj=review, after={"team": [p.pk for p in members]})
    audit.save_audited(
        ReviewStageRecord(review=review, stage="scoping", reached_on=starts_on, note=_("Review started")),
        user=user,
        interface=interface,
    )
    if problem is not None:
        _log(
            problem,
            ProblemLog.Kind.NOTE,
            _("Priority review started: %(t)s") % {"t": review.title},
            user=user,
            interface=interface,
        )
    return review


@transaction.atomic
def extend_review(review: PriorityReview, *, weeks, reason, user=None, interface="web") -> ReviewExtension:
    try:
        weeks = int(weeks)
    except (TypeError, ValueError):
        raise ValidationError({"weeks": _("an extension is a whole number of weeks")})
    if weeks < 1 or weeks > L.MAX_WEEKS:
        raise ValidationError({"weeks": _("an extension is from 1 to %(m)s weeks") % {"m": L.MAX_WEEKS}})
    if not _text(reason):
        raise ValidationError({"reason": _("an extension needs a reason")})
    ext = ReviewExtension(review=review, weeks=weeks, reason=_text(reason), by=_user(user))
    return audit.save_audited(ext, user=user, interface=interface, reason=_text(reason))


@transaction.atomic
def reach_stage(review: PriorityReview, stage: str, *, on: date, note="", user=None, interface="web"):
    keys = [k for k, _label, _share in L.STAGES]
    if stage not in keys:
        raise ValidationError({"stage": _("%(s)r is not a stage of a priority review") % {"s": stage}})
    _within(review, on, "reached_on")
    current = PriorityReview.objects.select_for_update().get(pk=review.pk)
    current.stage = stage
    audit.save_audited(current, user=user, interface=interface, reason=_text(note))
    record = ReviewStageRecord(review=current, stage=stage, reached_on=on, note=_text(note))
    audit.save_audited(record, user=user, interface=interface)
    return current


@transaction.atomic
def add_fieldwork(
    review: PriorityReview, *, org_unit, visited_on, who, findings, attachment=None, user=None, interface="web"
) -> FieldworkNote:
    errors = {}
    if org_unit is None:
        errors["org_unit"] = _("a fieldwork note names the site visited")
    if visited_on is None:
        errors["visited_on"] = _("a fieldwork note needs the date of the visit")
    if not _text(who):
        errors["who"] = _("say who the team met")
    if not _text(findings):
        errors["findings"] = _("a fieldwork note needs its findings")
    if errors:
        raise ValidationError(errors)
    _within(review, visited_on, "visited_on")
    note = FieldworkNote(
        review=review, org_unit=org_unit, visited_on=visited_on, who=_text(who), findings=_text(findings)
    )
    if attachment:
        note.attachment = attachment
    return audit.save_audited(note, user=user, interface=interface)


@transaction.atomic
def add_finding(
    review: PriorityReview, *, text, evidence="", rank=0, on: date | None = None, user=None, interface="web"
) -> Finding:
    """`on` is the day the finding was made (today by default); it must fall within the review's weeks."""
    if not _text(text):
        raise ValidationError({"text": _("a finding needs its text")})
    _within(review, on or timezone.localdate(), "review")
    finding = Finding(review=review, text=_text(text), evidence=_text(evidence), rank=rank)
    return audit.save_audited(finding, user=user, interface=interface)


@transaction.atomic
def add_review_action(
    review: PriorityReview, *, description, owner, due, rank=0, starts_on=None, user=None, interface="web"
) -> TrackedAction:
    """One line of the prioritised action plan, on the tracker; `starts_on` is when the action starts to bite."""
    tracked = _track(
        priority=review.priority,
        description=description,
        owner=owner,
        due=due,
        user=user,
        interface=interface,
        rank=rank,
        starts_on=starts_on,
        review=review,
        problem=review.problem,
    )
    if review.problem is not None:
        _log(
            review.problem,
            ProblemLog.Kind.ACTION,
            _("Review action: %(d)s") % {"d": description},
            user=user,
            interface=interface,
        )
    return tracked


# Stakeholders -------------------------------------------------------------------------------------------

ENGAGEMENT_FIELDS = {"role", "interests", "objective", "current_status", "key_messages", "key_actions", "timing"}


def _scale(value, field: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(
            {field: _("%(f)s must be a whole number from 1 to 5, not %(v)r") % {"f": field, "v": value}}
        )
    if not L.SCALE_MIN <= number <= L.SCALE_MAX:
        raise ValidationError(
            {
                field: _("%(f)s is placed on a scale of %(a)s to %(b)s, not %(v)s")
                % {"f": field, "a": L.SCALE_MIN, "b": L.SCALE_MAX, "v": number}
            }
        )
    return number


def _place(power, support) -> tuple[int, int]:
    errors = {}
    out = []
    for field, value in (("power", power), ("support", support)):
        try:
            out.append(_scale(value, field))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return out[0], out[1]


@transaction.atomic
def add_stakeholder(
    *, priority, name, power, support, kind="organisation", on=None, review=None, user=None, interface="web", **fields
) -> Stakeholder:
    _unknown(fields, ENGAGEMENT_FIELDS, _("stakeholder"))
    errors = {}
    if priority is None:
        errors["priority"] = _("a stakeholder is mapped for a priority")
    if not _text(name):
        errors["name"] = _("a stakeholder needs a name")
    elif priority is not None and Stakeholder.objects.filter(priority=priority, name=_text(name)).exists():
        errors["name"] = _("%(n)s is already on this priority's map") % {"n": _text(name)}
    if kind not in Stakeholder.Kind.values:
        errors["kind"] = _("a stakeholder is a person or an organisation")
    try:
        power, support = _place(power, support)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    stakeholder = Stakeholder(priority=priority, name=_text(name), kind=kind, power=power, support=support, **fields)
    audit.save_audited(stakeholder, user=user, interface=interface)
    placement = StakeholderPlacement(
        stakeholder=stakeholder, power=power, support=support, on=on or timezone.localdate(), review=review
    )
    audit.save_audited(placement, user=user, interface=interface)
    return stakeholder


@transaction.atomic
def move_stakeholder(
    stakeholder: Stakeholder, *, power, support, on=None, review=None, note="", user=None, interface="web"
) -> Stakeholder:
    power, support = _place(power, support)
    current = Stakeholder.objects.select_for_update().get(pk=stakeholder.pk)
    current.power, current.support = power, support
    audit.save_audited(current, user=user, interface=interface, reason=_text(note))
    placement = StakeholderPlacement(
        stakeholder=current,
        power=power,
        support=support,
        on=on or timezone.localdate(),
        review=review,
        note=_text(note),
    )
    audit.save_audited(placement, user=user, interface=interface)
    return current


@transaction.atomic
def update_engagement(stakeholder: Stakeholder, *, user=None, interface="web", **changes) -> Stakeholder:
    _unknown(changes, ENGAGEMENT_FIELDS, _("stakeholder's engagement plan"))
    current = Stakeholder.objects.select_for_update().get(pk=stakeholder.pk)
    for name, value in changes.items():
        setattr(current, name, _text(value))
    return audit.save_audited(current, user=user, interface=interface)


@transaction.atomic
def add_engagement_action(
    stakeholder: Stakeholder, *, description, owner, due, user=None, interface="web"
) -> TrackedAction:
    return _track(
        priority=stakeholder.priority,
        description=description,
        owner=owner,
        due=due,
        user=user,
        interface=interface,
        stakeholder=stakeholder,
    )
