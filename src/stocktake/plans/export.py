"""The whole plan as an Excel workbook: one sheet per part, for people who plan in spreadsheets."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from stocktake.delivery import rubric as RU
from stocktake.delivery.cells import safe_workbook

from . import queries
from .models import Risk


def _clean(v):
    # control characters typed or pasted into a plan cannot go into a worksheet; drop them, keep the rest
    return ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v


def _sheet(wb, title, header, rows):
    ws = wb.create_sheet(title)
    ws.append([_clean(h) for h in header])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([_clean(v) for v in row])
    ws.freeze_panes = "A2"
    for i, _heading in enumerate(header, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = 18 if i > 1 else 40
    return ws


def plan_workbook(priority, internal: bool = True) -> bytes:
    """The plan as a workbook; without `internal` (plans.access.can_read_internal) no risks, rubric or chains."""
    strategies = queries.strategies(priority, include_withdrawn=True)
    active = [s for s in strategies if s.active]
    rank_of = {c.key: r for r, c in queries.value_ranking(active)}
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(
        wb,
        _("Strategies"),
        [
            _("Strategy"),
            _("Leader"),
            _("Description"),
            _("Rationale"),
            _("Scale"),
            _("Resources"),
            _("Cost"),
            _("Definition of success"),
            _("Impact (1-5)"),
            _("Difficulty (1-5)"),
            _("Rank by impact per cost"),
            _("Withdrawn"),
        ],
        [
            [
                s.name,
                str(s.leader or ""),
                s.description,
                s.rationale,
                s.scale,
                s.resources,
                float(s.cost) if s.cost is not None else None,
                s.definition_of_success,
                s.impact_score,
                s.difficulty_score,
                rank_of.get(s.pk),
                s.withdrawn_at.date() if s.withdrawn_at else None,
            ]
            for s in strategies
        ],
    )
    _sheet(
        wb,
        _("Estimates of impact"),
        [
            _("Strategy"),
            _("Indicator"),
            _("Start"),
            _("Full effect"),
            _("Ramp"),
            _("Periods to full effect"),
            _("End"),
            _("Evidence"),
        ],
        [
            [s.name, i.indicator.code, i.start_date, i.effect, i.ramp, i.ramp_periods, i.end_date, i.note]
            for s in strategies
            for i in s.impacts.all()
        ],
    )
    _sheet(
        wb,
        _("Milestones"),
        [_("Milestone"), _("Strategy"), _("Owner"), _("Due"), _("Status"), _("Completed"), _("Late"), _("Evidence")],
        [
            [
                m.name,
                m.strategy.name,
                str(m.owner or ""),
                m.due_date,
                m.standing_label(),  # the one status (Milestone.standing): "Late", never "On track" and late
                m.completed_on,
                _("late") if m.is_late() else "",
                m.evidence,
            ]
            for m in queries.milestones_for(priority)
        ],
    )
    _sheet(
        wb,
        _("Risks"),
        [
            _("Risk"),
            pgettext("of a risk", "Likelihood"),
            _("Impact"),
            _("Score"),
            _("Owner"),
            _("Mitigation"),
            _("Review"),
            _("Status"),
        ],
        [
            [
                r.title,
                r.likelihood,
                r.impact,
                r.score,
                str(r.owner or ""),
                r.mitigation,
                r.review_date,
                r.get_status_display(),
            ]
            for r in (Risk.objects.filter(priority=priority).select_related("owner") if internal else [])
        ],
    )
    for ci in queries.composed_for_priority(priority):
        c = ci.composed
        ws = _sheet(
            wb,
            (_("Trajectory %(code)s") % {"code": ci.indicator.code})[:31],
            [_("Period"), _("End"), _("Baseline"), *c.names, _("Composed")],
            [[r.period.code, r.period.end, r.base, *r.parts, r.total] for r in c.rows],
        )
        ws.append([])
        ws.append([_clean(ci.sentence)])
    ratings = queries.current_ratings(priority) if internal else {}
    pre = RU.precheck(queries.plan_facts(priority, active))
    rating_names = RU.rating_names()
    _sheet(
        wb,
        _("Rubric"),
        [_("Criterion"), _("Rating"), _("Note"), _("Pre-check"), _("Findings")],
        [
            [
                n,
                rating_names.get(ratings[c].rating, "") if c in ratings else "",
                ratings[c].note if c in ratings else "",
                RU.level_name(pre.worst(c)),
                " ".join(f.message for f in pre.for_criterion(c)),
            ]
            for c, n, _q in RU.criteria()
        ],
    )
    for chain in priority.delivery_chains.all() if internal else []:
        view = queries.chain_view(chain)
        ws = _sheet(
            wb,
            (_("Chain %(n)s") % {"n": chain.pk})[:31],
            [
                pgettext("link of a delivery chain", "From"),
                pgettext("link of a delivery chain", "To"),
                _("Kind"),
                _("Strength (1-4)"),
            ],
            [[lk.source.name, lk.target.name, lk.kind, lk.strength] for lk in view.links],
        )
        ws.insert_rows(1)
        ws["A1"] = _clean(chain.name)
        ws["A1"].font = Font(bold=True)
    out = BytesIO()
    safe_workbook(wb).save(out)
    return out.getvalue()
