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
from . import text

BEYOND_BAND, CONSECUTIVE = "beyond_band", "consecutive"
KINDS = {
    BEYOND_BAND: text.gettext_noop("Any unit beyond its tolerance band"),
    CONSECUTIVE: text.gettext_noop("Off track several periods in a row"),
}
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
        raise RuleError(
            text._("kind: '%(kind)s' is not a rule kind; use one of %(kinds)s")
            % {"kind": kind, "kinds": ", ".join(KINDS)}
        )
    out = {"worst": params.get("worst") or S.OFF_TRACK}
    if out["worst"] not in (S.SLIGHTLY_OFF, S.OFF_TRACK):
        raise RuleError(
            text._("worst: '%(worst)s' must be %(slightly)s or %(off)s")
            % {"worst": out["worst"], "slightly": S.SLIGHTLY_OFF, "off": S.OFF_TRACK}
        )
    if kind == CONSECUTIVE:
        try:
            n = int(params.get("periods", 2))
        except (TypeError, ValueError):
            raise RuleError(
                text._("periods: '%(periods)s' is not a whole number") % {"periods": params.get("periods")}
            ) from None
        if not 2 <= n <= 24:
            raise RuleError(text._("periods: %(n)s must be between 2 and 24") % {"n": n})
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
                findings.append(
                    Finding(
                        unit,
                        period,
                        text._("%(unit)s is %(status)s in %(period)s")
                        % {"unit": name, "status": S.LABELS[code].lower(), "period": period},
                    )
                )
        else:
            n = params["periods"]
            last = history[-n:]
            if len(last) == n and all(SEVERITY[c] >= bar for _, c in last):
                findings.append(
                    Finding(
                        unit,
                        last[-1][0],
                        text._(
                            "%(unit)s has been %(status)s or worse for %(n)s periods in a row (%(first)s to %(last)s)"
                        )
                        % {"unit": name, "status": label, "n": n, "first": last[0][0], "last": last[-1][0]},
                    )
                )
    return findings
