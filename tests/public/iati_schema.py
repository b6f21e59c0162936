"""The official IATI 2.03 activity schema, as the pinned pyIATI package ships it (scripts/install.sh installs it
with --no-deps; only its XSD files are read, never its code, so the package is found, not imported)."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from lxml import etree


def schema_path() -> Path:
    spec = importlib.util.find_spec("iati")
    assert spec is not None and spec.submodule_search_locations, (
        "pyIATI==0.4.1 is missing: bash scripts/install.sh test"
    )
    return Path(spec.submodule_search_locations[0]) / "resources/standard/2-03/schemas/iati-activities-schema.xsd"


@cache
def activity_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(schema_path())))


def errors(xml: bytes) -> list[str]:
    """The schema's complaints about a file, each with its line ([] when it is valid)."""
    schema = activity_schema()
    if schema.validate(etree.fromstring(xml)):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
