"""The hypothesis tree drawn as a diagram: inline SVG, the same picture on the page and in the PDF.

Left to right, the issue at the root and each level of hypotheses in a
column; a node sits at the middle of its leaves, so the tree reads as the
seed's picture. Boxes are coloured by verdict (supported green, rejected
grey and struck through, open blue). Plain SVG, no script, so WeasyPrint
draws it as it is.
"""

from __future__ import annotations

import textwrap
from xml.sax.saxutils import escape

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

BOX_W, LINE_H, PAD, GAP_X, GAP_Y, WRAP = 210, 14, 8, 40, 12, 32
COLOURS = {
    "issue": ("#24292f", "#ffffff"),
    "open": ("#ddf4ff", "#0b5cad"),
    "supported": ("#dafbe1", "#1a7f37"),
    "rejected": ("#f6f8fa", "#8c959f"),
}


def _lines(text: str, limit: int = 5) -> list[str]:
    lines = textwrap.wrap(text, WRAP) or [""]
    return lines[: limit - 1] + [lines[limit - 1] + " …"] if len(lines) > limit else lines


def layout(issue: str, hypotheses) -> tuple[list[dict], list[tuple[dict, dict]]]:
    """Nodes with x, y, height and lines; edges as (parent node, child node)."""
    children: dict = {}
    for h in hypotheses:
        children.setdefault(h.parent_id, []).append(h)
    nodes, edges = [], []
    cursor = [0.0]

    def place(label, verdict, kids, depth, hid):
        lines = _lines(label)
        height = len(lines) * LINE_H + 2 * PAD
        node = {"lines": lines, "h": height, "x": depth * (BOX_W + GAP_X), "verdict": verdict, "id": hid}
        placed = [place(k.text, k.verdict, children.get(k.pk, []), depth + 1, k.pk) for k in kids]
        if placed:
            node["y"] = (placed[0]["y"] + placed[0]["h"] / 2 + placed[-1]["y"] + placed[-1]["h"] / 2) / 2 - height / 2
            node["y"] = max(node["y"], placed[0]["y"] - height / 2)
        else:
            node["y"] = cursor[0]
            cursor[0] += height + GAP_Y
        nodes.append(node)
        edges.extend((node, p) for p in placed)
        return node

    place(issue, "issue", children.get(None, []), 0, None)
    top = min(n["y"] for n in nodes)
    for n in nodes:
        n["y"] -= top
    return nodes, edges


def svg(tree, hypotheses=None) -> str:
    hypotheses = list(tree.hypotheses.all()) if hypotheses is None else list(hypotheses)
    nodes, edges = layout(tree.issue, hypotheses)
    width = max(n["x"] for n in nodes) + BOX_W + 2
    height = max(n["y"] + n["h"] for n in nodes) + 2
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="hypothesis-tree" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{escape(_("Hypothesis tree"))}">'
    ]
    for parent, child in edges:
        x1, y1 = parent["x"] + BOX_W, parent["y"] + parent["h"] / 2
        x2, y2 = child["x"], child["y"] + child["h"] / 2
        xm = (x1 + x2) / 2
        out.append(
            f'<path d="M{x1:.1f},{y1:.1f} C{xm:.1f},{y1:.1f} {xm:.1f},{y2:.1f} {x2:.1f},{y2:.1f}" '
            'fill="none" stroke="#8c959f" stroke-width="1.2"/>'
        )
    for n in nodes:
        fill, stroke = COLOURS[n["verdict"]]
        data = f' data-hypothesis="{n["id"]}"' if n["id"] else ' data-issue="1"'
        out.append(f'<g class="node verdict-{n["verdict"]}"{data}>')
        out.append(
            f'<rect x="{n["x"] + 1:.1f}" y="{n["y"] + 1:.1f}" width="{BOX_W - 2}" height="{n["h"] - 2:.1f}" rx="4" '
            f'fill="{fill if n["verdict"] != "issue" else "#24292f"}" stroke="{stroke}" stroke-width="1.5"/>'
        )
        colour = "#ffffff" if n["verdict"] == "issue" else "#24292f"
        deco = ' text-decoration="line-through"' if n["verdict"] == "rejected" else ""
        for i, line in enumerate(n["lines"]):
            y = n["y"] + PAD + (i + 1) * LINE_H - 3
            out.append(
                f'<text x="{n["x"] + PAD:.1f}" y="{y:.1f}" font-family="sans-serif" font-size="11" '
                f'fill="{colour}"{deco}>{escape(line)}</text>'
            )
        out.append("</g>")
    out.append("</svg>")
    return mark_safe("".join(out))
