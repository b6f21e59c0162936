"""Panels other capability apps add to the portfolio page.

The portfolio belongs to monitoring, but the freshest data, late milestones,
the latest likelihood rating and routine health belong to other apps. Each
app may define, in its own `panels.py`:

    portfolio_panel(request) -> dict | None
        a box above the priorities: {"template": "app/panel.html", ...context}
    priority_notes(request, priority_ids) -> dict[int, list[dict]]
        short badges under a priority: {"text": ..., "url": ..., "css": ...}
    indicator_section(request, indicator) -> dict | None
        a section on the indicator page: {"template": "app/section.html", ...context}

so that no app edits another's view or template.
"""

from __future__ import annotations

from importlib import import_module

PANEL_APPS = ["collection", "monitoring", "plans", "routines", "incentives", "evaluations"]


def _modules():
    for app in PANEL_APPS:
        try:
            yield import_module(f"stocktake.{app}.panels")
        except ModuleNotFoundError as exc:
            if exc.name != f"stocktake.{app}.panels":
                raise


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


def indicator_sections(request, indicator) -> list[dict]:
    sections = []
    for module in _modules():
        hook = getattr(module, "indicator_section", None)
        section = hook(request, indicator) if hook else None
        if section:
            sections.append(section)
    return sections
