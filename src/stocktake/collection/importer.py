"""The one import pipeline behind the CLI, the upload page, the API and DHIS2.

file -> shape (long format, DHIS2 JSON/CSV, or a saved column mapping)
     -> checks (delivery.importcolumns for a plain long CSV, else delivery.importrows)
     -> monitoring.actions.record_values (the checked columns at once, set-based;
     rows read one by one in chunks), all inside one transaction -> rollups
     refreshed from the cells that changed -> an ImportBatch with the report.

An import is atomic: a file that cannot be read stores nothing; rows that
fail their checks are reported and left out (or, with strict, the whole file
is refused); the accepted rows are stored together or not at all. An import
never ends "running" and never raises: an unexpected error rolls it back and
marks the batch failed naming the error (`batch.crashed` tells callers it was one).
"""

from __future__ import annotations

import io
import logging
import time
from datetime import date, timedelta

import polars as pl
from django.db import DatabaseError, connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from stocktake import retry
from stocktake.accounts import permissions
from stocktake.architecture import actions as architecture_actions
from stocktake.architecture.models import Indicator, OrgUnit, Period
from stocktake.delivery import importcolumns as C
from stocktake.delivery import importrows as R
from stocktake.delivery import quality as Q
from stocktake.delivery import sourcemaps as M
from stocktake.delivery import tabular as T
from stocktake.delivery.echo import shown
from stocktake.monitoring import actions as monitoring_actions
from stocktake.monitoring import bulk, staging
from stocktake.monitoring import rollups as monitoring_rollups
from stocktake.monitoring.models import DataValue

from . import actions
from .models import ColumnMapping, Dhis2Mapping, ImportBatch

FORMATS = ("csv", "xlsx", "dhis2-json", "dhis2-csv", "json-rows")
CHUNK = 5000
QUALITY_LIMIT = 50_000  # beyond this many rows the outlier check would cost more than the import
DUE_DAYS = 15  # data for a period is due this many days after it ends
HISTORY = 12  # the outlier and jump rules compare a value with its unit's last twelve periods
HISTORY_UNITS = 2000  # org units per query of the history those rules read (bound on query parameters)
MAX_JSON = 200 * 1024 * 1024
MAX_COLUMNS = 1024 * 1024 * 1024  # a long CSV up to this size is read and checked as columns (delivery.importcolumns)
log = logging.getLogger(__name__)
# what the outlier and jump rules read of each accepted row (quality)
QUALITY_COLUMNS = (
    "indicator_id",
    "org_unit_id",
    "period_id",
    "disaggregation",
    "value",
    "numerator",
    "denominator",
    "row",
)


class Refused(Exception):
    """Raised inside the transaction to undo it; the batch records why."""


def detect_format(file_name: str, head: bytes) -> str:
    name = file_name.lower()
    if name.endswith((".xlsx", ".xlsm")) or head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if name.endswith(".json") or head.lstrip()[:1] in (b"{", b"["):
        return "dhis2-json"
    first = head.split(b"\n", 1)[0].lower()
    if b"dataelement" in first and b"orgunit" in first:
        return "dhis2-csv"
    return "csv"


def catalogue(user, today: date, combine: bool = False) -> R.Catalogue:
    specs, allowed = {}, set()
    for ind in Indicator.objects.select_related("outcome__priority"):
        specs[ind.code] = R.IndicatorSpec(
            code=ind.code,
            frequency=ind.frequency,
            aggregation=ind.aggregation,
            report_depth=ind.report_depth,
            min_value=ind.min_value,
            max_value=ind.max_value,
            ratio_scale=ind.ratio_scale,
            unit=ind.unit,
        )
        if permissions.can_submit(user, ind):
            allowed.add(ind.code)
    units = dict(OrgUnit.objects.values_list("code", "depth"))
    return R.Catalogue(
        indicators=specs,
        org_units=units,
        today=today,
        allowed=None if permissions.can_manage(user) else allowed,
        combine_duplicates=combine,
    )


def dhis2_lookup() -> M.Dhis2Lookup:
    des, ous, cocs = {}, {}, {}
    for m in Dhis2Mapping.objects.all():
        if m.kind == Dhis2Mapping.Kind.DATA_ELEMENT:
            des[m.dhis2_id] = (m.code, m.field)
        elif m.kind == Dhis2Mapping.Kind.ORG_UNIT:
            ous[m.dhis2_id] = m.code
        else:
            cocs[m.dhis2_id] = m.code
    return M.Dhis2Lookup(des, ous, cocs)


def _records(stream, fmt: str, mapping: ColumnMapping | None, notes: list | None = None):
    config = mapping.config if mapping else {}
    if fmt == "dhis2-json":
        data = stream.read(MAX_JSON + 1)
        if len(data) > MAX_JSON:
            raise T.FileError(_("the JSON payload is larger than 200 MB; split it by period"))
        return M.dhis2_json(data, dhis2_lookup())
    if fmt == "json-rows":
        data = stream.read(MAX_JSON + 1)
        if len(data) > MAX_JSON:
            raise T.FileError(_("the JSON payload is larger than 200 MB; split it by period"))
        payload = M.load_json(data)
        items = payload.get("rows") if isinstance(payload, dict) else payload
        if not isinstance(items, list):
            raise T.FileError(_("send a JSON list of rows, or an object with a 'rows' list"))
        if not items:
            raise T.FileError(_("the list of rows is empty: there is no data to import"))
        return (
            (i, r if isinstance(r, dict) else M.ShapeError(_("each row must be an object")))
            for i, r in enumerate(items, start=1)
        )
    unnamed = "ignore" if mapping and config.get("unnamed_columns") == "ignore" else "refuse"
    if fmt == "xlsx":
        header, rows = T.read_xlsx(stream, sheet=config.get("sheet"), unnamed=unnamed, notes=notes)
    else:
        header, rows = T.read_csv(
            stream, encoding=config.get("encoding"), delimiter=config.get("delimiter"), notes=notes, unnamed=unnamed
        )
    if fmt == "dhis2-csv":
        return M.dhis2_csv(header, rows, dhis2_lookup())
    if mapping:
        return M.mapped_records(header, rows, config, R.parse_number, notes=notes)
    return M.long_records(header, rows)


def _shape_error(n: int, exc: Exception) -> R.RowError:
    text = str(exc)
    if getattr(exc, "column", ""):
        return R.RowError(n, exc.column, text)
    head, sep, rest = text.partition(": ")
    if sep and head in R.COLUMNS + ("dataElement", "orgUnit", "categoryOptionCombo"):
        return R.RowError(n, head, rest)
    return R.RowError(n, "", text)


class _Run:
    """State of one import while it runs."""

    def __init__(self, batch: ImportBatch, user, cat: R.Catalogue, create: dict | None, dry_run: bool, progress):
        self.batch, self.user, self.cat, self.create, self.dry_run = batch, user, cat, create, dry_run
        self.progress = progress
        self.report = R.ErrorReport()
        self.rows_read = 0  # rows of the file (a mapped row may make several records, or none)
        self.last_row: int | None = None
        self.records = 0
        self.skipped: dict[str, int] = {}
        self.rows_skipped = 0
        self.accepted = 0
        self.buffer: list[R.Row] = []
        self.counts = {"created": 0, "changed": 0, "unchanged": 0}
        self.warnings: list[dict] = []
        self.touched: set[tuple[str, str]] = set()
        self.touched_ids: set[tuple[int, int]] = set()
        self.units_created = 0
        self.ind_ids = dict(Indicator.objects.values_list("code", "pk"))
        self.unit_ids: dict[str, int] = {}
        self.period_ids: dict[str, int] = {}
        self.quality_left = QUALITY_LIMIT
        self.quality_rows: list[dict] = []  # the rows the outlier and jump rules look at, checked once at the end

    # -- org units met for the first time -----------------------------------
    def ensure_unit(self, rec: dict) -> None:
        code = rec.get("org_unit") or ""
        if not self.create or not code or code in self.cat.org_units or not R._storable(code):
            return
        self.ensure_parents()
        if code in self.cat.org_units:  # the file's one unit was among those made for it
            return
        parent_code = self.create.get("parent")
        parent_depth = self.cat.org_units.get(parent_code)
        if parent_depth is None:
            raise T.FileError(
                _("the mapping creates units under '%(parent)s', which does not exist") % {"parent": parent_code}
            )
        group = rec.get("_group")
        if group:
            gcode = f"{parent_code}-{slugify(R.clean(group))[:40].upper()}"
            if gcode not in self.cat.org_units:
                self._new_unit(gcode, group, parent_code, parent_depth + 1)
            parent_code, parent_depth = gcode, parent_depth + 1
        self._new_unit(code, rec.get("_name") or code, parent_code, parent_depth + 1)

    def ensure_parents(self) -> None:
        """The units a mapping's new units go under, made once if missing: create_org_units' "create" list,
        each {"code", "name", "under"}, top first (so a real file's trusts can sit at the depth their
        indicator is reported at without anyone preparing the tree by hand)."""
        for item in self.create.get("create") or []:
            code, under = str(item.get("code") or ""), str(item.get("under") or "")
            if not code or code in self.cat.org_units:
                continue
            depth = self.cat.org_units.get(under)
            if depth is None:
                raise T.FileError(
                    _("create_org_units: '%(code)s' goes under '%(under)s', which does not exist")
                    % {"code": shown(code, 40), "under": shown(under, 40)}
                )
            self._new_unit(code, str(item.get("name") or code), under, depth + 1)

    def _new_unit(self, code, name, parent_code, depth):
        if not self.dry_run:
            parent = OrgUnit.objects.get(code=parent_code)
            unit = actions.create_org_unit(code=code, name=R.clean(name), parent=parent, user=self.user)
            self.unit_ids[code] = unit.pk
        self.cat.org_units[code] = depth
        self.units_created += 1

    # -- the rows ---------------------------------------------------------------
    def checked(self, records):
        for n, rec in records:
            if n != self.last_row:  # a row's records come together, so a new number is a new file row
                self.last_row = n
                self.rows_read += 1
                if self.progress and self.rows_read % 1000 == 0:
                    self.progress(self.rows_read)
            if isinstance(rec, M.Skipped):
                self.rows_skipped += 1
                if len(self.skipped) < 50 or rec.reason in self.skipped:
                    self.skipped[rec.reason] = self.skipped.get(rec.reason, 0) + 1
                continue
            self.records += 1
            if isinstance(rec, Exception):
                self.report.add([_shape_error(n, rec)])
                continue
            self.ensure_unit(rec)
            yield n, rec

    def run(self, records) -> None:
        for result in R.check_rows(self.checked(records), self.cat):
            if isinstance(result, list):
                self.report.add(result)
                continue
            self.accepted += 1
            self.touched.add((result.indicator, result.period.code))
            if not self.dry_run:
                self.buffer.append(result)
                if len(self.buffer) >= CHUNK:
                    self.flush()
        if not self.dry_run:
            self.flush()

    def run_columns(self, checked: C.Checked) -> None:
        """The same as run, for a file checked as columns: its errors in row order, then its accepted rows."""
        self.rows_read = self.records = checked.accepted.height + len(checked.errors)
        for errors in checked.errors:
            self.report.add(errors)
        self.accepted = checked.accepted.height
        self.touched.update(checked.accepted.select("indicator", "period").unique().iter_rows())
        if not self.dry_run and self.accepted:
            frame = self._with_ids(checked)
            self.quality_rows = frame.head(QUALITY_LIMIT).select(QUALITY_COLUMNS).rename({"row": "_row"}).to_dicts()
            self.quality_left = 0
            counts = monitoring_actions.record_values(
                frame.select(staging.LOADED[:-1]),
                user=self.user,
                interface=self.batch.interface,
                source=self.batch.source_label,
                touched=self.touched_ids,
                refresh_rollups=False,
                progress=self.progress,  # the batch page's count climbs as the rows are stored
            )
            for k in self.counts:
                self.counts[k] += counts[k]
        if self.progress:
            self.progress(self.rows_read)

    def _with_ids(self, checked: C.Checked) -> pl.DataFrame:
        """The accepted frame with the stored ids of its codes (periods stored on first use), as columns."""
        for code, period in checked.periods.items():
            if code not in self.period_ids:
                self.period_ids[code] = architecture_actions.ensure_period(period).pk
        if len(self.unit_ids) < len(self.cat.org_units):
            self.unit_ids.update(OrgUnit.objects.values_list("code", "pk"))
        frame = checked.accepted
        ids = {"indicator": self.ind_ids, "org_unit": self.unit_ids, "period": self.period_ids}
        return frame.with_columns(
            pl.col(name).replace_strict(dict(found), return_dtype=pl.Int64).alias(f"{name}_id")
            for name, found in ids.items()
        )

    def _unit_id(self, code):
        if code not in self.unit_ids:
            self.unit_ids.update(OrgUnit.objects.filter(code=code).values_list("code", "pk"))
        return self.unit_ids[code]

    def flush(self) -> None:
        if not self.buffer:
            return
        missing = {r.org_unit for r in self.buffer} - set(self.unit_ids)
        if missing:
            missing = list(missing)
            for i in range(0, len(missing), 2000):
                self.unit_ids.update(OrgUnit.objects.filter(code__in=missing[i : i + 2000]).values_list("code", "pk"))
        rows = []
        for r in self.buffer:
            pid = self.period_ids.get(r.period.code)
            if pid is None:
                pid = self.period_ids[r.period.code] = architecture_actions.ensure_period(r.period).pk
            rows.append(
                {
                    "indicator_id": self.ind_ids[r.indicator],
                    "org_unit_id": self.unit_ids[r.org_unit],
                    "period_id": pid,
                    "disaggregation": r.disaggregation,
                    "value": r.value,
                    "numerator": r.numerator,
                    "denominator": r.denominator,
                    "comment": r.comment,
                    "_row": r.row,
                }
            )
        if self.quality_left > 0:
            self.quality_rows += rows[: self.quality_left]
            self.quality_left -= len(rows)
        counts = monitoring_actions.record_values(
            rows,
            user=self.user,
            interface=self.batch.interface,
            source=self.batch.source_label,
            touched=self.touched_ids,  # only which indicator x periods changed matters: refreshed at the end
            refresh_rollups=False,
        )
        for k in self.counts:
            self.counts[k] += counts[k]
        self.buffer = []

    def quality(self) -> None:
        """Outliers and jumps against each unit's own last HISTORY periods; warnings only.

        Run once, after the file's values are written, for the first QUALITY_LIMIT rows: one set-based
        read of the HISTORY periods before each period in the file, for the file's indicators and units
        (a few queries only when the units are many), so its cost follows the rows imported and not the
        years stored (docs/collection.md, Benchmark).
        """
        rows = [r for r in self.quality_rows if not r["disaggregation"]]
        if not rows:
            return
        codes = {pk: code for code, pk in self.ind_ids.items()}
        period_codes = {pk: code for code, pk in self.period_ids.items()}
        windows: dict[int, list[str]] = {}  # period id -> the HISTORY period codes before it, oldest first
        for pid in {r["period_id"] for r in rows}:
            period, back = R.P.parse(period_codes[pid]), []
            for _step in range(HISTORY):
                period = period.previous()
                back.append(period.code)
            windows[pid] = back[::-1]
        past_ids = dict(
            Period.objects.filter(code__in={c for w in windows.values() for c in w}).values_list("code", "pk")
        )
        history: dict[tuple[int, int, int], float | None] = {}
        if past_ids:
            inds = sorted({r["indicator_id"] for r in rows})
            units = sorted({r["org_unit_id"] for r in rows})
            pids = sorted(past_ids.values())
            for i in range(0, len(units), HISTORY_UNITS):
                qs = DataValue.objects.filter(
                    indicator_id__in=inds, org_unit_id__in=units[i : i + HISTORY_UNITS], period_id__in=pids
                ).filter(disaggregation="")
                for ind, unit, pid, v, n, d in qs.values_list(
                    "indicator_id", "org_unit_id", "period_id", "value", "numerator", "denominator"
                ).iterator(chunk_size=10_000):
                    history[(ind, unit, pid)] = self.cat.indicators[codes[ind]].value_of(v, n, d)
        with_history = {(ind, unit) for ind, unit, _ in history}  # a row without any makes no warning
        for r in rows:
            ind, unit = r["indicator_id"], r["org_unit_id"]
            if (ind, unit) not in with_history:
                continue
            keys = ((ind, unit, past_ids.get(code)) for code in windows[r["period_id"]])
            past = [history[k] for k in keys if k in history]
            spec = self.cat.indicators[codes[ind]]
            value = spec.value_of(r["value"], r["numerator"], r["denominator"])
            for w in Q.check_value(value, past):
                if len(self.warnings) >= 500:
                    return
                self.warnings.append({"row": r["_row"], "rule": w.rule, "indicator": spec.code, "message": w.message})

    def after(self, today: date) -> None:
        """Completeness and timeliness of each indicator-period the file touched."""
        units_at: dict[int, int] = {}  # units at each reporting level, counted once
        for code, pcode in sorted(self.touched)[:50]:
            ind = Indicator.objects.filter(code=code).first()
            period = Period.objects.filter(code=pcode).first()
            if ind is None:
                continue
            due = (period.end if period else R.P.parse(pcode).end) + timedelta(days=DUE_DAYS)
            late = Q.days_late(due, today, today)
            if late:
                self.warnings.append(
                    {
                        "row": None,
                        "rule": "timeliness",
                        "indicator": code,
                        "message": ngettext(
                            "%(code)s %(period)s was due %(due)s: %(n)s day late",
                            "%(code)s %(period)s was due %(due)s: %(n)s days late",
                            late,
                        )
                        % {"code": code, "period": pcode, "due": formats.date_format(due), "n": late},
                    }
                )
            if period is None:
                continue
            # counted in the database, and only the first missing units named: a national month is
            # twenty thousand units per indicator. Each unit's value is looked up by its full cell key (NOT
            # EXISTS): a list of the month's units (NOT IN) had SQLite read every value the indicator has.
            expected = OrgUnit.objects.filter(depth=ind.report_depth)
            if ind.report_depth not in units_at:
                units_at[ind.report_depth] = expected.count()
            total = units_at[ind.report_depth]
            # One total per unit and period: as many totals at the level as units there means none is
            # missing, told by one count instead of looking up every unit's cell (on PostgreSQL 0.1 s an
            # indicator for a national month, most of the import's completeness step).
            totals = DataValue.objects.filter(
                indicator=ind, period=period, disaggregation="", org_unit__depth=ind.report_depth
            )
            if totals.count() >= total:
                continue
            reported = DataValue.objects.filter(
                indicator=ind, period=period, disaggregation="", org_unit=OuterRef("pk")
            )
            absent = expected.exclude(Exists(reported))
            missing = list(absent.values_list("code", flat=True)[:11])
            if missing:
                share = (total - absent.count()) / total
                self.warnings.append(
                    {
                        "row": None,
                        "rule": "completeness",
                        "indicator": code,
                        "message": _("%(code)s %(period)s: %(share)s of units have reported; missing %(missing)s")
                        % {
                            "code": code,
                            "period": pcode,
                            "share": _("%(n)s%%") % {"n": formats.number_format(round(100 * share))},
                            "missing": ", ".join(missing[:10]) + (" …" if len(missing) > 10 else ""),
                        },
                    }
                )


def run_import(
    stream,
    *,
    file_name: str,
    fmt: str | None = None,
    mapping: ColumnMapping | None = None,
    user=None,
    interface: str = "web",
    dry_run: bool = False,
    strict: bool = False,
    progress=None,
    today: date | None = None,
    batch: ImportBatch | None = None,
) -> ImportBatch:
    """Import one file; always returns its ImportBatch (refused, or done with counts and errors), never raises.

    An unexpected error anywhere (a bug, a dropped upload, the database) is caught here: the
    transaction is rolled back, the batch is marked failed with the error's class and message, and
    `batch.crashed` is set so that a caller (the CLI) can tell a crash from a refused file.
    """
    started = time.monotonic()
    if batch is None:
        batch = ImportBatch(
            user=user if getattr(user, "is_authenticated", False) else None,
            interface=interface,
            file_name=R.clean(file_name)[:255],
            format=(fmt or "")[:12],
            mapping=mapping,
            dry_run=dry_run,
            strict=strict,
            runner=actions.runner_id(),
            started_at=timezone.now(),
        )
    batch.crashed = False
    try:
        _import(
            batch,
            stream,
            file_name=file_name,
            fmt=fmt,
            mapping=mapping,
            user=user,
            dry_run=dry_run,
            strict=strict,
            progress=progress,
            today=today,
        )
    except Exception as exc:  # the promise: a batch never stays running, a caller never sees a traceback
        _crashed(batch, exc)
    except BaseException as exc:  # interrupted (Ctrl-C, shutdown): record it, then let it stop the process
        _crashed(batch, exc, interrupted=True)
        raise
    batch.seconds = round(time.monotonic() - started, 3)
    _save(batch)
    return batch


def _crashed(batch: ImportBatch, exc: BaseException, interrupted: bool = False) -> None:
    error = f"{exc.__class__.__name__}: {shown(exc, 200)}" if str(exc) else exc.__class__.__name__
    batch.status = ImportBatch.Status.FAILED
    batch.crashed = True
    if interrupted:
        batch.message = _("The import was interrupted (%(error)s). Nothing was stored.") % {"error": error}
    else:
        batch.message = _(
            "The import stopped on an unexpected error (%(error)s). Nothing was stored; please report this error."
        ) % {"error": error}
    batch.message = R.clean(batch.message)
    # one line where operators look; the traceback only at DEBUG, so no user (nor the CLI) is shown one
    log.error("import #%s (%s) stopped: %s", batch.pk, R.clean(batch.file_name), R.clean(error))
    log.debug("import #%s traceback", batch.pk, exc_info=exc)
    batch.rows_accepted = 0
    batch.created = batch.changed = batch.unchanged = batch.units_created = 0
    batch.finished_at = timezone.now()
    if interrupted:
        _save(batch)


def _save(batch: ImportBatch) -> None:
    """Save the report; if the full report cannot be stored, store at least that the import ended."""
    try:
        with transaction.atomic():
            batch.save()
    except Exception as exc:
        error = f"{exc.__class__.__name__}: {shown(exc, 200)}"
        log.error("import #%s: its report could not be saved: %s", batch.pk, R.clean(error))
        if getattr(batch, "stored_with_data", False):
            return  # its status and counts went in with the values: only the lists of errors and warnings are missing
        batch.status = ImportBatch.Status.FAILED
        batch.crashed = True
        if batch.pk is None:
            return
        try:
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=ImportBatch.Status.FAILED,
                finished_at=timezone.now(),
                rows_accepted=0,
                message=R.clean(_("The import's report could not be saved (%(error)s).") % {"error": error}),
            )
        except Exception:  # the database itself is gone: the log line above is all that can be done
            log.debug("import #%s: the fallback save failed too", batch.pk, exc_info=True)


def _import(batch: ImportBatch, stream, *, file_name, fmt, mapping, user, dry_run, strict, progress, today) -> None:
    today = today or timezone.localdate()
    if isinstance(stream, (bytes, bytearray)):
        stream = io.BytesIO(stream)
    if batch.pk is None:
        batch.save()  # saved first, so a crash while reading the head still leaves a refused batch behind
    head = stream.read(4096)
    stream.seek(0)
    fmt = fmt or detect_format(file_name, head)
    batch.format = fmt[:12]
    config = mapping.config if mapping else {}
    create = config.get("create_org_units")
    if create and not permissions.can_manage(user):
        create = None  # only the delivery unit adds org units; others get 'unknown org unit' errors
    run = None
    notes: list[str] = []
    try:
        if fmt not in FORMATS:
            raise T.FileError(
                _("unknown format '%(format)s'; use one of %(formats)s")
                % {"format": shown(fmt, 20), "formats": ", ".join(FORMATS)}
            )
        if not (permissions.can_manage(user) or permissions.role(user) == "data_lead"):
            raise T.FileError(_("you may not import data: only data leads and the delivery unit submit values"))
        for attempt in range(retry.ATTEMPTS):
            # PostgreSQL may ask the import to start again (a deadlock, a new cell another writer created
            # at the same moment): the whole file is read and written again on what the other stored.
            cat = catalogue(user, today, combine=config.get("combine") == "sum")
            run = _Run(batch, user, cat, create, dry_run, progress)
            notes.clear()
            stream.seek(0)
            try:
                _write(run, batch, stream, fmt, mapping, notes, strict, dry_run)
                break
            except DatabaseError as exc:
                if connection.in_atomic_block or attempt == retry.ATTEMPTS - 1 or not retry.should_retry(exc):
                    raise
                retry.pause(attempt)
        batch.status = ImportBatch.Status.DONE
        if not dry_run:
            try:
                with transaction.atomic():
                    run.after(today)
            except Exception as exc:  # the values are stored; only the warnings about them are missing
                run.warnings.append(
                    {
                        "row": None,
                        "rule": "completeness",
                        "indicator": "",
                        "message": _("the completeness and timeliness checks failed (%(error)s)")
                        % {"error": f"{exc.__class__.__name__}: {shown(exc)}"},
                    }
                )
    except (T.FileError, Refused) as exc:
        batch.status = ImportBatch.Status.REFUSED
        text = str(exc).rstrip()
        batch.message = (
            text
            + ("" if text.endswith((".", "?", "!", ")")) else ".")
            + (" " + _("Nothing was stored.") if not dry_run else "")
        )
    if run is not None:
        batch.rows_read = run.rows_read
        batch.records = run.records
        batch.rows_skipped = run.rows_skipped
        batch.skipped = dict(sorted(run.skipped.items(), key=lambda kv: -kv[1]))
        batch.rows_accepted = 0 if (batch.status == ImportBatch.Status.REFUSED and not dry_run) else run.accepted
        batch.rows_rejected = run.report.rejected
        batch.error_count = run.report.total
        batch.errors = run.report.as_list()
        batch.error_summary = dict(sorted(run.report.by_reason.items(), key=lambda kv: -kv[1])[:30])
        batch.warnings = [{"row": None, "rule": _note_rule(note), "indicator": "", "message": note} for note in notes]
        batch.warnings += run.warnings
        batch.units_created = run.units_created if batch.status == ImportBatch.Status.DONE else 0
        if batch.status == ImportBatch.Status.DONE:
            batch.created, batch.changed, batch.unchanged = (run.counts[k] for k in ("created", "changed", "unchanged"))
    batch.message = R.clean(batch.message)
    batch.file_name = R.clean(batch.file_name)
    batch.warnings = [{**w, "message": R.clean(w["message"])} for w in batch.warnings]
    batch.finished_at = timezone.now()


def _note_rule(note: str) -> str:
    """What a reader's or mapping's note is about, for the report's list of warnings (its words are translated)."""
    return getattr(note, "rule", "encoding")


def _columns(stream, fmt, mapping, cat):
    """A plain long-format CSV as columns (delivery.importcolumns), or None: then it is read row by row."""
    if fmt != "csv" or mapping is not None or cat.combine_duplicates:
        return None
    data = stream.read(MAX_COLUMNS + 1)
    frame = C.read_long_csv(data) if len(data) <= MAX_COLUMNS else None
    if frame is None:
        stream.seek(0)
    return frame


def _write(run, batch, stream, fmt, mapping, notes, strict, dry_run) -> None:
    """One attempt at the import's transaction: every accepted row and the rollups, or nothing."""
    with bulk.large_write(), transaction.atomic():
        frame = _columns(stream, fmt, mapping, run.cat)
        if frame is not None:
            run.run_columns(C.check_frame(frame, run.cat))
        else:
            run.run(_records(stream, fmt, mapping, notes))
        if strict and run.report.total:
            raise Refused(
                ngettext(
                    "%(n)s row rejected; strict mode stores nothing",
                    "%(n)s rows rejected; strict mode stores nothing",
                    run.report.rejected,
                )
                % {"n": run.report.rejected}
            )
        run.quality()
        if run.touched_ids:
            # No ANALYZE of the whole values table here: record_values has analysed the partitions it wrote
            # into (monitoring.distribution.analyze_touched), the only ones the refresh reads.
            monitoring_rollups.refresh({i for i, _ in run.touched_ids}, {p for _, p in run.touched_ids})
        if not dry_run and run.accepted == 0 and run.rows_read and run.report.total:
            batch.message = _("no row was accepted")
        # The record's status and counts are written in the same transaction as the values, so it can
        # never report as failed or unfinished what was stored (say, when the report's own save after the
        # commit meets a busy database).
        c = run.counts
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.DONE,
            rows_read=run.rows_read,
            records=run.records,
            rows_skipped=run.rows_skipped,
            rows_accepted=run.accepted,
            rows_rejected=run.report.rejected,
            error_count=run.report.total,
            created=c["created"],
            changed=c["changed"],
            unchanged=c["unchanged"],
            units_created=run.units_created,
            message=R.clean(batch.message),
            finished_at=timezone.now(),
        )
        batch.stored_with_data = True
