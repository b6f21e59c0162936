"""The printed documents (meeting pack, delivery report, monthly note): their context and their PDF.

One place builds each, for a user (whose view of the portfolio it shows) rather than a request,
so the synchronous download, the background job (routines.tasks) and the API give the same PDF.
"""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from . import access, cover, pack, reports
from . import render as R
from .models import AssessmentRound, Document, Meeting


def latest_round() -> AssessmentRound | None:
    return AssessmentRound.objects.order_by("-date", "-id").first()


def pack_title(meeting: Meeting) -> str:
    return _("Stocktake pack: %(meeting)s") % {"meeting": meeting}


def report_title(rnd: AssessmentRound) -> str:
    return _("Delivery report: %(round)s") % {"round": rnd}


def note_title(today=None) -> str:
    today = today or timezone.localdate()
    return _("Monthly note to the head of government, %(month)s") % {
        "month": formats.date_format(today, "YEAR_MONTH_FORMAT")
    }


def pack_context(meeting: Meeting, user, *, for_print: bool = False) -> dict:
    """The pack as `user` may read it: only their priorities; minutes and decisions only to readers of all."""
    scope = access.priorities(user)
    ctx = pack.build(meeting, chart_width=R.PRINT_CHART_WIDTH if for_print else None, scope=scope)
    ids = set(scope.values_list("pk", flat=True))
    whole = all(p.pk in ids for p in meeting.priorities.all())
    if not whole:
        ctx["decisions"] = []
    ctx.update(
        {"whole_agenda": whole, "body": "routines/_pack_body.html", "title": pack_title(meeting)},
        **cover.for_pack(ctx),
    )
    return ctx


def report_context(rnd: AssessmentRound, user, *, short: bool, for_print: bool = False) -> dict:
    ctx = reports.delivery_report(
        rnd, access.priorities(user), short=short, chart_width=R.PRINT_CHART_WIDTH if for_print else None
    )
    title = note_title() if short else report_title(rnd)
    ctx.update({"body": "routines/_report_body.html", "title": title}, **cover.for_report(ctx, title=title))
    return ctx


def filename(kind: str, *, meeting=None, rnd=None) -> str:
    if kind == Document.Kind.PACK:
        return f"stocktake-pack-{meeting.date:%Y-%m-%d}.pdf"
    if kind == Document.Kind.REPORT:
        return f"delivery-report-{rnd.name.lower().replace(' ', '-')}.pdf"
    return "monthly-note.pdf"


def build_pdf(
    kind: str, *, user, meeting=None, rnd=None, paper: str = "a4", request=None, progress: R.Progress | None = None
) -> tuple[bytes, int, str, str]:
    """(PDF, pages, title, file name) of one document; `progress` hears (step, steps, stage)."""
    if progress:
        progress(0, 0, "data")
    if kind == Document.Kind.PACK:
        ctx = pack_context(meeting, user, for_print=True)
    else:
        rnd = rnd or latest_round()
        ctx = report_context(rnd, user, short=kind == Document.Kind.NOTE, for_print=True)
    body, pages = R.render_pdf("routines/print.html", ctx, paper_name=paper, request=request, progress=progress)
    return body, pages, ctx["title"], filename(kind, meeting=meeting, rnd=rnd)
