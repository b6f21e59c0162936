"""The setup workbook's sheets and columns: one list read by the loader, the exporter, the template and the docs.

Why one list: the instructions sheet, the refusals ("unknown column") and the
export must never disagree about what a column is called or what it allows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from stocktake.accounts.models import Organisation, Person
from stocktake.architecture.models import Indicator, Target
from stocktake.delivery import periods as P
from stocktake.delivery import trajectory as T
from stocktake.plans.models import Milestone

TEXT, INT, FLOAT, DATE, BOOL, JSON, CHOICE = "text", "int", "float", "date", "bool", "json", "choice"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = TEXT
    required: bool = False
    help: str = ""
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sheet:
    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    help: str = ""

    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


FREQUENCIES = tuple(P.FREQUENCY_NAMES)
CLOSED_ON = _(
    "The day it was closed (YYYY-MM-DD): it stays, with its history, but is left off the everyday pages. "
    "Blank while it is open; clearing it reopens it."
)
YES_NO = ("yes", "no")

SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "Organisations",
        ("code",),
        (
            Column("code", required=True, help=_("Short unique code (letters, digits, - and _).")),
            Column("name", required=True),
            Column("kind", CHOICE, True, choices=tuple(Organisation.Kind.values)),
            Column("parent", help=_("Code of the organisation this one belongs to (blank: none).")),
        ),
        _("The centre of government, ministries, agencies, subnational governments and providers."),
    ),
    Sheet(
        "Levels",
        ("depth",),
        (
            Column("depth", INT, True, _("1 for the top of the hierarchy (the nation), then 2, 3, ... with no gaps.")),
            Column("name", required=True, help=_("e.g. Nation, Region, District, Facility.")),
        ),
        _("The levels of the org-unit hierarchy. Depth starts at 1."),
    ),
    Sheet(
        "OrgUnits",
        ("code",),
        (
            Column("code", required=True, help=_("Unique code of the place (e.g. the DHIS2 code).")),
            Column("name", required=True),
            Column("parent", help=_("Code of the unit above this one; blank only for the top (level 1).")),
            Column("level", INT, True, _("Depth in the hierarchy: the parent's level plus one; 1 at the top.")),
            Column("organisation", help=_("Code of the organisation responsible for the unit, if any.")),
            Column("geometry", JSON, help=_('GeoJSON geometry, e.g. {"type": "Point", "coordinates": [-13.2, 8.4]}.')),
            Column("closed_on", DATE, help=CLOSED_ON),
        ),
        _("Places that report or aggregate: nation, regions, districts, facilities."),
    ),
    Sheet(
        "People",
        ("user",),
        (
            Column("user", help=_("Sign-in name. Blank for someone without a sign-in (then the name is the key).")),
            Column("name", required=True),
            Column("role", CHOICE, True, choices=tuple(Person.Role.values), help=_("One role per person.")),
            Column("organisation", required=True, help=_("Code of the person's organisation.")),
            Column("email"),
            Column("title", help=_("Job title.")),
        ),
        _("People and their one role. A new sign-in gets no password: set one with `stocktake changepassword`."),
    ),
    Sheet(
        "Tiers",
        ("name",),
        (
            Column("name", required=True, help=_("e.g. A+, A, B.")),
            Column("frequency", CHOICE, True, choices=FREQUENCIES, help=_("How often its priorities are monitored.")),
            Column("rank", INT, help=_("Lower ranks are shown first.")),
            Column("description"),
        ),
        _("Portfolio tiers: how much attention a priority gets."),
    ),
    Sheet(
        "Pillars",
        ("code",),
        (
            Column("code", required=True),
            Column("name", required=True),
            Column("description"),
            Column("rank", INT),
            Column("closed_on", DATE, help=CLOSED_ON),
        ),
    ),
    Sheet(
        "Priorities",
        ("code",),
        (
            Column("code", required=True),
            Column("name", required=True),
            Column("pillar", required=True, help=_("Pillar code.")),
            Column("tier", help=_("Tier name (sheet Tiers).")),
            Column("lead_organisation", required=True, help=_("Organisation code.")),
            Column("description"),
            Column("published", BOOL, choices=YES_NO, help=_("Shown on the public site.")),
            Column("rank", INT),
            Column("closed_on", DATE, help=CLOSED_ON),
        ),
    ),
    Sheet(
        "Outcomes",
        ("code",),
        (
            Column("code", required=True),
            Column("name", required=True),
            Column("priority", required=True, help=_("Priority code.")),
            Column("leader", help=_("The one accountable leader: a user (or, without a sign-in, a name) in People.")),
            Column("description"),
            Column("rank", INT),
            Column("closed_on", DATE, help=CLOSED_ON),
        ),
    ),
    Sheet(
        "Indicators",
        ("code",),
        (
            Column("code", required=True),
            Column("name", required=True),
            Column("outcome", required=True, help=_("Outcome code.")),
            Column("unit", required=True, help=_("e.g. %, count, per 100,000 people.")),
            Column("direction", CHOICE, True, choices=tuple(Indicator.Direction.values)),
            Column("frequency", CHOICE, True, choices=FREQUENCIES),
            Column("level", CHOICE, choices=tuple(Indicator.Level.values)),
            Column("kind", CHOICE, choices=tuple(Indicator.Kind.values)),
            Column(
                "aggregation",
                CHOICE,
                choices=tuple(Indicator.Aggregation.values),
                help=_("How values add up the hierarchy; ratio needs numerator and denominator labels."),
            ),
            Column("ratio_scale", FLOAT, help=_("100 for a percentage.")),
            Column("numerator_label"),
            Column("denominator_label", help=_("Required for a ratio: what the denominator counts.")),
            Column("report_depth", INT, help=_("Org-unit level at which values are reported (1 is the top).")),
            Column("min_value", FLOAT),
            Column("max_value", FLOAT),
            Column("decimals", INT),
            Column("on_track_band", FLOAT),
            Column("off_track_band", FLOAT),
            Column("meaningful", BOOL, choices=YES_NO, help=_("3M check: meaningful (blank: not yet checked).")),
            Column("moveable", BOOL, choices=YES_NO, help=_("3M check: moveable.")),
            Column("measurable", BOOL, choices=YES_NO, help=_("3M check: measurable.")),
            Column("three_m_rationale", help=_("Why the indicator passes (or fails) the 3M check.")),
            Column("data_source"),
            Column("description"),
            Column("rank", INT),
            Column("closed_on", DATE, help=CLOSED_ON),
        ),
    ),
    Sheet(
        "Targets",
        ("indicator", "org_unit"),
        (
            Column("indicator", required=True, help=_("Indicator code.")),
            Column("org_unit", help=_("Org-unit code; blank for the national target.")),
            Column("baseline_value", FLOAT, True),
            Column("baseline_date", DATE, True),
            Column("target_value", FLOAT, True),
            Column("target_date", DATE, True, _("After the baseline date.")),
            Column("status", CHOICE, choices=tuple(Target.Status.values)),
            Column("trajectory_method", CHOICE, choices=T.METHODS, help=_("The shape of the trajectory.")),
            Column(
                "stages",
                JSON,
                help=_(
                    "For a staged trajectory: [[time fraction, change fraction], ...], e.g. [[0.25, 0.1], [0.5, 0.4]]."
                ),
            ),
            Column("rationale"),
        ),
    ),
    Sheet(
        "Strategies",
        ("priority", "name"),
        (
            Column("priority", required=True, help=_("Priority code.")),
            Column("name", required=True),
            Column("leader", help=_("The single responsible person (user or name in People).")),
            Column("outcomes", help=_("Outcome codes the strategy moves, separated by spaces.")),
            Column("description"),
            Column("rationale"),
            Column("scale"),
            Column("resources"),
            Column("cost", FLOAT),
            Column("definition_of_success"),
            Column("estimated_impact"),
            Column("impact_score", INT, help=_("1 (little) to 5 (transformative).")),
            Column("difficulty_score", INT, help=_("1 (easy) to 5 (very hard).")),
            Column("rank", INT),
            Column("withdrawn_reason", help=_("Filled in when the strategy has been withdrawn from the plan.")),
        ),
    ),
    Sheet(
        "Milestones",
        ("priority", "strategy", "name"),
        (
            Column("priority", required=True, help=_("Priority code.")),
            Column("strategy", required=True, help=_("Strategy name (sheet Strategies).")),
            Column("name", required=True),
            Column("due_date", DATE, True),
            Column("owner", help=_("A user (or name) in People.")),
            Column("status", CHOICE, choices=tuple(Milestone.Status.values)),
            Column("completed_on", DATE, help=_("Required when the status is done.")),
            Column("evidence"),
        ),
    ),
)

BY_NAME = {s.name: s for s in SHEETS}
INSTRUCTIONS = "Instructions"
