"""Alert rules: which statuses should make someone look now, not at the next stocktake.

A rule is a kind and its parameters, checked against per-unit status
histories (oldest period first). Two kinds, from PRODUCT.md section C:

    beyond_band   any unit whose latest status is at least as bad as
                  `worst` (default off track): "any district beyond its
                  tolerance band";
    consecutive   a unit off track (or worse than `worst`) in each of the
                  last `periods` periods: "two periods off track in a row".

Findings are plain data so the caller decides how to store and send them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from . import status as S

BEYOND_BAND, CONSECUTIVE = "beyond_band", "consecutive"
KINDS = {BEYOND_BAND: "Any unit beyond its tolerance band", CONSECUTIVE: "Off track several periods in a row"}
SEVERITY = {S.ON_TRACK: 0, S.NO_DATA: 0, S.SLIGHTLY_OFF: 1, S.OFF_TRACK: 2}


class RuleError(ValueError):
    pass


@dataclass(frozen=True)
class Finding:
    unit: object
    period: str
    message: str


def validate(kind: str, params: Mapping) -> dict:
    """The rule's parameters with defaults filled in; RuleError names the bad field."""
    if kind not in KINDS:
        raise RuleError(f"kind: '{kind}' is not a rule kind; use one of {', '.join(KINDS)}")
    out = {"worst": params.get("worst") or S.OFF_TRACK}
    if out["worst"] not in (S.SLIGHTLY_OFF, S.OFF_TRACK):
        raise RuleError(f"worst: '{out['worst']}' must be {S.SLIGHTLY_OFF} or {S.OFF_TRACK}")
    if kind == CONSECUTIVE:
        try:
            n = int(params.get("periods", 2))
        except (TypeError, ValueError):
            raise RuleError(f"periods: '{params.get('periods')}' is not a whole number") from None
        if not 2 <= n <= 24:
            raise RuleError(f"periods: {n} must be between 2 and 24")
        out["periods"] = n
    return out


def check(
    kind: str,
    params: Mapping,
    histories: Mapping[object, Sequence[tuple[str, str]]],
    names: Mapping[object, str] | None = None,
) -> list[Finding]:
    """histories: {unit: [(period code, status code), ...]} oldest first."""
    params = validate(kind, params)
    bar = SEVERITY[params["worst"]]
    label = S.LABELS[params["worst"]].lower()
    names = names or {}
    findings = []
    for unit, history in histories.items():
        if not history:
            continue
        name = names.get(unit, str(unit))
        if kind == BEYOND_BAND:
            period, code = history[-1]
            if SEVERITY[code] >= bar:
                findings.append(Finding(unit, period, f"{name} is {S.LABELS[code].lower()} in {period}"))
        else:
            n = params["periods"]
            last = history[-n:]
            if len(last) == n and all(SEVERITY[c] >= bar for _, c in last):
                findings.append(
                    Finding(
                        unit,
                        last[-1][0],
                        f"{name} has been {label} or worse for {n} periods in a row ({last[0][0]} to {last[-1][0]})",
                    )
                )
    return findings
