"""docs/reference.md documents every setting, command and API route, so the reference cannot drift from the code.

As Datasette's test_docs.py does: the lists are read from the code itself, so a new
`STOCKTAKE_*` setting, a new `stocktake` command or flag, or a new API route fails
here until it has its line in the reference. Each failure names what is missing
and where it belongs.

- Settings: every `STOCKTAKE_*` environment variable read anywhere in src/ (os.environ,
  os.getenv) and every `STOCKTAKE_*` name settings.py defines; each needs `` `NAME` `` in
  the reference's "Settings" section.
- Commands: every module in src/stocktake/*/management/commands/; each needs a heading
  `` ### `stocktake NAME` `` in "Commands", and each of its flags `` `--flag` `` under it.
- API routes: every path and method in the Ninja API's OpenAPI schema; each needs
  `` `METHOD /api/path` `` in "API routes" (one line each, grouped by router), and a
  documented route that no longer exists fails too.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "stocktake"
REFERENCE = ROOT / "docs" / "reference.md"
SETTING = re.compile(r"^STOCKTAKE_[A-Z0-9_]+$")


# What the code has ---------------------------------------------------------------------------------------------


def _is_environ(node) -> bool:
    """os.environ (or a bare `environ` imported from os)."""
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ"
    )


def _env_names(tree) -> set[str]:
    """STOCKTAKE_* names read from the environment: os.environ.get/[...]/setdefault/pop, os.getenv, `in os.environ`."""
    found = set()
    for node in ast.walk(tree):
        keys = []
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            if (node.func.attr in ("get", "setdefault", "pop") and _is_environ(node.func.value)) or (
                node.func.attr == "getenv"
            ):
                keys.append(node.args[0])
        elif isinstance(node, ast.Subscript) and _is_environ(node.value):
            keys.append(node.slice)
        elif isinstance(node, ast.Compare) and any(_is_environ(c) for c in node.comparators):
            keys.append(node.left)
        found |= {
            k.value for k in keys if isinstance(k, ast.Constant) and isinstance(k.value, str) and SETTING.match(k.value)
        }
    return found


def settings_in_code(src: Path = SRC) -> dict[str, str]:
    """{setting: where it is read}, for environment variables anywhere in src and names settings.py defines."""
    out = {}
    for path in sorted(src.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        where = str(path.relative_to(src.parent))
        for name in _env_names(tree):
            out.setdefault(name, where)
        if path.name == "settings.py" and path.parent == src:
            for node in tree.body:
                targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
                for t in targets:
                    if isinstance(t, ast.Name) and SETTING.match(t.id):
                        out.setdefault(t.id, where)
    return out


def commands_in_code(src: Path = SRC) -> dict[str, list[str]]:
    """{command: [its flags]}, for every management command of ours, flags from its own argument parser."""
    from django.core.management import BaseCommand, load_command_class

    common = {a.dest for a in BaseCommand().create_parser("stocktake", "x")._actions}
    out = {}
    for path in sorted(src.glob("*/management/commands/*.py")):
        if path.name.startswith("_"):
            continue
        command = load_command_class(f"stocktake.{path.parts[-4]}", path.stem)
        parser = command.create_parser("stocktake", path.stem)
        out[path.stem] = [
            max(a.option_strings, key=len) for a in parser._actions if a.dest not in common and a.option_strings
        ]
    return out


def routes_in_code() -> list[str]:
    """Every 'METHOD /api/path' in the Ninja API's OpenAPI schema, with the router (tag) it belongs to."""
    from stocktake.api import api

    schema = api.get_openapi_schema()
    return [f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops]


def route_routers() -> dict[str, str]:
    from stocktake.api import api

    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} {path}": ", ".join(op.get("tags") or ["(untagged)"])
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
    }


# What the reference says ---------------------------------------------------------------------------------------


def section(text: str, title: str) -> str:
    """The text of one `## title` section of the reference (up to the next `## `)."""
    match = re.search(rf"^## {re.escape(title)}\s*$(.*?)(?=^## |\Z)", text, re.S | re.M)
    return match.group(1) if match else ""


def command_sections(text: str) -> dict[str, str]:
    """{command: its text} for each `### `stocktake NAME`` heading in the Commands section."""
    body = section(text, "Commands")
    parts = re.split(r"^### `stocktake ([\w-]+)[^`]*`\s*$", body, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2]))


def documented_routes(text: str) -> set[str]:
    return set(re.findall(r"`((?:GET|POST|PUT|PATCH|DELETE) /api/[^`\s]*)`", section(text, "API routes")))


# The checks, as functions so their own tests below can show each one failing ----------------------------------


def undocumented_settings(text: str, code: dict[str, str]) -> list[str]:
    body = section(text, "Settings")
    return [f"{name} (read in {where})" for name, where in sorted(code.items()) if f"`{name}`" not in body]


def undocumented_commands(text: str, code: dict[str, list[str]]) -> list[str]:
    documented = command_sections(text)
    missing = []
    for name, flags in sorted(code.items()):
        if name not in documented:
            missing.append(
                f"stocktake {name} (no '### `stocktake {name}`' heading; flags: {', '.join(flags) or 'none'})"
            )
            continue
        missing += [f"stocktake {name} {flag}" for flag in flags if f"`{flag}" not in documented[name]]
    return missing


def undocumented_routes(text: str, code: list[str], routers: dict[str, str] | None = None) -> list[str]:
    documented, routers = documented_routes(text), routers or {}
    return [f"{r} (router: {routers.get(r, '?')})" for r in code if r not in documented]


def stale_routes(text: str, code: list[str]) -> list[str]:
    return sorted(documented_routes(text) - set(code))


def _fail_if(missing: list[str], what: str) -> None:
    if missing:
        pytest.fail(
            f"docs/reference.md does not document {len(missing)} {what}:\n  " + "\n  ".join(missing), pytrace=False
        )


# The tests --------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference() -> str:
    assert REFERENCE.exists(), "docs/reference.md is missing"
    return REFERENCE.read_text()


def test_every_setting_is_documented(reference):
    _fail_if(undocumented_settings(reference, settings_in_code()), "setting(s) (add a row to the Settings table)")


def test_every_command_and_flag_is_documented(reference):
    _fail_if(undocumented_commands(reference, commands_in_code()), "command(s) or flag(s) (under Commands)")


def test_every_api_route_is_documented(reference):
    _fail_if(
        undocumented_routes(reference, routes_in_code(), route_routers()),
        "API route(s) (add a line under its router in API routes)",
    )


def test_no_documented_route_is_gone(reference):
    stale = stale_routes(reference, routes_in_code())
    assert not stale, f"docs/reference.md documents API routes the API no longer has: {', '.join(stale)}"


def test_the_readme_links_the_reference():
    assert "(docs/reference.md)" in (ROOT / "README.md").read_text()


# Tests of the checks: each one fails on a reference that leaves something out ------------------------------------
# (compared with what the real reference already lacks, so a gap the lead has yet to fill shows up once, above)


def newly_missing(check, changed: str, reference: str, *code) -> list[str]:
    before = set(check(reference, *code))
    return [m for m in check(changed, *code) if m not in before]


def test_the_settings_check_finds_environment_reads_anywhere_and_names_them(tmp_path):
    pkg = tmp_path / "stocktake"
    (pkg / "app").mkdir(parents=True)
    (pkg / "settings.py").write_text('import os\nSTOCKTAKE_LIMIT = (1, 2)\nX = os.environ.get("STOCKTAKE_A", "1")\n')
    (pkg / "app" / "mod.py").write_text(
        "import os\nfrom os import environ\n"
        'a = os.environ["STOCKTAKE_B"]\nb = os.getenv("STOCKTAKE_C")\n'
        'c = "STOCKTAKE_D" in os.environ\nd = environ.get("STOCKTAKE_E")\n'
        'e = "STOCKTAKE_NOT_READ"\n'
    )
    code = settings_in_code(pkg)
    assert set(code) == {"STOCKTAKE_LIMIT", "STOCKTAKE_A", "STOCKTAKE_B", "STOCKTAKE_C", "STOCKTAKE_D", "STOCKTAKE_E"}
    text = "## Settings\n\n| `STOCKTAKE_A` | `STOCKTAKE_B` | `STOCKTAKE_C` | `STOCKTAKE_LIMIT` |\n\n## Commands\n`STOCKTAKE_D`\n"
    assert undocumented_settings(text, code) == [
        "STOCKTAKE_D (read in stocktake/app/mod.py)",
        "STOCKTAKE_E (read in stocktake/app/mod.py)",
    ]


def test_the_real_settings_include_the_from_address_and_the_check_catches_it(reference):
    code = settings_in_code()
    assert code["STOCKTAKE_FROM_EMAIL"] == "stocktake/settings.py" and "STOCKTAKE_LOCKOUT" in code
    without = reference.replace("`STOCKTAKE_FROM_EMAIL`", "STOCKTAKE_FROM_EMAIL")
    assert newly_missing(undocumented_settings, without, reference, code) == [
        "STOCKTAKE_FROM_EMAIL (read in stocktake/settings.py)"
    ]


def test_the_commands_check_names_a_missing_command_and_a_missing_flag(reference):
    code = commands_in_code()
    assert code["compute-payments"] == ["--fund", "--user", "--dry-run"]
    without_flag = reference.replace("`--fund", "--fund")
    assert newly_missing(undocumented_commands, without_flag, reference, code) == ["stocktake compute-payments --fund"]
    without_command = reference.replace("### `stocktake compute-payments", "### compute-payments")
    assert newly_missing(undocumented_commands, without_command, reference, code) == [
        "stocktake compute-payments (no '### `stocktake compute-payments`' heading; flags: --fund, --user, --dry-run)"
    ]


def test_the_routes_check_names_a_missing_route_and_a_stale_one(reference):
    code = routes_in_code()
    assert "POST /api/incentives/payments/{payment_id}/disburse" in code and "GET /api/health" in code
    without = reference.replace("`POST /api/incentives/payments/{payment_id}/disburse`", "")
    assert newly_missing(undocumented_routes, without, reference, code, route_routers()) == [
        "POST /api/incentives/payments/{payment_id}/disburse (router: incentives)"
    ]
    extra = reference.replace("## API routes\n", "## API routes\n\n- `GET /api/no/such/route` gone\n")
    assert newly_missing(stale_routes, extra, reference, code) == ["GET /api/no/such/route"]
