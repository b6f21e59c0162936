"""Pages for problems and their hypothesis trees, mounted at /problems/.

Every page asks problems.permissions what the visitor may see; every change
goes through problems.actions, and a refusal is shown on the page with the
field and reason (status 400), changing nothing.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stocktake import errors, params
from stocktake.accounts.models import Person
from stocktake.architecture import access as architecture_access

from . import actions, board, inputs, trees
from . import levels as L
from . import permissions as can
from .models import Hypothesis, IssueTree, Problem


def _people():
    return Person.objects.order_by("name")


def _visible(request, pk) -> Problem:
    problem = get_object_or_404(Problem.objects.select_related("priority", "owner", "indicator", "alert"), pk=pk)
    if not can.can_read(request.user, problem):
        raise Http404(_("no such problem"))
    return problem


def editor(request, priority):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can.can_edit(request.user, priority):
        return HttpResponseForbidden(
            _("Only the accountable leader and the delivery unit edit this priority's problems.")
        )
    return None


def index(request):
    qs = can.visible(request.user, Problem.objects.select_related("priority", "owner", "indicator"))
    pid = params.id_param(request, "priority")  # a bad one is a 400 naming the field
    if pid is not None:
        qs = qs.filter(priority_id=pid)
    return render(
        request,
        "problems/index.html",
        {
            "columns": board.columns(board.active(qs)),
            "closed": list(qs.filter(status__in=[Problem.Status.RESOLVED, Problem.Status.CLOSED])),
            "levels": L.LEVELS,
            "can_create": can.can_edit_any(request.user),
            "priorities": architecture_access.visible_priorities(request.user).order_by("rank"),
            "people": _people(),
        },
    )


def create(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method != "POST":
        return redirect("problems:index")
    post = request.POST
    try:
        priority = inputs.priority(post.get("priority"))
        if priority is not None and not can.can_edit(request.user, priority):
            return HttpResponseForbidden(_("You may not open problems on this priority."))
        problem = actions.open_problem(
            priority=priority,
            title=post.get("title"),
            owner=inputs.person(post.get("owner")),
            level=post.get("level"),
            indicator=inputs.indicator(post.get("indicator")),
            org_units=inputs.units(post.get("org_units")),
            description=post.get("description", ""),
            user=request.user,
            interface="web",
        )
    except ValidationError as exc:
        return refused(request, exc, "problems:index")
    return redirect("problems:detail", pk=problem.pk)


def refused(request, exc: ValidationError, back: str, *args):
    return render(
        request,
        "problems/refused.html",
        {"reasons": errors.lines(exc), "back": back, "args": args},
        status=400,
    )


def detail(request, pk):
    problem = _visible(request, pk)
    return render(
        request,
        "problems/detail.html",
        {
            "problem": problem,
            "can_edit": can.can_edit(request.user, problem.priority),
            "log": problem.log.select_related("by"),
            "actions": problem.actions.select_related("action__owner"),
            "trees": [trees.view(t) for t in problem.trees.all()],
            "reviews": problem.reviews.all(),
            "levels": L.LEVELS,
            "statuses": Problem.Status.choices,
            "verdicts": Hypothesis.Verdict.choices,
            "people": _people(),
            "units": ", ".join(u.code for u in problem.org_units.all()),
            "unit_names": ", ".join(u.name for u in problem.org_units.all()),
        },
    )


@require_POST
def problem_write(request, pk, what):
    problem = _visible(request, pk)
    refusal = editor(request, problem.priority)
    if refusal:
        return refusal
    post, who = request.POST, {"user": request.user, "interface": "web"}
    try:
        if what == "level":
            actions.change_level(problem, post.get("level"), reason=post.get("reason", ""), **who)
        elif what == "status":
            actions.set_status(problem, post.get("status", ""), note=post.get("note", ""), **who)
        elif what == "note":
            actions.add_note(problem, post.get("text", ""), **who)
        elif what == "action":
            actions.add_problem_action(
                problem,
                description=post.get("description", ""),
                owner=inputs.person(post.get("owner")),
                due=inputs.day(post.get("due"), "due"),
                **who,
            )
        elif what == "tree":
            actions.create_tree(problem=problem, issue=post.get("issue", ""), **who)
        elif what == "publish":
            actions.set_published(problem, post.get("published") == "1", **who)
        else:
            raise Http404(_("no such change"))
    except ValidationError as exc:
        return refused(request, exc, "problems:detail", problem.pk)
    return redirect("problems:detail", pk=problem.pk)


def _tree_owner(tree: IssueTree):
    return tree.problem if tree.problem_id else tree.review


@require_POST
def tree_write(request, pk, what):
    tree = get_object_or_404(IssueTree.objects.select_related("problem__priority", "review__priority"), pk=pk)
    owner = _tree_owner(tree)
    if not can.can_read(request.user, owner):
        raise Http404(_("no such tree"))
    refusal = editor(request, tree.priority)
    if refusal:
        return refusal
    post, who = request.POST, {"user": request.user, "interface": "web"}
    back = ("problems:detail", tree.problem_id) if tree.problem_id else ("problems:review", tree.review_id)
    try:
        if what == "hypothesis":
            parent = tree.hypotheses.filter(pk=inputs.id_of(post.get("parent"), "parent") or 0).first()
            actions.add_hypothesis(
                tree,
                text=post.get("text", ""),
                parent=parent,
                analysis=post.get("analysis", ""),
                end_product=post.get("end_product", ""),
                sources=post.get("sources", ""),
                owner=inputs.person(post.get("owner")),
                due=inputs.day(post.get("due"), "due"),
                **who,
            )
        elif what in ("verdict", "move"):
            hypothesis = get_object_or_404(
                Hypothesis, pk=inputs.id_of(post.get("hypothesis"), "hypothesis") or 0, tree=tree
            )
            if what == "verdict":
                changes = {"verdict": post.get("verdict", ""), "evidence_note": post.get("evidence_note", "")}
                if post.get("evidence_indicator"):
                    changes["evidence_indicator"] = inputs.indicator(
                        post.get("evidence_indicator"), "evidence_indicator"
                    )
                if request.FILES.get("evidence_file"):
                    changes["evidence_file"] = request.FILES["evidence_file"]
                actions.update_hypothesis(hypothesis, **changes, **who)
            else:
                pid = inputs.id_of(post.get("parent"), "parent")
                parent = None
                if pid:
                    parent = Hypothesis.objects.filter(pk=pid).first()
                    if parent is None:
                        raise ValidationError({"parent": _("there is no hypothesis %(v)s") % {"v": pid}})
                actions.update_hypothesis(hypothesis, parent=parent, **who)
        elif what == "confirm":
            actions.confirm_mece(tree, note=post.get("note", ""), **who)
        else:
            raise Http404(_("no such change"))
    except ValidationError as exc:
        return refused(request, exc, *back)
    return redirect(*back)
