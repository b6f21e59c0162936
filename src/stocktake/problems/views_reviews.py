"""Pages for priority reviews (seed 003), mounted at /problems/reviews/: the list, a review, its report PDF."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stocktake.accounts.models import Person
from stocktake.architecture import access as architecture_access

from . import actions, charts, inputs, reviews, trees
from . import permissions as can
from .models import PriorityReview, Problem
from .views import editor, refused


def _visible(request, pk) -> PriorityReview:
    review = get_object_or_404(PriorityReview.objects.select_related("priority", "lead", "problem", "indicator"), pk=pk)
    if not can.can_read(request.user, review):
        raise Http404(_("no such review"))
    return review


def index(request):
    qs = can.visible(request.user, PriorityReview.objects.select_related("priority", "lead"))
    return render(
        request,
        "problems/reviews.html",
        {
            "reviews": list(qs),
            "can_create": can.can_edit_any(request.user),
            "priorities": architecture_access.visible_priorities(request.user).order_by("rank"),
            "people": Person.objects.order_by("name"),
            "problems": can.visible(request.user, Problem.objects.all()),
            "today": timezone.localdate(),
        },
    )


def create(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method != "POST":
        return redirect("problems:reviews")
    post = request.POST
    try:
        priority = inputs.priority(post.get("priority"))
        if priority is not None and not can.can_edit(request.user, priority):
            return HttpResponseForbidden(_("You may not start a review of this priority."))
        problem = None
        if post.get("problem"):
            problem = Problem.objects.filter(pk=inputs.id_of(post.get("problem"), "problem")).first()
        review = actions.create_review(
            priority=priority,
            title=post.get("title", ""),
            terms_of_reference=post.get("terms_of_reference", ""),
            starts_on=inputs.day(post.get("starts_on"), "starts_on"),
            weeks=post.get("weeks"),
            lead=inputs.person(post.get("lead"), "lead"),
            team=inputs.people(post.getlist("team")),
            problem=problem,
            indicator=inputs.indicator(post.get("indicator")),
            user=request.user,
        )
    except ValidationError as exc:
        return refused(request, exc, "problems:reviews")
    return redirect("problems:review", pk=review.pk)


def detail(request, pk):
    review = _visible(request, pk)
    context = reviews.context(review)
    context.update(
        can_edit=can.can_edit(request.user, review.priority),
        people=Person.objects.order_by("name"),
        trees=[trees.view(t) for t in review.trees.all()],
        today=timezone.localdate(),
    )
    return render(request, "problems/review.html", context)


@require_POST
def write(request, pk, what):
    review = _visible(request, pk)
    refusal = editor(request, review.priority)
    if refusal:
        return refusal
    post, who = request.POST, {"user": request.user, "interface": "web"}
    try:
        if what == "extend":
            actions.extend_review(review, weeks=post.get("weeks"), reason=post.get("reason", ""), **who)
        elif what == "stage":
            actions.reach_stage(
                review,
                post.get("stage", ""),
                on=inputs.day(post.get("on"), "on") or timezone.localdate(),
                note=post.get("note", ""),
                **who,
            )
        elif what == "fieldwork":
            actions.add_fieldwork(
                review,
                org_unit=inputs.unit(post.get("org_unit")),
                visited_on=inputs.day(post.get("visited_on"), "visited_on"),
                who=post.get("who", ""),
                findings=post.get("findings", ""),
                attachment=request.FILES.get("attachment"),
                **who,
            )
        elif what == "finding":
            actions.add_finding(review, text=post.get("text", ""), evidence=post.get("evidence", ""), **who)
        elif what == "action":
            actions.add_review_action(
                review,
                description=post.get("description", ""),
                owner=inputs.person(post.get("owner")),
                due=inputs.day(post.get("due"), "due"),
                rank=inputs.id_of(post.get("rank"), "rank") or review.action_plan.count() + 1,
                starts_on=inputs.day(post.get("starts_on"), "starts_on"),
                **who,
            )
        elif what == "tree":
            actions.create_tree(review=review, issue=post.get("issue", ""), **who)
        elif what == "publish":
            actions.set_published(review, post.get("published") == "1", **who)
        else:
            raise Http404(_("no such change"))
    except ValidationError as exc:
        return refused(request, exc, "problems:review", review.pk)
    return redirect("problems:review", pk=review.pk)


def report_pdf(request, pk):
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe
    from weasyprint import HTML

    review = _visible(request, pk)
    context = reviews.context(review, for_pdf=True)
    problem_trees = list(review.problem.trees.all()) if review.problem_id else []
    context["trees"] = [trees.view(t) for t in [*problem_trees, *review.trees.all()]]
    spec = (
        charts.trajectory_with_start(review.indicator, context["started_on"], width=560) if review.indicator else None
    )
    if spec:
        import vl_convert

        context["trajectory_svg"] = mark_safe(vl_convert.vegalite_to_svg(spec))
    html = render_to_string("problems/review_pdf.html", context, request=request)
    response = HttpResponse(HTML(string=html, base_url="/").write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="priority-review-{review.pk}.pdf"'
    return response
