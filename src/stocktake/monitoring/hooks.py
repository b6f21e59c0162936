"""Panels other capability apps add to the portfolio page, registered from their AppConfig.ready().

The portfolio belongs to monitoring, but the freshest data, late milestones,
the latest likelihood rating and routine health belong to apps above it.
They may not be imported from here (decision 3: imports run down the stack
only), so each app hands its hooks in, in its own `ready()`:

    hooks.register_panels(order, module)

where the module (usually the app's `panels.py`) may define

    portfolio_panel(request) -> dict | None
        a box above the priorities: {"template": "app/panel.html", ...context}
    priority_notes(request, priority_ids) -> dict[int, list[dict]]
        short badges under a priority: {"text": ..., "url": ..., "css": ...}; a badge with
        "slot": "likelihood" (and "rating" 1-4, "label", "round") fills the portfolio's likelihood column

so that no app edits another's view or template. `order` fixes the order of the boxes.
"""

from __future__ import annotations

_panel_modules: dict[str, tuple[int, object]] = {}


def register_panels(order: int, module) -> None:
    """Add a module's portfolio hooks; registering the same module again replaces it."""
    _panel_modules[module.__name__] = (order, module)


def _modules():
    return [module for _, module in sorted(_panel_modules.values(), key=lambda item: item[0])]


def portfolio_panels(request) -> list[dict]:
    panels = []
    for module in _modules():
        hook = getattr(module, "portfolio_panel", None)
        panel = hook(request) if hook else None
        if panel:
            panels.append(panel)
    return panels


def priority_notes(request, priority_ids) -> dict[int, list[dict]]:
    notes: dict[int, list[dict]] = {}
    for module in _modules():
        hook = getattr(module, "priority_notes", None)
        if hook:
            for pid, items in (hook(request, priority_ids) or {}).items():
                notes.setdefault(pid, []).extend(items)
    return notes


# Plan facts: what the delivery plans (plans app) lend to the routines app's packs and
# assessments. Plans and routines are siblings and may not import each other, so plans
# registers a module here in its ready() and routines asks for it; without plans, packs
# and assessments simply have no plan section. The module defines:
#     pack_pages(priorities, *, for_pdf, as_of) -> list[dict]    the pack's delivery-plan section
#     milestones_around(priority_ids, on, today, weeks, as_of) -> dict   late and coming milestones (as_of:
#                                                              each milestone as it stood at that moment)
#     milestone_counts(outcome, today) -> (late, due) | None      for the assessment proposal
_plan_facts = None


def register_plan_facts(module) -> None:
    global _plan_facts
    _plan_facts = module


def plan_facts():
    """The registered plan facts module, or None when the plans app is not installed."""
    return _plan_facts


# Evaluations (evidence of impact): the evaluations app registers a module here in its ready(), so the
# indicator page (monitoring) and the packs and reports (routines) show evaluations without importing the
# app; without it they simply have no evaluations section. The module defines:
#     indicator_section(request, indicator) -> dict | None   {"template": ..., ...context} on the indicator page
#     pack_entries(priorities, *, for_pdf) -> list[dict]      the pack's evidence-of-impact section
#     by_priority(priorities, *, for_pdf) -> dict[int, list]  the same per priority, for the delivery report
_evaluation_facts = None


def register_evaluation_facts(module) -> None:
    global _evaluation_facts
    _evaluation_facts = module


def evaluation_facts():
    """The registered evaluations module, or None when the evaluations app is not installed."""
    return _evaluation_facts


def indicator_sections(request, indicator) -> list[dict]:
    facts = evaluation_facts()
    section = facts.indicator_section(request, indicator) if facts else None
    return [section] if section else []


# Alert listeners: an app above monitoring (problems) is told of each alert raised, inside the transaction
# that raised it, so an alert rule can open a problem. A listener must not raise (it logs its own failures).
_alert_listeners: dict[str, object] = {}


def register_alert_listener(listener) -> None:
    _alert_listeners[f"{listener.__module__}.{listener.__qualname__}"] = listener


def alert_raised(alert) -> None:
    for listener in list(_alert_listeners.values()):
        listener(alert)


# Pack and report sections: apps above routines (problems) add a section to the stocktake pack and a block to
# each priority's page of the delivery report, without routines importing them. The module defines:
#     pack_section(priorities, *, for_pdf, as_of) -> dict | None    {"key", "title", "template", ...context}
#     report_blocks(priorities, *, for_pdf, as_of) -> dict[int, list[dict]]   per priority: {"template", ...}
# `as_of` is the moment a frozen pack or report stands for (None: live); a section shows its records as
# they stood then where their history is kept (accounts.audit.as_of).
_section_modules: dict[str, tuple[int, object]] = {}


def register_pack_sections(order: int, module) -> None:
    _section_modules[module.__name__] = (order, module)


def _section_providers():
    return [module for _, module in sorted(_section_modules.values(), key=lambda item: item[0])]


def pack_sections(priorities, *, for_pdf: bool, as_of=None) -> list[dict]:
    out = []
    for module in _section_providers():
        section = module.pack_section(priorities, for_pdf=for_pdf, as_of=as_of)
        if section:
            out.append(section)
    return out


def report_blocks(priorities, *, for_pdf: bool, as_of=None) -> dict[int, list[dict]]:
    blocks: dict[int, list[dict]] = {}
    for module in _section_providers():
        for pid, items in (module.report_blocks(priorities, for_pdf=for_pdf, as_of=as_of) or {}).items():
            blocks.setdefault(pid, []).extend(items)
    return blocks


# Verification history: collection (above monitoring) keeps each decision on a value's version (validated,
# returned, published, with its time); monitoring.asof rebuilds a frozen pack's figures from it. Collection
# registers a function in its ready():
#     history(value_ids, moment) -> {(value id, version): state}   the last decision on each version by then
_review_history = None


def register_review_history(history) -> None:
    global _review_history
    _review_history = history


def review_history():
    """The registered verification history, or None when the collection app is not installed."""
    return _review_history
