"""What a load did, in words: the lines the command prints and the page shows."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .load import ORDER, Result

WHAT = ("created", "changed", "unchanged", "closed", "reopened", "deleted", "withdrawn", "refused")


def counts(result: Result) -> list[tuple[str, dict]]:
    return [(sheet, {w: result.counts[sheet][w] for w in WHAT}) for sheet in ORDER if sheet in result.counts]


def summary(result: Result) -> list[str]:
    lines = []
    for sheet, c in counts(result):
        parts = ", ".join(f"{n} {_(w)}" for w, n in c.items() if n)
        lines.append(f"{sheet}: {parts}")
    for p in result.problems:
        lines.append(_("refused: %(problem)s") % {"problem": p})
    if result.dry_run:
        lines.append(_("dry run: nothing was stored"))
    elif result.stored:
        lines.append(_("stored"))
    else:
        lines.append(_("nothing was stored: fix the refused rows, or load with --partial to store the others"))
    return lines
