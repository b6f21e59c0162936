"""The MECE check a reviewer confirms: where a level's branches overlap or leave an obvious gap.

Mutually exclusive, collectively exhaustive (seed 001, rule 8) cannot be
proved by a machine; these are warnings a person reads and either fixes or
confirms with a note (actions.confirm_mece). Three signs are checked per
group of siblings (the hypotheses under the issue, and under each hypothesis):

- a single branch: one hypothesis alone cannot be collectively exhaustive;
- overlap: two siblings that say nearly the same thing (most of their words shared);
- an obvious gap: every branch under a node was tested and rejected, so the answer lies elsewhere.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

OVERLAP = 0.6  # share of content words two siblings have in common to be flagged
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_STOP = {
    "the",
    "and",
    "are",
    "for",
    "not",
    "but",
    "with",
    "can",
    "its",
    "their",
    "they",
    "this",
    "that",
    "from",
    "too",
    "have",
    "has",
    "been",
    "being",
    "into",
    "out",
    "more",
    "less",
    "than",
    "because",
    "enough",
}


def words(text: str) -> set[str]:
    return {w for w in (m.group().lower() for m in _WORD.finditer(text)) if w not in _STOP}


def overlap(a: str, b: str) -> float:
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)


def check_groups(groups: list[tuple[str, list]]) -> list[dict]:
    """groups: [(the node's label, [hypotheses under it])]; each hypothesis has .pk, .text, .verdict."""
    warnings = []
    for label, siblings in groups:
        if len(siblings) == 1:
            warnings.append(
                {
                    "kind": "gap",
                    "node": label,
                    "text": _("Only one branch under '%(n)s': one hypothesis alone cannot be collectively exhaustive.")
                    % {"n": label},
                }
            )
        for i, a in enumerate(siblings):
            for b in siblings[i + 1 :]:
                share = overlap(a.text, b.text)
                if share >= OVERLAP:
                    warnings.append(
                        {
                            "kind": "overlap",
                            "node": label,
                            "text": _("'%(a)s' and '%(b)s' overlap (%(p)s%% of their words): are they exclusive?")
                            % {"a": a.text, "b": b.text, "p": round(share * 100)},
                        }
                    )
        if len(siblings) > 1 and all(h.verdict == "rejected" for h in siblings):
            warnings.append(
                {
                    "kind": "gap",
                    "node": label,
                    "text": _("Every branch under '%(n)s' was rejected: the answer lies in a branch not yet drawn.")
                    % {"n": label},
                }
            )
    return warnings


def check(tree) -> list[dict]:
    hypotheses = list(tree.hypotheses.all())
    children: dict = {}
    for h in hypotheses:
        children.setdefault(h.parent_id, []).append(h)
    groups = [(tree.issue, children.get(None, []))] if children.get(None) else []
    groups += [(h.text, children[h.pk]) for h in hypotheses if h.pk in children]
    return check_groups(groups)
