"""The words every page, export and pack uses for coverage and partial periods (one wording, translated).

delivery.coverage decides; this module says it, so the heat map's title, the
league's note, the CSV's reason column and the pack's footnote agree.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from stocktake.delivery import coverage as C


def coverage_text(cov: C.Coverage | None) -> str:
    """'4 of 96 units reported (4%), carrying 9% of the denominator'; '' when the coverage is not known."""
    if cov is None or cov.expected <= 0:
        return ""
    text = _("%(reported)s of %(expected)s units reported (%(share)s%%)") % {
        "reported": cov.reported,
        "expected": cov.expected,
        "share": round(100 * (cov.share or 0)),
    }
    if cov.weight_share is not None:
        text += _(", carrying %(weight)s%% of the denominator") % {"weight": round(100 * cov.weight_share)}
    return text


def coverage_pct(cov: C.Coverage | None) -> float | None:
    """Coverage as a percentage for a file's column (None when not known)."""
    return None if cov is None or cov.share is None else round(100 * cov.share, 1)


def weight_pct(cov: C.Coverage | None) -> float | None:
    """The share of the denominator the reporting units carry, as a percentage (None when not known)."""
    return None if cov is None or cov.weight_share is None else round(100 * cov.weight_share, 1)


def partial_text(part: C.Partial | None) -> str:
    """Why a period's figure is not a whole period's; '' when it is whole."""
    if part is None:
        return ""
    if part.reason == C.FEWER_PARTS:
        return _("built from %(parts)s of its %(expected)s sub-periods") % {
            "parts": part.parts,
            "expected": part.parts_expected,
        }
    return _("period not ended (ends %(date)s)") % {"date": part.ends.isoformat() if part.ends else ""}


def incomplete_text(cov: C.Coverage | None, rule: float) -> str:
    """'Incomplete: 4 of 96 units reported (4%); 87 needed' for a figure below the completeness rule."""
    if cov is None or cov.meets(rule):
        return ""
    return _("Incomplete: %(coverage)s; %(needed)s needed") % {
        "coverage": coverage_text(cov),
        "needed": cov.needed(rule),
    }
