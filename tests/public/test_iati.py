"""IATI activity XML 2.03: the export validates against the official schema and holds published values only;
real IATI files import through the actions; a refused file is named element by element and stores nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from lxml import etree

from stocktake.architecture.models import Indicator, Priority, Target
from stocktake.monitoring.models import DataValue
from stocktake.public import actions, iati, iati_import
from tests import factories
from tests.factories import sign_in

from . import iati_schema
from .helpers import commitment

FILES = Path(__file__).parent / "files"
GLOBAL_FUND = FILES / "globalfund_armenia_hiv_single_activity.xml"
EXAMPLE = FILES / "iati_2.01_example_annotated.xml"


def _publish_demo():
    for p in Priority.objects.filter(published=True):
        actions.publish(p, user=factories.user("duhead"), published=True)


def test_the_demo_export_validates_against_the_iati_2_03_schema(db):
    _publish_demo()
    xml = sign_in(None).get("/public/data/iati.xml").content
    assert iati_schema.errors(xml) == []
    root = etree.fromstring(xml)
    assert root.get("version") == "2.03"
    assert len(root.findall("iati-activity")) == Priority.objects.filter(published=True).count()
    assert root.findall(".//result/indicator/period/actual") and root.findall(".//result/indicator/baseline")


def test_the_schema_check_can_fail():
    bad = b'<iati-activities version="2.03"><iati-activity><title/></iati-activity></iati-activities>'
    assert iati_schema.errors(bad)


def test_the_export_holds_published_values_only_and_the_api_gives_the_same_file(db):
    ind = commitment("iati-pub")
    factories.record(ind, "NAT", "2026-01", 81.25, state="published")
    factories.record(ind, "NAT", "2026-02", 97.75, state="validated")
    factories.record(ind, "NAT", "2026-03", 96.5)
    c = sign_in(None)
    xml = c.get("/public/data/iati.xml").content
    assert iati_schema.errors(xml) == []
    (el,) = etree.fromstring(xml).xpath("//indicator[reference/@code='iati-pub']")
    assert el.get("measure") == "2" and el.get("ascending") == "1"
    assert [a.get("value") for a in el.iter("actual")] == ["81.25"]
    assert [t.get("value") for t in el.iter("target")] == ["90"]
    assert el.find("baseline").get("value") == "80" and el.find("baseline").get("iso-date") == "2025-01-01"
    api = c.get("/api/public/iati")
    assert api.status_code == 200 and api["Content-Type"].startswith("application/xml")

    def _without_time(body: bytes) -> bytes:
        tree = etree.fromstring(body)
        for node in tree.iter("iati-activities", "iati-activity"):
            node.attrib.pop("generated-datetime", None)
            node.attrib.pop("last-updated-datetime", None)
        return etree.tostring(tree)

    assert _without_time(api.content) == _without_time(xml)


def test_targets_are_exported_only_where_the_delivery_unit_publishes_them(db):
    ind = commitment("iati-hidden-target", show_target=False)
    factories.record(ind, "NAT", "2026-01", 81.25, state="published")
    xml = iati.activities()
    assert iati_schema.errors(xml) == []
    (el,) = etree.fromstring(xml).xpath("//indicator[reference/@code='iati-hidden-target']")
    assert el.find("baseline") is None and not list(el.iter("target"))


def test_translations_go_out_as_narratives_with_their_language(db):
    from stocktake.architecture import actions as architecture_actions

    ind = commitment("iati-lang")
    architecture_actions.set_translations(ind, {"es": {"name": "Pacientes atendidos"}, "fr": {"name": "Patients vus"}})
    xml = iati.activities()
    assert iati_schema.errors(xml) == []
    (el,) = etree.fromstring(xml).xpath("//indicator[reference/@code='iati-lang']")
    narratives = {n.get(iati.XML_LANG): n.text for n in el.find("title").findall("narrative")}
    assert narratives == {None: "iati-lang", "es": "Pacientes atendidos", "fr": "Patients vus"}


def test_the_global_fund_file_imports_its_ten_results_as_indicators_and_values(db):
    done = iati_import.import_file(GLOBAL_FUND.read_bytes(), interface="test")
    priority = Priority.objects.get(code="arm-202-g05-h-00")
    inds = Indicator.objects.filter(outcome__priority=priority)
    assert done.indicators == inds.count() == 10
    assert priority.lead_organisation.code == "47045"
    arv = inds.get(name__startswith="Number of adults and children with advanced HIV")
    (dv,) = DataValue.objects.filter(indicator=arv)
    assert (dv.value, dv.period.code, dv.state, dv.org_unit.depth) == (360.0, "2012-09", "submitted", 1)
    values = set(DataValue.objects.filter(indicator__in=inds).values_list("value", flat=True))
    assert 20000.0 in values or 1110.0 in values  # "20,000" and "1,110": thousands separators read
    assert any("not a Stocktake period" in w for w in done.warnings)  # a half year, recorded in its last month
    assert not Target.objects.filter(indicator__in=inds).exists()  # targets without a baseline are not targets
    assert any("without a baseline" in w for w in done.warnings)


def test_the_iati_example_imports_with_its_baseline_target_and_translations(db):
    done = iati_import.import_file(EXAMPLE.read_bytes(), interface="test")
    assert done.indicators == 1
    (ind,) = Indicator.objects.filter(outcome__priority__code="abc123")
    assert (ind.name, ind.unit, ind.direction, ind.frequency) == ("Indicator title", "count", "up", "Q")
    target = Target.objects.get(indicator=ind, org_unit=None)
    assert (target.baseline_value, target.baseline_date.isoformat()) == (10.0, "2012-01-01")
    assert (target.target_value, target.target_date.isoformat()) == (10.0, "2013-03-31")
    (dv,) = DataValue.objects.filter(indicator=ind)
    assert (dv.value, dv.period.code) == (11.0, "2013Q1")
    priority = ind.outcome.priority
    assert priority.translations["fr"]["name"] == "Titre de l'activité"
    assert priority.translations["es"]["name"] == "Título de la actividad"


def test_importing_the_same_file_twice_changes_nothing(db):
    iati_import.import_file(EXAMPLE.read_bytes(), interface="test")
    again = iati_import.import_file(EXAMPLE.read_bytes(), interface="test")
    assert again.values == {"created": 0, "changed": 0, "unchanged": 1}


BAD = b"""<?xml version="1.0"?>
<iati-activities version="2.03">
 <iati-activity>
  <iati-identifier>XM-BAD-1</iati-identifier>
  <title><narrative>A good activity</narrative></title>
  <result type="1">
   <title><narrative>Result</narrative></title>
   <indicator measure="1">
    <title><narrative>Good indicator</narrative></title>
    <period><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/><actual value="12"/></period>
   </indicator>
   <indicator measure="1">
    <title><narrative>Bad value</narrative></title>
    <period><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/><actual value="lots"/></period>
   </indicator>
   <indicator measure="1">
    <period><period-start iso-date="2024-13-01"/><period-end iso-date="2024-12-31"/></period>
   </indicator>
  </result>
 </iati-activity>
</iati-activities>
"""


def test_every_refused_element_is_named_with_its_line_and_xpath_and_nothing_is_stored(db):
    before = (Priority.objects.count(), Indicator.objects.count(), DataValue.objects.count())
    with pytest.raises(iati_import.IatiRefused) as refused:
        iati_import.import_file(BAD, interface="test")
    problems = {(p["line"], p["xpath"]): p["message"] for p in refused.value.problems}
    assert problems == {
        (14, "/iati-activities/iati-activity/result/indicator[2]/period/actual"): "@value 'lots' is not a number",
        (16, "/iati-activities/iati-activity/result/indicator[3]"): "an indicator needs a title",
    }
    assert (Priority.objects.count(), Indicator.objects.count(), DataValue.objects.count()) == before
    assert not Priority.objects.filter(code="xm-bad-1").exists()


def test_the_command_names_the_refused_elements_and_exits_non_zero(db, tmp_path, capsys):
    path = tmp_path / "bad.xml"
    path.write_bytes(BAD)
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("iati", "import", str(path))
    assert "line 14 /iati-activities/iati-activity/result/indicator[2]/period/actual" in capsys.readouterr().err


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<iati-activities version="2.03"><iati-activity><iati-identifier>&lol3;</iati-identifier></iati-activity>
</iati-activities>"""

EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<iati-activities version="2.03"><iati-activity><iati-identifier>&secret;</iati-identifier></iati-activity>
</iati-activities>"""


@pytest.mark.parametrize("attack", [BILLION_LAUGHS, EXTERNAL], ids=["billion-laughs", "external-entity"])
def test_entity_attacks_are_refused_before_anything_is_read(db, attack):
    before = Priority.objects.count()
    with pytest.raises(iati_import.IatiRefused) as refused:
        iati_import.import_file(attack, interface="test")
    assert "DOCTYPE" in refused.value.problems[0]["message"]
    assert Priority.objects.count() == before


def test_a_file_that_is_not_xml_or_not_iati_is_refused_with_its_line(db):
    with pytest.raises(iati_import.IatiRefused) as refused:
        iati_import.import_file(b"<iati-activities>\n<iati-activity>\n</iati-activities>", interface="test")
    assert refused.value.problems[0]["line"] == 3
    with pytest.raises(iati_import.IatiRefused, match="iati-activities"):
        iati_import.import_file(b"<html/>", interface="test")


def _facts(xml: bytes) -> dict:
    """What an IATI file says of each indicator: name, measure, direction, baseline, target, actuals."""
    out = {}
    for el in etree.fromstring(xml).iter("indicator"):
        code = [r.get("code") for r in el.findall("reference") if r.get("vocabulary") == "99"][0]
        base = el.find("baseline")
        out[code] = {
            "name": el.find("title/narrative").text,
            "measure": el.get("measure"),
            "ascending": el.get("ascending"),
            "unit": el.get(f"{{{iati.STOCKTAKE}}}unit"),
            "baseline": None if base is None else (base.get("iso-date"), float(base.get("value"))),
            "target": [
                (p.find("period-end").get("iso-date"), float(t.get("value")))
                for p in el.iter("period")
                for t in p.findall("target")
            ],
            "actuals": [
                (p.find("period-start").get("iso-date"), float(a.get("value")))
                for p in el.iter("period")
                for a in p.findall("actual")
            ],
        }
    return out


def _run(args: list[str], data_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STOCKTAKE_", "DJANGO_"))}
    env["STOCKTAKE_DATA_DIR"] = str(data_dir)
    done = subprocess.run(
        [sys.executable, "-m", "stocktake", *args], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done


DUMP = """
import json
from stocktake.architecture.models import Indicator, Target
from stocktake.monitoring.models import DataValue
out = {}
for i in Indicator.objects.all():
    t = Target.objects.filter(indicator=i, org_unit=None).first()
    out[i.code] = {
        "name": i.name, "unit": i.unit, "direction": i.direction, "frequency": i.frequency,
        "target": None if t is None else [t.baseline_date.isoformat(), t.baseline_value, t.target_date.isoformat(), t.target_value],
        "published": sorted([v.period.start.isoformat(), v.value] for v in DataValue.objects.filter(indicator=i, state="published")),
    }
print(json.dumps(out))
"""


def test_the_demo_export_round_trips_through_an_empty_database(db, tmp_path):
    """Export the demo, import it into a new empty database, and find the same indicators, targets and
    published values there."""
    _publish_demo()
    first = iati.activities()
    path = tmp_path / "demo-iati.xml"
    path.write_bytes(first)
    _run(["migrate", "-v", "0"], tmp_path)
    _run(["iati", "import", str(path), "--published"], tmp_path)
    stored = json.loads(_run(["shell", "-c", DUMP], tmp_path).stdout.strip().splitlines()[-1])
    facts = _facts(first)
    assert set(stored) == set(facts)
    for code, f in facts.items():
        s = stored[code]
        ind = Indicator.objects.get(code=code)
        assert (s["name"], s["unit"], s["direction"], s["frequency"]) == (
            ind.name,
            ind.unit,
            ind.direction,
            ind.frequency,
        )
        assert [[d, pytest.approx(v)] for d, v in f["actuals"]] == s["published"], code
        if f["baseline"]:
            ((end, value),) = f["target"]
            assert s["target"] == [f["baseline"][0], f["baseline"][1], end, value]
        else:
            assert s["target"] is None
