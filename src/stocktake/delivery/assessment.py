"""The assessment framework (seed 001, rule 7; seed 003's table across rounds).

A delivery unit rates each outcome on five judgements and an overall
likelihood of delivery. The ratings are judgements made by people; the one
thing data can inform directly is the evidence of progress, so that is the
only rating the system proposes, always with its reasons, never silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .text import _

# The four-point scale used for planning, capacity, evidence and likelihood.
RED, AMBER_RED, AMBER_GREEN, GREEN = 1, 2, 3, 4
RAG = {
    RED: ("R", "Red", "highly problematic: requires urgent and decisive action"),
    AMBER_RED: ("AR", "Amber-red", "problematic: requires substantial attention, some aspects need urgent attention"),
    AMBER_GREEN: ("AG", "Amber-green", "mixed: aspects require substantial attention, some good"),
    GREEN: ("G", "Green", "good: requires refinement and systematic implementation"),
}
# Degree of challenge is not a quality but a size, so it has its own scale.
CHALLENGE = {"H": "High", "M": "Medium", "L": "Low"}
STAGES = {
    1: "Policy and planning",
    2: "Early implementation",
    3: "Late implementation",
    4: "Conclusion",
}
JUDGEMENTS = [
    ("challenge", "Degree of challenge"),
    ("planning", "Quality of planning"),
    ("capacity", "Capacity to drive progress"),
    ("stage", "Stage of delivery"),
    ("evidence", "Evidence of progress"),
]


class RatingError(ValueError):
    """A rating outside its scale, with the judgement named in the message."""


def check(judgement: str, value) -> None:
    """Refuse a value outside the judgement's scale."""
    if judgement == "challenge":
        if value not in CHALLENGE:
            raise RatingError(_("degree of challenge must be one of H, M, L, not %(value)s") % {"value": repr(value)})
        return
    scale = STAGES if judgement == "stage" else RAG
    if not isinstance(value, int) or isinstance(value, bool) or value not in scale:
        name = dict(JUDGEMENTS).get(judgement, judgement.replace("_", " ")).lower()
        raise RatingError(
            _("%(name)s must be a whole number from 1 to 4, not %(value)s") % {"name": name, "value": repr(value)}
        )


def short(judgement: str, value) -> str:
    """The letter shown in the seed 003 table: H/M/L, 1-4, or R/AR/AG/G."""
    if value is None or value == "":
        return "–"
    if judgement == "challenge":
        return str(value)
    if judgement == "stage":
        return str(value)
    return RAG[value][0]


def label(judgement: str, value) -> str:
    if value is None or value == "":
        return "not rated"
    if judgement == "challenge":
        return CHALLENGE[value]
    if judgement == "stage":
        return f"{value} – {STAGES[value]}"
    return f"{value} – {RAG[value][1]}"


def css(judgement: str, value) -> str:
    """A class name for colouring: rag-1..rag-4, or none for challenge and stage."""
    if judgement in ("challenge", "stage") or value in (None, ""):
        return ""
    return f"rag-{value}"


# Movement between rounds. For challenge, lower is better (H -> M is an improvement).
_CHALLENGE_ORDER = {"H": 1, "M": 2, "L": 3}


def movement(judgement: str, before, after) -> str:
    """'up', 'down', 'same' or '' (not comparable): the arrow in the table across rounds."""
    if before in (None, "") or after in (None, ""):
        return ""
    if judgement == "challenge":
        before, after = _CHALLENGE_ORDER[before], _CHALLENGE_ORDER[after]
    if after > before:
        return "up"
    if after < before:
        return "down"
    return "same"


ARROWS = {"up": "↑", "down": "↓", "same": "→", "": ""}


@dataclass
class IndicatorEvidence:
    """What the monitoring data says about one performance indicator."""

    name: str
    status: str  # on_track / slightly_off / off_track / no_data (delivery.status codes)
    trend: str = "steady"  # improving / worsening / steady
    forecast_chance: float | None = None  # chance of hitting the target, 0-1, when a forecast exists


@dataclass
class Proposal:
    rating: int | None
    reasons: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.reasons)


_POINTS = {"on_track": 3.0, "slightly_off": 2.0, "off_track": 1.0}


EVEN_CHANCE = 0.5  # below it, a proposal is never green


def propose_evidence(
    indicators: list[IndicatorEvidence], forecast_available: bool = False, milestones: tuple[int, int] | None = None
) -> Proposal:
    """Propose the evidence-of-progress rating from status, trend and (when there is one) forecast.

    Each indicator with data scores 3 on track, 2 slightly off, 1 off track;
    an improving trend adds half a point and a worsening one takes half away.
    With a forecast, a chance of hitting the target of 70% or more adds half a
    point and under 30% takes one away: being on track today matters less than
    landing the target. The mean, rounded, maps to the scale, and 4 (green) is
    reserved for all indicators on track, none worsening, and none the forecast
    gives less than an even chance of meeting its target.

    Milestones are evidence too (seed 001): `milestones` is (late, due so far)
    from the delivery plan; when a quarter or more of those due are late, the
    mean drops half a point.
    """
    scored = [i for i in indicators if i.status in _POINTS]
    if not scored:
        return Proposal(None, ["No indicator has data against a trajectory yet, so the data cannot suggest a rating."])
    reasons = []
    points = []
    for i in scored:
        p = _POINTS[i.status]
        bits = [i.status.replace("_", " ")]
        if i.trend == "improving":
            p += 0.5
            bits.append("improving")
        elif i.trend == "worsening":
            p -= 0.5
            bits.append("worsening")
        if forecast_available and i.forecast_chance is not None:
            if i.forecast_chance >= 0.7:
                p += 0.5
            elif i.forecast_chance < 0.3:
                p -= 1.0
            bits.append(f"{i.forecast_chance:.0%} chance of hitting the target")
        points.append(p)
        reasons.append(f"{i.name}: {', '.join(bits)}.")
    mean = sum(points) / len(points)
    all_good = all(i.status == "on_track" and i.trend != "worsening" for i in scored)
    # Green says the target will be met: never while the forecast gives any indicator less than an even chance.
    doubtful = [
        i for i in scored if forecast_available and i.forecast_chance is not None and i.forecast_chance < EVEN_CHANCE
    ]
    if all_good and doubtful:
        all_good = False
        names = ", ".join(f"{i.name} ({i.forecast_chance:.0%})" for i in doubtful)
        reasons.append(f"Not green: the forecast gives less than an even chance of meeting the target for {names}.")
    if milestones and milestones[1]:
        late, due = milestones
        reasons.append(f"Milestones: {late} of {due} due so far are late.")
        if late / due >= 0.25:
            mean -= 0.5
            all_good = False
    if all_good:
        rating = GREEN
    elif mean >= 2.5:
        rating = AMBER_GREEN
    elif mean >= 1.5:
        rating = AMBER_RED
    else:
        rating = RED
    missing = len(indicators) - len(scored)
    if missing:
        reasons.append(f"{missing} indicator(s) have no data against a trajectory and were left out.")
    if not forecast_available:
        reasons.append("No forecast is available yet, so this uses the latest status and trend only.")
    reasons.insert(
        0,
        f"Proposed {RAG[rating][1].lower()} from {len(scored)} indicator(s): mean score {mean:.1f}, "
        "where on track scores 3, slightly off 2 and off track 1.",
    )
    return Proposal(rating, reasons)


def overall(ratings: list[int | None]) -> int | None:
    """A priority's likelihood from its outcomes': the weakest, because one failing outcome fails the priority."""
    present = [r for r in ratings if r]
    return min(present) if present else None
