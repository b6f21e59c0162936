"""A tree as pages and PDFs show it: the diagram, the MECE warnings and the issue analysis table.

The table is seed 001's: issue, hypothesis, analysis, end product, sources,
timing and responsibility, one row per hypothesis in tree order (depth-first),
indented by depth.
"""

from __future__ import annotations

from . import diagram, mece


def ordered(hypotheses) -> list:
    children: dict = {}
    for h in hypotheses:
        children.setdefault(h.parent_id, []).append(h)
    out = []

    def walk(parent_id, depth):
        for h in children.get(parent_id, []):
            h.depth = depth
            out.append(h)
            walk(h.pk, depth + 1)

    walk(None, 1)
    return out


def view(tree) -> dict:
    hypotheses = list(tree.hypotheses.select_related("owner", "evidence_indicator", "parent"))
    return {
        "tree": tree,
        "svg": diagram.svg(tree, hypotheses),
        "warnings": mece.check(tree),
        "rows": ordered(hypotheses),
    }
