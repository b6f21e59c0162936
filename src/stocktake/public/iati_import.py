"""Results from an IATI activity file (a donor programme's, or another Stocktake's export) as indicators,
targets and values, through the actions, all or nothing.

Each iati-activity becomes a priority (its iati-identifier the code), each result an outcome, each indicator an
indicator reported for the whole country (the top org unit); a baseline and a period's target make the target,
and each period's actual a value at the top unit. The file is read in two passes: first everything is read and
checked, each refused element named with its line, its XPath and the reason; only a file with no refusal is
stored, in one transaction (a refused file stores nothing, never half of it).

Parsing is safe against entity attacks: a DOCTYPE (where entities are declared) is refused before lxml reads
the file, and lxml itself resolves no entities and opens no network.

Files of IATI 1.0x are read too (text without narratives, measure and result type as words, thousands
separators in values), as real files have them. A period that is not a Stocktake period (a half year) is
recorded in the month it ends, and said so in the warnings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml import ElementTree as SafeET
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from lxml import etree

from stocktake.accounts import actions as accounts_actions
from stocktake.accounts.models import Organisation
from stocktake.architecture import actions as architecture_actions
from stocktake.architecture import translations as TR
from stocktake.architecture.models import Indicator, OrgUnit, Outcome, Pillar, Priority, Target
from stocktake.delivery import periods as P
from stocktake.monitoring import actions as monitoring_actions
from stocktake.monitoring.models import DataValue

from .iati import DEADLINE, MEASURE_PERCENTAGE, STOCKTAKE, XML_LANG

MAX_BYTES = 20 * 1024 * 1024
PILLAR = "iati"  # the pillar of imported activities that name none
KINDS = [P.MONTH, P.QUARTER, P.YEAR]  # the Stocktake periods an IATI period may be, finest first
LEVELS = {"1": Indicator.Level.OUTPUT, "2": Indicator.Level.OUTCOME, "3": Indicator.Level.IMPACT}
LEVEL_WORDS = {"output": "1", "outcome": "2", "impact": "3"}  # IATI 1.0x wrote the result type as a word
THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


class IatiRefused(ValueError):
    """The file, or elements of it, cannot be imported: `problems` lists each {line, xpath, message}."""

    def __init__(self, problems: list[dict]):
        self.problems = problems
        first = "; ".join(
            _("line %(line)s %(xpath)s: %(message)s")
            % {"line": p["line"], "xpath": p["xpath"], "message": p["message"]}
            for p in problems[:5]
        )
        more = _(" and %(n)s more") % {"n": len(problems) - 5} if len(problems) > 5 else ""
        super().__init__(_("Nothing was imported: %(problems)s%(more)s") % {"problems": first, "more": more})


@dataclass
class ReadValue:
    period: P.Period
    value: float


@dataclass
class ReadIndicator:
    code: str
    name: str
    description: str
    translations: dict
    unit: str
    direction: str
    frequency: str
    level: str
    baseline: tuple[date, float] | None = None
    target: tuple[date, float] | None = None
    values: list[ReadValue] = field(default_factory=list)
    line: int | None = None
    xpath: str = ""


@dataclass
class ReadOutcome:
    code: str
    name: str
    description: str
    translations: dict
    indicators: list[ReadIndicator] = field(default_factory=list)


@dataclass
class ReadActivity:
    code: str
    name: str
    description: str
    translations: dict
    pillar: str
    organisation: tuple[str, str]  # (code, name)
    outcomes: dict[str, ReadOutcome] = field(default_factory=dict)


@dataclass
class Reading:
    activities: list[ReadActivity] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# Reading ---------------------------------------------------------------------------------------------------


def parse(data: bytes) -> etree._ElementTree:
    """The file as an lxml tree, refused (IatiRefused) if it is not safe, well-formed XML of IATI activities."""
    if len(data) > MAX_BYTES:
        raise IatiRefused([_problem(None, _("the file is larger than %(n)s MB") % {"n": MAX_BYTES // 1024 // 1024})])
    try:
        SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden):
        raise IatiRefused([_problem(None, _("a DOCTYPE or entity declaration is not allowed in an IATI file"))])
    except SafeET.ParseError as exc:
        line = getattr(exc, "position", (None,))[0]
        raise IatiRefused([{"line": line, "xpath": "/", "message": _("not well-formed XML: %(e)s") % {"e": exc}}])
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    tree = etree.ElementTree(etree.fromstring(data, parser))
    if tree.getroot().tag != "iati-activities":
        raise IatiRefused([_problem(tree.getroot(), _("the root element must be iati-activities"))])
    return tree


def _problem(el, message: str) -> dict:
    if el is None:
        return {"line": None, "xpath": "/", "message": message}
    return {"line": el.sourceline, "xpath": el.getroottree().getpath(el), "message": message}


def _texts(el) -> list[tuple[str, str]]:
    """[(language, text)] of an element's narratives (IATI 2.0x), or its own text (1.0x)."""
    if el is None:
        return []
    default = _lang(el)
    found = [((_lang(n) or default or ""), " ".join((n.text or "").split())) for n in el.findall("narrative")]
    if not found and (el.text or "").strip():
        found = [(default or "", " ".join(el.text.split()))]
    return [(lang, text) for lang, text in found if text]


def _lang(el) -> str:
    while el is not None:
        lang = el.get(XML_LANG)
        if lang:
            return lang.split("-")[0].lower()
        el = el.getparent()
    return ""


def _text_and_translations(el, field_name: str, translations: dict) -> str:
    """The original-language text of the element, its other languages added to `translations`."""
    texts = _texts(el)
    if not texts:
        return ""
    original = TR.original_language()
    chosen = next((t for lang, t in texts if lang in ("", original)), texts[0][1])
    for lang, text in texts:
        if lang in TR.languages() and text != chosen:
            translations.setdefault(lang, {}).setdefault(field_name, text)
    return chosen


def _number(el, attr: str, reading: Reading) -> float | None:
    raw = (el.get(attr) or "").strip()
    if not raw:
        return None
    text = raw.replace(",", "") if THOUSANDS.match(raw) else raw
    try:
        return float(text)
    except ValueError:
        reading.problems.append(_problem(el, _("@%(attr)s '%(raw)s' is not a number") % {"attr": attr, "raw": raw}))
        return None


def _date(el, reading: Reading) -> date | None:
    raw = (el.get("iso-date") or "").strip() if el is not None else ""
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        reading.problems.append(
            _problem(el, _("@iso-date '%(raw)s' is not a date (YYYY-MM-DD)") % {"raw": raw})
            if el is not None
            else {"line": None, "xpath": "", "message": _("a period needs its period-start and period-end")}
        )
        return None


def _code(text: str, max_length: int) -> str:
    return slugify(text)[:max_length].strip("-")


def _own_reference(el) -> str:
    """The code of a reference in the reporting organisation's own vocabulary (99), if any."""
    for ref in el.findall("reference"):
        if ref.get("vocabulary") == "99" and ref.get("code"):
            return ref.get("code")
    return ""


def read(tree: etree._ElementTree) -> Reading:
    """Everything the file says, checked; nothing is stored."""
    reading = Reading()
    seen_indicators: set[str] = set()
    for act_el in tree.getroot().findall("iati-activity"):
        ident = act_el.find("iati-identifier")
        identifier = (ident.text or "").strip() if ident is not None else ""
        if not identifier:
            reading.problems.append(_problem(act_el, _("an iati-activity needs its iati-identifier")))
            continue
        translations: dict = {}
        title = _text_and_translations(act_el.find("title"), "name", translations)
        if not title:
            reading.problems.append(_problem(act_el, _("an iati-activity needs a title")))
            continue
        description = _text_and_translations(act_el.find("description"), "description", translations)
        org_el = act_el.find("reporting-org")
        org_name = (_texts(org_el) or [("", identifier)])[0][1] if org_el is not None else identifier
        org_code = _code((org_el.get("ref") if org_el is not None else "") or org_name, 40) or "iati"
        lead = act_el.find("participating-org[@role='4']")
        if lead is not None and lead.get(f"{{{STOCKTAKE}}}code"):  # a Stocktake export names the lead ministry
            org_code, org_name = lead.get(f"{{{STOCKTAKE}}}code"), (_texts(lead) or [("", org_name)])[0][1]
        activity = ReadActivity(
            code=_code(identifier.removeprefix(org_el.get("ref", "") + "-") if org_el is not None else identifier, 40),
            name=title[:200],
            description=description,
            translations=translations,
            pillar=act_el.get(f"{{{STOCKTAKE}}}pillar") or PILLAR,
            organisation=(org_code, org_name[:200]),
        )
        for r, res_el in enumerate(act_el.findall("result"), start=1):
            _read_result(res_el, r, activity, reading, seen_indicators)
        if not activity.outcomes:
            reading.warnings.append(_("%(id)s has no results: nothing to import") % {"id": identifier})
            continue
        reading.activities.append(activity)
    if not tree.getroot().findall("iati-activity"):
        reading.problems.append(_problem(tree.getroot(), _("the file holds no iati-activity")))
    return reading


def _read_result(res_el, r: int, activity: ReadActivity, reading: Reading, seen: set[str]) -> None:
    translations: dict = {}
    name = _text_and_translations(res_el.find("title"), "name", translations)
    code = _code(_own_reference(res_el), 40) or f"{activity.code[:34]}-r{r}"
    if code not in activity.outcomes:
        if not name:
            name = _("Result %(n)s") % {"n": r}
        description = _text_and_translations(res_el.find("description"), "description", translations)
        activity.outcomes[code] = ReadOutcome(code, name[:300], description, translations)
    outcome = activity.outcomes[code]
    kind = (res_el.get("type") or "").strip().lower()
    level = LEVELS.get(LEVEL_WORDS.get(kind, kind), Indicator.Level.OUTCOME)
    for i, ind_el in enumerate(res_el.findall("indicator"), start=1):
        found = _read_indicator(ind_el, f"{code}-i{i}"[:60], level, reading)
        if found is None:
            continue
        if found.code in seen:
            reading.problems.append(_problem(ind_el, _("indicator %(code)s appears twice") % {"code": found.code}))
            continue
        seen.add(found.code)
        outcome.indicators.append(found)


def _read_indicator(el, fallback_code: str, level: str, reading: Reading) -> ReadIndicator | None:
    translations: dict = {}
    name = _text_and_translations(el.find("title"), "name", translations)
    if not name:
        reading.problems.append(_problem(el, _("an indicator needs a title")))
        return None
    measure = (el.get("measure") or "").strip().lower()
    unit = el.get(f"{{{STOCKTAKE}}}unit") or ("%" if measure in (MEASURE_PERCENTAGE, "percentage") else "count")
    ascending = (el.get("ascending") or "1").strip().lower() not in ("0", "false")
    ind = ReadIndicator(
        code=_code(_own_reference(el), 60) or fallback_code,
        line=el.sourceline,
        xpath=el.getroottree().getpath(el),
        name=name[:300],
        description=_text_and_translations(el.find("description"), "description", translations),
        translations=translations,
        unit=unit[:40],
        direction=Indicator.Direction.UP if ascending else Indicator.Direction.DOWN,
        frequency=el.get(f"{{{STOCKTAKE}}}frequency") or "",
        level=level,
    )
    base_el = el.find("baseline")
    if base_el is not None:
        value = _number(base_el, "value", reading)
        when = _date(base_el, reading) if base_el.get("iso-date") else _year_start(base_el, reading)
        if value is not None and when is not None:
            ind.baseline = (when, value)
    spans = []
    for period_el in el.findall("period"):
        start, end = _date(period_el.find("period-start"), reading), _date(period_el.find("period-end"), reading)
        if start is None or end is None:
            continue
        if end < start:
            reading.problems.append(_problem(period_el, _("the period ends before it starts")))
            continue
        for target_el in period_el.findall("target"):
            value = _number(target_el, "value", reading)
            if value is not None and (
                period_el.get(f"{{{STOCKTAKE}}}kind") == DEADLINE or not ind.target or end > ind.target[0]
            ):
                ind.target = (end, value)
        if period_el.get(f"{{{STOCKTAKE}}}kind") == DEADLINE:
            continue
        for actual_el in period_el.findall("actual"):
            value = _number(actual_el, "value", reading)
            if value is not None:
                spans.append((start, end, value, period_el))
    _periods(ind, spans, reading)
    return ind


def _year_start(el, reading: Reading) -> date | None:
    try:
        return date(int(el.get("year", "")), 1, 1)
    except ValueError:
        reading.problems.append(_problem(el, _("@year '%(y)s' is not a year") % {"y": el.get("year", "")}))
        return None


def _exact(kind: str, start: date, end: date) -> P.Period | None:
    p = P.containing(kind, start)
    return p if (p.start, p.end) == (start, end) else None


def _periods(ind: ReadIndicator, spans, reading: Reading) -> None:
    """The Stocktake period of each actual: the indicator's frequency is the finest kind every period is
    exactly; if none is (a half year), monthly, each actual in the month its period ends (with a warning)."""
    if not spans:
        ind.frequency = ind.frequency or P.MONTH
        return
    for kind in [ind.frequency] if ind.frequency else KINDS:
        exact = [_exact(kind, s, e) for s, e, _v, _el in spans]
        if all(exact):
            ind.frequency = kind
            ind.values = [ReadValue(p, v) for p, (_s, _e, v, _el) in zip(exact, spans)]
            return
    ind.frequency = P.MONTH
    for start, end, value, el in spans:
        reading.warnings.append(
            _(
                "line %(line)s %(xpath)s: %(start)s to %(end)s is not a Stocktake period; the actual is recorded "
                "for the month it ends"
            )
            % {"line": el.sourceline, "xpath": el.getroottree().getpath(el), "start": start, "end": end}
        )
        ind.values.append(ReadValue(P.containing(P.MONTH, end), value))


# Storing ---------------------------------------------------------------------------------------------------


@dataclass
class Imported:
    priorities: int = 0
    outcomes: int = 0
    indicators: int = 0
    targets: int = 0
    values: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def import_file(data: bytes, *, user=None, interface: str = "cli", state: str = DataValue.State.SUBMITTED) -> Imported:
    """Read and check the whole file, then store it through the actions in one transaction (IatiRefused: nothing
    stored). Values are recorded `submitted` for the delivery unit to verify, or `published` when the caller
    says the file is already a publication (an IATI file is public by definition; the CLI asks for it)."""
    reading = read(parse(data))
    if reading.problems:
        raise IatiRefused(reading.problems)
    with transaction.atomic():
        return _store(reading, user=user, interface=interface, state=state)


def _root(user, interface: str) -> OrgUnit:
    root = OrgUnit.objects.filter(parent=None, closed_on=None).order_by("id").first()
    if root is None:  # an empty database: the country the figures are for
        root = architecture_actions.create_org_unit(code="NAT", name=_("Country"), user=user, interface=interface)
    return root


def _store(reading: Reading, *, user, interface: str, state: str) -> Imported:
    done = Imported(warnings=list(reading.warnings))
    root = _root(user, interface)
    rows = []
    for act in reading.activities:
        org = Organisation.objects.filter(code=act.organisation[0]).first() or accounts_actions.create_organisation(
            code=act.organisation[0], name=act.organisation[1], kind="agency", user=user, interface=interface
        )
        pillar = Pillar.objects.filter(code=act.pillar).first() or architecture_actions.create_pillar(
            code=act.pillar,
            name=_("IATI activities") if act.pillar == PILLAR else act.pillar,
            user=user,
            interface=interface,
        )
        fields = {"name": act.name, "description": act.description, "pillar": pillar, "lead_organisation": org}
        priority = _upsert(
            Priority,
            act.code,
            fields,
            user,
            interface,
            architecture_actions.create_priority,
            architecture_actions.change_priority,
        )
        _translate(priority, act.translations, user, interface)
        done.priorities += 1
        for out in act.outcomes.values():
            fields = {"name": out.name, "description": out.description, "priority": priority}
            outcome = _upsert(
                Outcome,
                out.code,
                fields,
                user,
                interface,
                architecture_actions.create_outcome,
                architecture_actions.change_outcome,
            )
            _translate(outcome, out.translations, user, interface)
            done.outcomes += 1
            for ri in out.indicators:
                ind = _store_indicator(ri, outcome, user, interface)
                done.indicators += 1
                done.targets += _store_target(ri, ind, user, interface, done)
                for v in ri.values:
                    period = architecture_actions.ensure_period(v.period)
                    rows.append(
                        {
                            "indicator_id": ind.pk,
                            "org_unit_id": root.pk,
                            "period_id": period.pk,
                            "disaggregation": "",
                            "value": v.value,
                            "state": state,
                        }
                    )
    done.values = monitoring_actions.record_values(rows, user=user, interface=interface, source="iati", state=state)
    return done


def _upsert(model, code: str, fields: dict, user, interface: str, create, change):
    found = model.objects.filter(code=code).first()
    if found is None:
        return create(code=code, user=user, interface=interface, **fields)
    return change(found, user=user, interface=interface, reason=gettext_noop("IATI import"), **fields)


def _translate(obj, translations: dict, user, interface: str) -> None:
    if translations:
        architecture_actions.set_translations(
            obj, translations, user=user, interface=interface, reason=gettext_noop("IATI import")
        )


def _store_indicator(ri: ReadIndicator, outcome, user, interface: str) -> Indicator:
    fields = {
        "outcome": outcome,
        "name": ri.name,
        "description": ri.description,
        "unit": ri.unit,
        "direction": ri.direction,
        "frequency": ri.frequency,
        "level": ri.level,
        "report_depth": 1,
    }
    existing = Indicator.objects.filter(code=ri.code).first()
    if existing is not None and existing.report_depth != 1:  # IATI's figures are the whole country's
        raise IatiRefused(
            [
                {
                    "line": ri.line,
                    "xpath": ri.xpath,
                    "message": _("indicator %(code)s exists and is reported at level %(depth)s, not for the country")
                    % {"code": ri.code, "depth": existing.report_depth},
                }
            ]
        )
    ind = _upsert(
        Indicator,
        ri.code,
        fields,
        user,
        interface,
        architecture_actions.create_indicator,
        architecture_actions.change_indicator,
    )
    _translate(ind, ri.translations, user, interface)
    return ind


def _store_target(ri: ReadIndicator, ind: Indicator, user, interface: str, done: Imported) -> int:
    if ri.target is None:
        return 0
    if ri.baseline is None:
        done.warnings.append(_("%(code)s: a target without a baseline is not stored as a target") % {"code": ri.code})
        return 0
    (baseline_date, baseline_value), (target_date, target_value) = ri.baseline, ri.target
    if target_date <= baseline_date:
        done.warnings.append(
            _("%(code)s: the target's date is not after the baseline's; not stored") % {"code": ri.code}
        )
        return 0
    spec = {
        "baseline_value": baseline_value,
        "baseline_date": baseline_date,
        "target_value": target_value,
        "target_date": target_date,
    }
    existing = Target.objects.filter(indicator=ind, org_unit=None).first()
    if existing is None:
        architecture_actions.create_target(
            indicator=ind, user=user, interface=interface, reason=gettext_noop("IATI import"), **spec
        )
    else:
        architecture_actions.revise_target(
            existing, user=user, interface=interface, reason=gettext_noop("IATI import"), **spec
        )
    return 1
