"""Pages for data leads (upload, templates, history) and for validators (the verification queue)."""

from __future__ import annotations

import csv
import io
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_POST

from stocktake import errors
from stocktake.accounts import permissions
from stocktake.architecture import access as architecture_access
from stocktake.architecture.models import Indicator, OrgUnit
from stocktake.monitoring.models import DataValue
from stocktake.params import id_param

from . import actions, freshness, importer, progress, selection
from . import verification as V
from .models import ColumnMapping, Dhis2Mapping, ImportBatch


def can_import(user) -> bool:
    return permissions.can_manage(user) or permissions.role(user) == "data_lead"


def _require(ok: bool):
    if not ok:
        raise PermissionDenied


def _batches_for(user):
    qs = ImportBatch.objects.select_related("user", "mapping")
    return qs if permissions.can_read_all(user) else qs.filter(user=user)


@login_required
def home(request):
    _require(can_import(request.user) or permissions.can_read_all(request.user))
    return render(
        request,
        "collection/home.html",
        {
            "batches": _batches_for(request.user)[:25],
            "can_import": can_import(request.user),
            "can_validate": permissions.can_validate(request.user),
            "pending": DataValue.objects.filter(state=V.S.SUBMITTED).count()
            if permissions.can_validate(request.user)
            else None,
        },
    )


def _allowed_indicators(user):
    return [
        i
        for i in Indicator.objects.select_related("outcome__priority").order_by("code")
        if permissions.can_submit(user, i)
    ]


@login_required
def upload(request):
    _require(can_import(request.user))
    if request.method == "POST":
        f = request.FILES.get("file")
        if f is None:
            return render(
                request,
                "collection/upload.html",
                _upload_context(request, error=_("Choose a file to import.")),
                status=400,
            )
        mapping = None
        if (mapping_id := id_param(request, "mapping", source="POST")) is not None:
            mapping = ColumnMapping.objects.filter(pk=mapping_id).first()
            if mapping is None:
                error = _("mapping: there is no column mapping %(id)s") % {"id": mapping_id}
                return render(request, "collection/upload.html", _upload_context(request, error=error), status=400)
        fmt = request.POST.get("format") or None
        if fmt and fmt not in importer.FORMATS:
            return render(
                request,
                "collection/upload.html",
                _upload_context(request, error=_("Unknown format %(format)s.") % {"format": fmt}),
                status=400,
            )
        opts = dict(
            file_name=f.name,
            fmt=fmt,
            mapping=mapping,
            user=request.user,
            interface="web",
            dry_run=bool(request.POST.get("dry_run")),
            strict=bool(request.POST.get("strict")),
        )
        if f.size <= settings.STOCKTAKE_IMPORT_INLINE_BYTES:
            batch = importer.run_import(f, **opts)
        else:  # the worker imports it; the batch page shows its progress from the database
            batch = actions.queue_import(f, **opts)
        return redirect("collection:batch", pk=batch.pk)
    return render(request, "collection/upload.html", _upload_context(request))


def _upload_context(request, error=""):
    return {
        "mappings": ColumnMapping.objects.all(),
        "formats": importer.FORMATS,
        "error": error,
        "indicators": _allowed_indicators(request.user),
    }


@login_required
def batch_page(request, pk):
    batch = get_object_or_404(_batches_for(request.user), pk=pk)
    if batch.status == ImportBatch.Status.RUNNING and actions.fail_abandoned_imports():
        batch.refresh_from_db()
    progress.read(batch)
    template = "collection/_batch.html" if request.htmx else "collection/batch.html"
    return render(request, template, {"batch": batch})


@login_required
def template_download(request, fmt):
    """A file in our long format, pre-filled with the codes this user may report on for the period now due."""
    _require(can_import(request.user))
    if fmt not in ("csv", "xlsx"):
        raise Http404
    today = timezone.localdate()
    rows = [["indicator", "org_unit", "period", "disaggregation", "value", "numerator", "denominator", "comment"]]
    for ind in _allowed_indicators(request.user):
        due = freshness.due_period(ind.frequency, today)
        for code in OrgUnit.objects.filter(depth=ind.report_depth).values_list("code", flat=True):
            rows.append([ind.code, code, due.code, "", "", "", "", ""])
    if fmt == "xlsx":
        import openpyxl

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "data"
        for r in rows:
            ws.append(r)
        guide = wb.create_sheet(_("indicators"))
        guide.append(
            [_("code"), _("name"), _("unit"), _("frequency"), _("aggregation"), _("fill in"), _("min"), _("max")]
        )
        for ind in _allowed_indicators(request.user):
            guide.append(
                [
                    ind.code,
                    ind.name,
                    ind.unit,
                    ind.get_frequency_display(),
                    ind.aggregation,
                    _("numerator and denominator") if ind.aggregation == "ratio" else _("value"),
                    ind.min_value,
                    ind.max_value,
                ]
            )
        buf = io.BytesIO()
        wb.save(buf)
        resp = HttpResponse(
            buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        buf = io.StringIO()
        csv.writer(buf).writerows(rows)
        resp = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="stocktake-template.{fmt}"'
    return resp


# -- verification -------------------------------------------------------------------


@login_required
def queue(request):
    """Submitted values grouped by indicator and period, oldest first, with their quality flags."""
    _require(permissions.can_validate(request.user))
    from django.db.models import Count, Min

    groups = (
        DataValue.objects.filter(state__in=[V.S.SUBMITTED, V.S.VALIDATED, V.S.RETURNED])
        .values("indicator__code", "indicator__name", "period__code", "period__start", "state")
        .annotate(n=Count("id"), first=Min("updated_at"))
        .order_by("period__start", "indicator__code", "state")
    )
    groups = list(groups)
    # what each group's button decides: its values at the versions shown now, not whatever is there later
    seen: dict[tuple, list[str]] = {}
    for code, period, state, pk, version in (
        DataValue.objects.filter(state__in=[V.S.SUBMITTED, V.S.VALIDATED])
        .values_list("indicator__code", "period__code", "state", "pk", "version")
        .order_by("pk")
    ):
        seen.setdefault((code, period, state), []).append(f"{pk}:{version}")
    for g in groups:
        g["seen"] = " ".join(seen.get((g["indicator__code"], g["period__code"], g["state"]), []))
    returned = (
        DataValue.objects.filter(state=V.S.RETURNED)
        .select_related("indicator", "org_unit", "period")
        .order_by("-updated_at")[:50]
    )
    return render(request, "collection/queue.html", {"groups": groups, "returned": returned, **_filter_choices()})


@login_required
def queue_group(request, code, period):
    _require(permissions.can_validate(request.user))
    values = (
        DataValue.objects.filter(indicator__code=code, period__code=period)
        .select_related("indicator", "org_unit", "period")
        .order_by("org_unit__code")
    )
    if not values.exists():
        raise Http404
    return render(
        request,
        "collection/queue_group.html",
        {"values": values, "code": code, "period": period, "indicator": values[0].indicator},
    )


def _seen_field(values) -> str:
    """The versions a page shows, for its decision form: "id:version id:version ..."."""
    return " ".join(f"{dv.pk}:{dv.version}" for dv in values)


def _parse_seen(text: str) -> dict[int, int]:
    seen = {}
    for part in text.split():
        pk, sep, version = part.partition(":")
        if not (sep and pk.isdigit() and version.isdigit()) or not 0 < int(pk) < 2**31:
            raise actions.ReviewError(
                _("the form's 'seen' field is damaged at '%(part)s'; reload the page") % {"part": part[:40]}
            )
        seen[int(pk)] = int(version)
    return seen


@login_required
@require_POST
def decide(request):
    """Validate, return or publish exactly the values the page showed, at the versions it showed them
    (the form's `seen`: "id:version ..."): one value or a whole group (indicator+period+state)."""
    _require(permissions.can_validate(request.user))
    decision = request.POST.get("decision")
    fns = {"validate": actions.validate, "publish": actions.publish, "return": actions.return_values}
    if decision not in fns:
        return HttpResponse(_("unknown decision"), status=400)
    value_id = id_param(request, "value", source="POST")  # one value's form: a bad id is a 400 naming the field
    if value_id is not None and not DataValue.objects.filter(pk=value_id).exists():
        raise Http404
    try:
        seen = _parse_seen(request.POST.get("seen", ""))
        if not seen:
            raise actions.ReviewError(_("the form did not say which versions you saw; reload the page"))
        kw = {"reason": request.POST.get("reason", "")} if decision == "return" else {}
        n = fns[decision](seen, user=request.user, **kw)
    except actions.ValuesMissing:
        raise Http404 from None
    except actions.ReviewError as exc:
        status = 409 if isinstance(exc, actions.VersionMoved) else 403 if isinstance(exc, actions.OwnValues) else 400
        if not request.htmx:
            return render(request, "collection/refused.html", {"message": str(exc)}, status=status)
        if request.POST.get("row"):
            refusal = format_html(_REFUSED, str(exc))
            return _decided_row(request, request.POST.get("state", ""), 0, refusal, "refused", status)
        return HttpResponse(format_html(_REFUSED, str(exc)), status=status)
    done = {"validate": _("validated"), "publish": pgettext("values decided", "published"), "return": _("returned")}[
        decision
    ]
    msg = format_html(
        '<p class="ok" role="status">{}</p>',
        ngettext("%(n)s value %(done)s.", "%(n)s values %(done)s.", n) % {"n": n, "done": done},
    )
    if request.htmx and request.POST.get("row"):
        return _decided_row(request, _NEW_STATE[decision], n, msg, "done")
    if request.htmx:
        return HttpResponse(msg)
    return redirect(request.POST.get("next") or "collection:queue")


def _filter_choices() -> dict:
    """What the queue's "decide by filter" form offers: indicators and organisations with values waiting."""
    from stocktake.accounts.models import Organisation

    waiting = DataValue.objects.filter(state__in=[V.S.SUBMITTED, V.S.VALIDATED])
    return {
        "filter_indicators": Indicator.objects.filter(pk__in=waiting.values("indicator")).order_by("code"),
        "filter_organisations": Organisation.objects.order_by("name"),
        "filter_periods": sorted(set(waiting.values_list("period__code", flat=True)), reverse=True)[:60],
    }


@login_required
def queue_matching(request):
    """Decide everything matching a filter: GET counts and asks to confirm ("N values will be validated");
    POST decides exactly what was counted (the token), or nothing if the values changed since."""
    _require(permissions.can_validate(request.user))
    if request.method == "POST":
        try:
            n = actions.decide_matching(
                request.POST.get("token", ""), user=request.user, reason=request.POST.get("reason", "")
            )
        except actions.ReviewError as exc:
            status = 409 if isinstance(exc, actions.SelectionMoved | actions.VersionMoved) else 400
            if isinstance(exc, actions.OwnValues):
                status = 403
            return render(request, "collection/refused.html", {"message": str(exc)}, status=status)
        messages.success(request, ngettext("%(n)s value decided.", "%(n)s values decided.", n) % {"n": n})
        return redirect("collection:queue")
    decision = request.GET.get("decision", "validate")
    value_filter = selection.ValueFilter(
        state=request.GET.get("state", ""),
        indicator=request.GET.get("indicator", "").strip(),
        period=request.GET.get("period", "").strip(),
        org_unit=request.GET.get("org_unit", "").strip(),
        organisation=request.GET.get("organisation", "").strip(),
    )
    try:
        qs = selection.for_decision(value_filter, decision)
    except selection.FilterError as exc:
        return render(request, "collection/refused.html", {"message": str(exc)}, status=400)
    seen = selection.seen_now(qs)
    own = (
        0
        if settings.STOCKTAKE_ALLOW_SELF_VERIFY or decision == "return"
        else len(actions.own_value_ids(seen, request.user))
    )
    return render(
        request,
        "collection/queue_matching.html",
        {
            "decision": decision,
            "count": len(seen),
            "will_be": selection.will_be(len(seen), decision),
            "token": selection.seal(value_filter, decision, seen, request.user),
            "filter": value_filter.as_dict(),
            "groups": selection.summary(qs),
            "own": own,
        },
    )


_REFUSED = '<p class="flag" role="alert">{}</p>'
_NEW_STATE = {"validate": V.S.VALIDATED, "publish": V.S.PUBLISHED, "return": V.S.RETURNED}


def _decided_row(request, state, n, message, outcome, status=200):
    """The queue row redrawn where the user clicked: its new state and the result (a refusal keeps the old state;
    the queue page tells htmx to swap 400 and 409 too, so the row always shows what happened)."""
    code, period = request.POST.get("indicator", ""), request.POST.get("period", "")
    name = Indicator.objects.filter(code=code).values_list("name", flat=True).first() or code
    ctx = {"code": code, "period": period, "name": name, "state": state, "n": n, "message": message}
    return render(request, "collection/_decided_row.html", {**ctx, "outcome": outcome}, status=status)


def value_page(request, pk):
    """Every version of one value and every decision about it."""
    dv = get_object_or_404(
        DataValue.objects.select_related("indicator__outcome__priority", "org_unit", "period"), pk=pk
    )
    priority = dv.indicator.outcome.priority
    if not permissions.can_read_priority(request.user, priority):
        raise Http404
    if (
        not (permissions.can_read_all(request.user) or permissions.owns_priority(request.user, priority))
        and dv.state != V.S.PUBLISHED
    ):
        raise Http404
    return render(
        request,
        "collection/value.html",
        {
            "dv": dv,
            "versions": dv.versions.select_related("by").order_by("-version"),
            "reviews": dv.reviews.select_related("by").order_by("-at"),
            "official": V.is_official(dv),
            "can_validate": permissions.can_validate(request.user),
        },
    )


def freshness_page(request):
    priorities = architecture_access.visible_priorities(request.user)
    indicators = Indicator.objects.filter(outcome__priority__in=priorities).select_related("outcome__priority")
    return render(
        request,
        "collection/freshness.html",
        {"rows": freshness.of(indicators, timezone.localdate()), "due_days": importer.DUE_DAYS},
    )


@login_required
def mappings(request):
    """The saved mappings, and a form to save one (name, description, its JSON), checked as the API checks it."""
    _require(can_import(request.user) or permissions.can_read_all(request.user))
    form = {"name": "", "description": "", "config": ""}
    problems: list[str] = []
    if request.method == "POST":
        _require(can_import(request.user))
        form = {k: request.POST.get(k, "").strip() for k in form}
        problems = _save_mapping(request, form)
        if not problems:
            messages.success(request, _("Column mapping %(name)s saved.") % {"name": form["name"]})
            return redirect("collection:mappings")
    elif (name := request.GET.get("edit")) and (m := ColumnMapping.objects.filter(name=name).first()):
        form = {"name": m.name, "description": m.description, "config": json.dumps(m.config, indent=2)}
    return render(
        request,
        "collection/mappings.html",
        {
            "columns": ColumnMapping.objects.all(),
            "dhis2": Dhis2Mapping.objects.all(),
            "form": form,
            "problems": problems,
            "can_save": can_import(request.user),
        },
        status=400 if problems else 200,
    )


def _save_mapping(request, form: dict) -> list[str]:
    """The problems with the form, each naming its field; none means the mapping was saved."""
    if not slugify(form["name"]) or slugify(form["name"]) != form["name"] or len(form["name"]) > 60:
        return [_("name: letters, digits and hyphens only (at most 60), e.g. nhs-ae-providers")]
    try:
        config = json.loads(form["config"])
    except json.JSONDecodeError as exc:
        return [_("config: not valid JSON (line %(line)s, column %(col)s: %(msg)s)") % {
            "line": exc.lineno, "col": exc.colno, "msg": exc.msg}]  # fmt: skip
    try:
        actions.save_column_mapping(
            name=form["name"], config=config, description=form["description"], user=request.user, interface="web"
        )
    except ValidationError as exc:
        return errors.lines(exc)
    return []
