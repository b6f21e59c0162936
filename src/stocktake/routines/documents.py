"""The printed documents (meeting pack, delivery report, monthly note): their context and their PDF.

One place builds each, for a user (whose view of the portfolio it shows) rather than a request,
so the synchronous download, the background job (routines.tasks) and the API give the same PDF.
"""

from __future__ import annotations

from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from . import access, cover, frozen, pack, reports
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


def as_of_context(moment, issued) -> dict:
    """What the page and the PDF say about the moment its data stands for (routines.frozen), and the link to the
    other view."""
    return {"as_of_label": frozen.label(moment, issued), "issued_at": issued, "frozen": moment is not None}


def pack_context(meeting: Meeting, user, *, for_print: bool = False, as_of: str | None = None) -> dict:
    """The pack as `user` may read it: only their priorities; minutes and decisions only to readers of all.
    As issued (routines.frozen.pack_moment; live before it is issued), or at the moment `as_of` names."""
    issued = frozen.pack_moment(meeting)
    moment = frozen.parse_as_of(as_of, issued)
    scope = access.priorities(user)
    ctx = pack.build(meeting, chart_width=R.PRINT_CHART_WIDTH if for_print else None, scope=scope, as_of=moment)
    ctx.update(as_of_context(moment, issued))
    ids = set(scope.values_list("pk", flat=True))
    whole = all(p.pk in ids for p in meeting.priorities.all())
    if not whole:
        ctx["decisions"] = []
    title = _("%(title)s (%(as_of)s)") % {"title": pack_title(meeting), "as_of": ctx["as_of_label"]}
    ctx.update(
        {"whole_agenda": whole, "body": "routines/_pack_body.html", "title": title},
        **cover.for_pack(ctx),
    )
    return ctx


def report_moment(rnd: AssessmentRound | None, as_of: str | None):
    """(round, moment, issued) of a round's report as issued (its last closing; live while open), or of the
    monthly note (rnd None: live unless `as_of` asks for a moment, then the latest round that existed then)."""
    if rnd is not None:
        issued = frozen.report_moment(rnd)
        moment = frozen.parse_as_of(as_of, issued)
        if moment in frozen.report_issues(rnd):  # an earlier issue of a round reopened since
            issued = moment
        return rnd, moment, issued
    moment = frozen.parse_as_of(as_of, None)
    return frozen.rounds_by(moment).order_by("-date", "-id").first(), moment, None


def report_context(
    rnd: AssessmentRound | None, user, *, short: bool, for_print: bool = False, as_of: str | None = None
) -> dict | None:
    """The delivery report of `rnd` (or, short, the monthly note of the latest round) as issued or at `as_of`;
    None when there is no round to report on."""
    rnd, moment, issued = report_moment(None if short and rnd is None else rnd, as_of)
    if rnd is None:
        return None
    ctx = reports.delivery_report(
        rnd,
        access.priorities(user),
        short=short,
        chart_width=R.PRINT_CHART_WIDTH if for_print else None,
        as_of=moment,
    )
    ctx.update(as_of_context(moment, issued))
    month = timezone.localdate(moment) if moment else None
    name = note_title(month) if short else report_title(rnd)
    title = _("%(title)s (%(as_of)s)") % {"title": name, "as_of": ctx["as_of_label"]}
    ctx.update({"body": "routines/_report_body.html", "title": title}, **cover.for_report(ctx, title=title))
    return ctx


def filename(kind: str, *, meeting=None, rnd=None) -> str:
    if kind == Document.Kind.PACK:
        return f"stocktake-pack-{meeting.date:%Y-%m-%d}.pdf"
    if kind == Document.Kind.REPORT:
        return f"delivery-report-{rnd.name.lower().replace(' ', '-')}.pdf"
    return "monthly-note.pdf"


def build_pdf(
    kind: str,
    *,
    user,
    meeting=None,
    rnd=None,
    paper: str = "a4",
    request=None,
    progress: R.Progress | None = None,
    as_of: str | None = None,
) -> tuple[bytes, int, str, str]:
    """(PDF, pages, title, file name) of one document; `progress` hears (step, steps, stage); `as_of` as the
    pages take it (nothing: as issued)."""
    if progress:
        progress(0, 0, "data")
    if kind == Document.Kind.PACK:
        ctx = pack_context(meeting, user, for_print=True, as_of=as_of)
    else:
        short = kind == Document.Kind.NOTE
        ctx = report_context(None if short else (rnd or latest_round()), user, short=short, for_print=True, as_of=as_of)
        if ctx is None:
            raise Http404(_("no assessment round yet"))
        rnd = ctx["round"]
    body, pages = R.render_pdf("routines/print.html", ctx, paper_name=paper, request=request, progress=progress)
    return body, pages, ctx["title"], filename(kind, meeting=meeting, rnd=rnd)
