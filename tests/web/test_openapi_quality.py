"""The OpenAPI schema is good enough to build a government from: every field described, every choice field
with its allowed values, every request body with an example.

The walk reads the schema served at /api/openapi.json, components and inline bodies and parameters alike.
A "choice field" is any field named like a Stocktake model field that has choices (state, status, kind,
role, rating ...); the few that share such a name but are numbers on a scale are listed with why.
"""

from __future__ import annotations

import pytest
from django.apps import apps

# Fields named like a model choice field that are not choices, and why.
NOT_CHOICES = {
    "ActorIn.level": "the index of a chain's level (0 the centre), not the indicator level",
    "ActorOut.level": "the index of a chain's level (0 the centre), not the indicator level",
    "RiskIn.likelihood": "a risk's 1-5 score, bounded by minimum and maximum",
    "RiskOut.likelihood": "a risk's 1-5 score",
    "RiskPatch.likelihood": "a risk's 1-5 score, bounded by minimum and maximum",
    "ForecastOut.level": "the forecast's value at the target date",
    "OrgUnitOut.level": "an org unit's depth, a number",
    "ActorIn.role": "what a chain actor does, in words",
    "ActorOut.role": "what a chain actor does, in words",
    "MilestoneIn.evidence": "the evidence a milestone is met, in words",
    "MilestoneOut.evidence": "the evidence a milestone is met, in words",
    "MilestonePatch.evidence": "the evidence a milestone is met, in words",
    "FindingIn.evidence": "the evidence behind a review's finding, in words",
    "StakeholderIn.role": "a stakeholder's role in the delivery chain, in words",
    "StakeholderOut.role": "a stakeholder's role in the delivery chain, in words",
    "EngagementPlanIn.role": "a stakeholder's role in the delivery chain, in words",
}


def choice_names() -> set[str]:
    return {
        f.name
        for m in apps.get_models()
        if m.__module__.startswith("stocktake")
        for f in m._meta.concrete_fields
        if f.choices
    }


def _types(prop: dict, components: dict) -> set[str]:
    if "$ref" in prop:
        return _types(components[prop["$ref"].rsplit("/", 1)[-1]], components)
    found = {prop["type"]} if isinstance(prop.get("type"), str) else set()
    for branch in prop.get("anyOf", []) + prop.get("allOf", []):
        found |= _types(branch, components)
    return found


def _has_enum(prop: dict, components: dict) -> bool:
    if "enum" in prop or "const" in prop:
        return True
    if "$ref" in prop:
        return _has_enum(components[prop["$ref"].rsplit("/", 1)[-1]], components)
    return any(_has_enum(b, components) for b in prop.get("anyOf", []) + prop.get("allOf", []))


def faults(schema: dict, choices: set[str]) -> list[str]:
    """Every field without a description, choice field without an enum, and body without an example."""
    components = schema.get("components", {}).get("schemas", {})
    found = []

    def fields(where: str, obj: dict):
        for name, prop in (obj.get("properties") or {}).items():
            key = f"{where}.{name}"
            if not (prop.get("description") or "").strip():
                found.append(f"{key}: no description")
            if (
                name in choices
                and key not in NOT_CHOICES
                and _types(prop, components) & {"string", "integer"}
                and not _has_enum(prop, components)
            ):
                found.append(f"{key}: a choice field without an enum")

    for name, component in components.items():
        if component.get("enum") and not component.get("properties"):
            continue  # an enum component: its values are its description's subject
        fields(name, component)
    for path, operations in schema.get("paths", {}).items():
        for method, op in operations.items():
            where = f"{method.upper()} {path}"
            for param in op.get("parameters", []):
                key = f"{where} {param['in']} {param['name']}"
                if not (param.get("description") or param.get("schema", {}).get("description")):
                    found.append(f"{key}: no description")
                if param["name"] in choices and not _has_enum(param.get("schema", {}), components):
                    found.append(f"{key}: a choice parameter without an enum")
            for ctype, content in op.get("requestBody", {}).get("content", {}).items():
                body = content.get("schema", {})
                if "$ref" in body:
                    body = components[body["$ref"].rsplit("/", 1)[-1]]
                else:
                    fields(f"{where} body", body)
                if not (content.get("example") or content.get("examples") or body.get("examples")):
                    found.append(f"{where} ({ctype}): the body has no example")
    return found


@pytest.fixture(scope="module")
def served(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        r = Client().get("/api/openapi.json")
    assert r.status_code == 200
    return r.json()


def test_every_field_is_described_every_choice_has_its_enum_and_every_body_an_example(served):
    found = faults(served, choice_names())
    assert not found, f"{len(found)} faults in /api/openapi.json:\n" + "\n".join(found)


def test_enums_are_the_models_choices(served):
    from stocktake.monitoring.models import DataValue
    from stocktake.routines.models import Assessment

    components = served["components"]["schemas"]
    assert components["ValueOut"]["properties"]["state"]["enum"] == DataValue.State.values
    assert components["AssessmentIn"]["properties"]["planning"]["enum"] == [1, 2, 3, 4, None]
    assert [c[0] for c in Assessment._meta.get_field("planning").choices] == [1, 2, 3, 4]


def test_the_import_formats_in_the_schema_are_the_importers():
    from stocktake import apidocs
    from stocktake.collection import importer

    assert apidocs.IMPORT_FORMATS == ["", *importer.FORMATS]


def test_the_walk_finds_each_kind_of_fault():
    """The test of the test: a schema with each fault is caught, the same schema mended passes."""
    bad = {
        "components": {
            "schemas": {
                "ThingOut": {
                    "properties": {
                        "state": {"type": "string", "description": "where it is"},
                        "name": {"type": "string"},
                        "level": {"anyOf": [{"type": "integer"}, {"type": "null"}], "description": "the level"},
                    }
                },
                "ThingIn": {"properties": {"name": {"type": "string", "description": "its name"}}},
            }
        },
        "paths": {
            "/api/things": {
                "post": {
                    "parameters": [{"in": "query", "name": "kind", "schema": {"type": "string"}}],
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/x/ThingIn"}}}},
                }
            }
        },
    }
    assert sorted(faults(bad, {"state", "kind", "level"})) == sorted(
        [
            "ThingOut.state: a choice field without an enum",
            "ThingOut.name: no description",
            "ThingOut.level: a choice field without an enum",
            "POST /api/things query kind: no description",
            "POST /api/things query kind: a choice parameter without an enum",
            "POST /api/things (application/json): the body has no example",
        ]
    )
    things = bad["components"]["schemas"]
    things["ThingOut"]["properties"]["state"]["enum"] = ["open", "closed"]
    things["ThingOut"]["properties"]["name"]["description"] = "its name"
    things["ThingOut"]["properties"]["level"]["anyOf"][0]["enum"] = [1, 2]
    things["ThingIn"]["examples"] = [{"name": "x"}]
    param = bad["paths"]["/api/things"]["post"]["parameters"][0]
    param["description"], param["schema"]["enum"] = "which kind", ["a", "b"]
    assert faults(bad, {"state", "kind", "level"}) == []


def _subclasses(cls) -> set:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def test_no_two_schema_classes_share_a_name():
    """The schema's components are keyed by class name: a second class of the same name silently takes the
    first one's place in /api/openapi.json, and a route then documents another route's body (problems'
    LevelIn once hid architecture's, whose body is {depth, name})."""
    from ninja import Schema

    import stocktake.api  # noqa: F401  (every router and its schemas)

    by_name: dict[str, list[str]] = {}
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("stocktake."):
            by_name.setdefault(cls.__name__, []).append(f"{cls.__module__}.{cls.__qualname__}")
    shared = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert not shared, f"schema classes sharing a name: {shared}"
