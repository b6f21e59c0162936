"""The one-way app stack (docs/decisions/0003): imports run down the stack, never up or across.

    stocktake (the package: its version), delivery (plain Python), schemas, errors, params (request parsing),
      vocabulary (words our catalogue must win)
    < formfields, apiinput, apidocs, apivalidation (form fields, the API's body parser, the API schema's field
      descriptions, its 422s in words)
    < accounts < architecture < monitoring
    < collection, plans, routines, incentives, evaluations   (siblings: none imports another)
    < problems                                  (its actions go on the routines action tracker)
    < web, demo, onboarding, public             (siblings)
    < api < urls, settings, wsgi, cli < __main__

An app that needs something from one above it at run time is handed it: the
higher app registers it in its AppConfig.ready() (monitoring.hooks). No module
imports another module's private (leading-underscore) names.
The scan reads every .py file under src/stocktake, function-local imports included.
"""

from __future__ import annotations

import ast
from pathlib import Path

import stocktake

ROOT = Path(stocktake.__file__).parent

LAYERS = [
    {"stocktake"},
    {"delivery", "schemas", "errors", "params", "retry", "runners", "vocabulary"},
    {"formfields", "apiinput", "apidocs", "apivalidation"},
    {"accounts"},
    {"architecture"},
    {"monitoring"},
    {"collection", "plans", "routines", "incentives", "evaluations"},
    {"problems"},  # above routines: its actions go on the routines action tracker (routines.actions.create_action)
    {"web", "onboarding", "public"},  # public: the citizens site (reads monitoring, plans)
    {"demo"},  # above onboarding: the demo structure is a setup workbook, loaded by onboarding loader
    {"api"},
    {"urls", "settings", "wsgi", "cli"},
    {"__main__"},
]
LEVEL = {group: level for level, groups in enumerate(LAYERS) for group in groups}


def group_of(module: str) -> str:
    """stocktake.monitoring.views -> monitoring; stocktake.api -> api; stocktake -> stocktake."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def module_of(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(tree, module: str, is_package: bool):
    """(imported module, [names], line) for every import of a stocktake module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "stocktake":
                    yield alias.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(node, module, is_package)
            if target.split(".")[0] == "stocktake":
                yield target, [a.name for a in node.names], node.lineno


def _private(name: str) -> bool:
    """A leading underscore, except gettext's own `_` (stocktake.delivery.text's public marker) and dunders."""
    return name.startswith("_") and name != "_" and not (name.startswith("__") and name.endswith("__"))


def violations(source: str, module: str, is_package: bool = False) -> list[str]:
    """Every upward, sideways or private import in one module's source."""
    found = []
    src_group = group_of(module)
    for target, names, line in _imports(ast.parse(source), module, is_package):
        where = f"{module}:{line} imports {target}"
        dst_group = group_of(target)
        if dst_group != src_group:
            if src_group not in LEVEL or dst_group not in LEVEL:
                found.append(f"{where}: {src_group if src_group not in LEVEL else dst_group} has no layer in LAYERS")
            elif LEVEL[dst_group] > LEVEL[src_group]:
                found.append(f"{where}: upward ({src_group} is below {dst_group})")
            elif LEVEL[dst_group] == LEVEL[src_group]:
                found.append(f"{where}: across siblings ({src_group} and {dst_group})")
        # A private name belongs to its module: importing it from another module is a hidden dependency.
        for name in names:
            submodule = f"{target}.{name}"
            if (
                _private(name)
                and submodule != module
                and not (ROOT.parent / (submodule.replace(".", "/") + ".py")).exists()
            ):
                found.append(f"{where}: private name {name}")
        if any(_private(part) for part in target.split(".")) and target != module:
            found.append(f"{where}: private module")
    return found


def test_imports_run_down_the_stack_only_and_use_no_private_names():
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        found += violations(path.read_text(), module_of(path), is_package=path.name == "__init__.py")
    assert not found, "\n".join(found)


def test_every_app_and_top_level_module_has_a_layer():
    groups = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    groups |= {p.stem for p in ROOT.glob("*.py") if p.stem != "__init__"}
    assert groups - LEVEL.keys() == set()


# The test of the test: each kind of fault, written the way the cycles used to be, is caught.


def test_an_upward_import_is_caught():
    # accounts.permissions used to import architecture (a local import, to dodge the cycle)
    src = "def visible(user):\n    from stocktake.architecture.models import Priority\n"
    assert violations(src, "stocktake.accounts.permissions") == [
        "stocktake.accounts.permissions:2 imports stocktake.architecture.models: upward (accounts is below architecture)"
    ]


def test_an_import_across_siblings_is_caught():
    src = "from stocktake.plans.pack import pages\n"
    assert violations(src, "stocktake.routines.pack") == [
        "stocktake.routines.pack:1 imports stocktake.plans.pack: across siblings (routines and plans)"
    ]


def test_a_private_name_from_another_module_is_caught_relative_or_absolute():
    assert violations("from .views import _profile_context\n", "stocktake.plans.pdf") == [
        "stocktake.plans.pdf:1 imports stocktake.plans.views: private name _profile_context"
    ]
    found = violations("from stocktake.monitoring.views import _indicator, _root\n", "stocktake.architecture.views")
    assert found == [
        "stocktake.architecture.views:1 imports stocktake.monitoring.views: upward (architecture is below monitoring)",
        "stocktake.architecture.views:1 imports stocktake.monitoring.views: private name _indicator",
        "stocktake.architecture.views:1 imports stocktake.monitoring.views: private name _root",
    ]


def test_imports_down_the_stack_and_within_an_app_pass():
    src = (
        "from stocktake import __version__\nfrom stocktake.accounts import permissions\n"
        "from stocktake.architecture.models import Period\nfrom . import series\nfrom .models import DataValue\n"
    )
    assert violations(src, "stocktake.monitoring.views") == []
