"""The public account as IATI activity XML 2.03: each public commitment an activity, each outcome a result,
each indicator with its baseline, its target (a period ending on the deadline) and its published actuals.

Only what the public site shows goes out: the commitments the delivery unit has put on the public site, their
targets only where it publishes targets, and of the figures published values only, read through the open
data's rows (public.opendata.series_rows, the same numbers as the pages). Names and descriptions carry every
translation entered, each narrative with its xml:lang (architecture.translations).

Stocktake's own facts that IATI has no element for (the unit of measure, the reporting frequency, which period
is the deadline) travel as attributes in the STOCKTAKE namespace, which IATI allows on these elements, so an
export imported back (public.iati_import) gives the same indicators, targets and values.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone
from lxml import etree

from stocktake.architecture import translations as TR
from stocktake.architecture.models import Indicator, Target

from . import commitments as C
from . import opendata

VERSION = "2.03"
STOCKTAKE = "urn:x-stocktake:iati:1"  # the namespace of Stocktake's extension attributes
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
VOCABULARY_OWN = "99"  # IndicatorVocabulary / ResultVocabulary: the reporting organisation's own codes
MEASURE_UNIT, MEASURE_PERCENTAGE = "1", "2"  # IndicatorMeasure codelist
RESULT_TYPE = {  # ResultType codelist: 1 output, 2 outcome, 3 impact, 9 other
    Indicator.Level.OUTPUT: "1",
    Indicator.Level.OUTCOME: "2",
    Indicator.Level.IMPACT: "3",
}
ORGANISATION_TYPE_GOVERNMENT = "10"  # OrganisationType codelist
ROLE_IMPLEMENTING = "4"  # OrganisationRole codelist
ACTIVITY_STATUS_IMPLEMENTATION = "2"  # ActivityStatus codelist
ACTIVITY_DATE_PLANNED_START, ACTIVITY_DATE_ACTUAL_START, ACTIVITY_DATE_PLANNED_END = "1", "2", "3"  # ActivityDateType
DESCRIPTION_GENERAL = "1"  # DescriptionType codelist
DEADLINE = "deadline"  # st:kind of the period that ends on the target's deadline


def _st(name: str) -> str:
    return f"{{{STOCKTAKE}}}{name}"


def number(value: float) -> str:
    """A value as IATI writes it: a plain decimal, no thousands separator, no exponent."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _narratives(parent, texts: list[tuple[str, str]]) -> None:
    """One narrative per language; the original's language is the activity's default, so it carries none."""
    original = TR.original_language()
    for lang, text in texts:
        if not text:
            continue
        n = etree.SubElement(parent, "narrative")
        n.text = text
        if lang != original:
            n.set(XML_LANG, lang)


def _titled(parent, tag: str, obj, field: str, **attrs) -> etree._Element | None:
    texts = [(lang, t) for lang, t in TR.all_texts(obj, field) if t]
    if not texts:
        return None
    el = etree.SubElement(parent, tag, **attrs)
    _narratives(el, texts)
    return el


def activities() -> bytes:
    """The IATI activity file of the public account (UTF-8 bytes)."""
    now = timezone.now().replace(microsecond=0).isoformat()
    root = etree.Element("iati-activities", nsmap={"st": STOCKTAKE}, version=VERSION)
    root.set("generated-datetime", now)
    for priority in C.public_priorities():
        root.append(activity(priority, now))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _government() -> str:
    return settings.STOCKTAKE_GOVERNMENT or C.root().name


def activity(priority, now: str) -> etree._Element:
    chosen = C.choices(priority)
    ref = settings.STOCKTAKE_IATI_ORG_REF
    act = etree.Element("iati-activity")
    act.set("last-updated-datetime", now)
    act.set(XML_LANG, TR.original_language())
    act.set(_st("pillar"), priority.pillar.code)
    etree.SubElement(act, "iati-identifier").text = f"{ref}-{priority.code}"
    org = etree.SubElement(act, "reporting-org", ref=ref, type=ORGANISATION_TYPE_GOVERNMENT)
    etree.SubElement(org, "narrative").text = _government()
    _titled(act, "title", priority, "name")
    description = etree.SubElement(act, "description", type=DESCRIPTION_GENERAL)
    summary = [(lang, t) for lang, t in TR.all_texts(chosen, "summary") if t]
    _narratives(description, summary or TR.all_texts(priority, "description") or [])
    if not len(description):
        _narratives(description, TR.all_texts(priority, "name"))
    lead = etree.SubElement(act, "participating-org", role=ROLE_IMPLEMENTING, type=ORGANISATION_TYPE_GOVERNMENT)
    lead.set(_st("code"), priority.lead_organisation.code)
    etree.SubElement(lead, "narrative").text = priority.lead_organisation.name
    etree.SubElement(act, "activity-status", code=ACTIVITY_STATUS_IMPLEMENTATION)
    targets = _national_targets(priority) if chosen.show_target else {}
    starts = [t.baseline_date for t in targets.values()]
    ends = [t.target_date for t in targets.values()]
    if starts:  # the activity runs from the first baseline to the last deadline
        etree.SubElement(
            act, "activity-date", type=ACTIVITY_DATE_PLANNED_START, **{"iso-date": min(starts).isoformat()}
        )
        etree.SubElement(act, "activity-date", type=ACTIVITY_DATE_PLANNED_END, **{"iso-date": max(ends).isoformat()})
    else:  # IATI wants one date: without published targets, the day the commitment went public
        when = timezone.localdate(chosen.published_at) if chosen.published_at else timezone.localdate()
        etree.SubElement(act, "activity-date", type=ACTIVITY_DATE_ACTUAL_START, **{"iso-date": when.isoformat()})
    for outcome in priority.outcomes.order_by("rank", "code"):
        by_type: dict[str, list] = {}
        for ind in outcome.indicators.order_by("rank", "code"):
            by_type.setdefault(RESULT_TYPE.get(ind.level, "9"), []).append(ind)
        for result_type, inds in by_type.items():
            act.append(result(outcome, result_type, inds, targets))
    return act


def _national_targets(priority) -> dict[int, Target]:
    found = Target.objects.filter(indicator__outcome__priority=priority, org_unit=None)
    return {t.indicator_id: t for t in found}


def result(outcome, result_type: str, inds, targets: dict[int, Target]) -> etree._Element:
    res = etree.Element("result", type=result_type)
    _titled(res, "title", outcome, "name")
    _titled(res, "description", outcome, "description")
    etree.SubElement(res, "reference", vocabulary=VOCABULARY_OWN, code=outcome.code)
    for ind in inds:
        res.append(indicator(ind, targets.get(ind.pk)))
    return res


def indicator(ind, target: Target | None) -> etree._Element:
    el = etree.Element("indicator", measure=MEASURE_PERCENTAGE if ind.unit == "%" else MEASURE_UNIT)
    el.set("ascending", "1" if ind.direction == Indicator.Direction.UP else "0")
    el.set(_st("unit"), ind.unit)
    el.set(_st("frequency"), ind.frequency)
    _titled(el, "title", ind, "name")
    _titled(el, "description", ind, "description")
    etree.SubElement(el, "reference", vocabulary=VOCABULARY_OWN, code=ind.code)
    if target is not None:
        base = etree.SubElement(el, "baseline", year=str(target.baseline_date.year))
        base.set("iso-date", target.baseline_date.isoformat())
        base.set("value", number(target.baseline_value))
    root = C.root()
    for row in opendata.series_rows(ind):
        if row["org_unit"] != root.code or row["value"] is None:
            continue
        period = _period(el, date.fromisoformat(row["period_start"]), date.fromisoformat(row["period_end"]))
        period.set(_st("period"), row["period"])
        etree.SubElement(period, "actual", value=number(row["value"]))
    if target is not None:
        period = _period(el, target.baseline_date + timedelta(days=1), target.target_date)
        period.set(_st("kind"), DEADLINE)
        etree.SubElement(period, "target", value=number(target.target_value))
    return el


def _period(parent, start: date, end: date) -> etree._Element:
    period = etree.SubElement(parent, "period")
    etree.SubElement(period, "period-start", **{"iso-date": start.isoformat()})
    etree.SubElement(period, "period-end", **{"iso-date": end.isoformat()})
    return period
