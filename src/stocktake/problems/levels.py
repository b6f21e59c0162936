"""The four levels of response to a problem, the review stages and the stakeholder map's zones, in the seeds' words.

Seed 001 (rule 8) sorts problems by severity into four levels, each with its
approach; seed 003 describes the PMDU's priority reviews (a report in 6-12
weeks, fieldwork down to the front line, a prioritised action plan, the
trajectory watched afterwards); seed 001 (rules 3 and 10) places stakeholders
on power and support and gives advice for each part of the map. Plain data
here, so pages, PDFs, the API and the tests all say the same thing.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LEVELS = {
    1: {
        "name": _("Timely nudge"),
        "approach": _("A timely nudge from the delivery unit"),
        "when": _("Delivery is off track; the root cause or the solution is relatively clear."),
    },
    2: {
        "name": _("Standard problem solving"),
        "approach": _("Standard problem solving through focused conversation"),
        "when": _("The problem is significantly affecting delivery; cause and solution are not obvious."),
    },
    3: {
        "name": _("Intensive drive"),
        "approach": _("An intensive problem-solving drive (often a priority review)"),
        "when": _(
            "The problem is severely affecting delivery; cause and solution are not clear even after standard "
            "problem solving; politically salient factors are in play."
        ),
    },
    4: {
        "name": _("Crisis management"),
        "approach": _("Weekly or daily crisis management routines"),
        "when": _(
            "One of the top one or two challenges in the system; great complexity in cause and solution; highly "
            "visible and urgent to solve."
        ),
    },
}
LEVEL_CHOICES = [(k, f"{k} – {v['name']}") for k, v in LEVELS.items()]

# Priority reviews (seed 003: "a report in 6-12 weeks"), and the stages of the review process.
MIN_WEEKS, MAX_WEEKS = 6, 12
STAGES = [
    ("scoping", _("Scoping and terms of reference agreed with the department"), 0.10),
    ("evidence", _("Evidence and data: the delivery chain and trajectory analysed"), 0.30),
    ("fieldwork", _("Fieldwork down to the front line"), 0.60),
    ("findings", _("Findings tested with the department"), 0.80),
    ("action_plan", _("Prioritised action plan agreed"), 0.95),
    ("report", _("Report to the head of government"), 1.00),
]
STAGE_CHOICES = [(k, label) for k, label, _share in STAGES]
FOLLOW_UP = _("After the report: watch the trajectory to see whether the actions are working.")

# The stakeholder map (seed 001, rule 10): power and support, each on a scale of 1 to 5.
SCALE_MIN, SCALE_MAX = 1, 5
ZONES = {
    "champions": {
        "name": _("Champions"),
        "advice": _("Activate them."),
    },
    "skeptics": {
        "name": _("Skeptics"),
        "advice": _("Work with them; you may not always be able to get them to support you."),
    },
    "moveable_middle": {
        "name": _("The moveable middle"),
        "advice": _("Direct a lot of attention toward bringing them onside."),
    },
    "less_influential": {
        "name": _("Less influential"),
        "advice": _("Spend time to build momentum by cultivating your supporters."),
    },
}


def zone(power: int, support: int) -> str:
    """Where a stakeholder sits: power 1-2 is less influential; above that, support 4-5, 3 or 1-2 decides."""
    if power <= 2:
        return "less_influential"
    if support >= 4:
        return "champions"
    if support <= 2:
        return "skeptics"
    return "moveable_middle"
