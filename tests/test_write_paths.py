"""Every write goes through an action (an app's actions.py), which audits it in the same transaction.

An AST scan of src/stocktake: a database write, that is `.save(`, `.delete(`,
`.create(`, `.update(` on a manager or queryset, `bulk_create`, `bulk_update`,
`get_or_create`, `update_or_create` or `create_user`, fails the test outside
`*/actions.py`, unless the function is on the short allow-list below, each
entry with its reason (derived tables such as rollups and caches, the audit
trail itself, bookkeeping that is not delivery data).
"""

from __future__ import annotations

import ast
from pathlib import Path

import stocktake

ROOT = Path(stocktake.__file__).parent

ALWAYS = {"bulk_create", "bulk_update", "get_or_create", "update_or_create", "create_user", "create_superuser"}
ON_MANAGERS = {
    "create",
    "update",
    "delete",
}  # on Model.objects..., a queryset: ambiguous with dict/set methods elsewhere
ON_ANYTHING = {"save", "delete"}
# Receivers of .save()/.delete() that are not models: openpyxl workbooks (also as delivery.cells.safe_workbook(wb)),
# the cache, Ninja's route decorators.
NOT_MODELS = {"wb", "workbook", "safe_workbook", "cache", "router"}

# "path relative to src/stocktake::function" (or a whole file) -> why it may write outside an action.
ALLOWED = {
    "accounts/audit.py": "the audit trail itself and the audited save/delete every action and the back office call",
    "accounts/roles.py": "role groups are derived from people's roles and kept in step by a signal (not delivery data)",
    "accounts/tokens.py::authenticate": "a token's last-used stamp, at most one write per token per five minutes",
    "architecture/models.py::OrgUnit.save": "path and depth are derived from the parent when a unit is saved",
    "monitoring/rollups.py": "rollups and their stamps are derived tables, rebuilt from the values",
    "collection/progress.py::report": "a running import's live progress and heartbeat: throw-away state, on its own "
    "connection so other processes see it before the import commits",
    "collection/importer.py": "moving to the job queue (lead)",
}


def _receiver_root(node: ast.expr) -> str:
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else ""


def _on_manager(node: ast.expr) -> bool:
    """objects / _default_manager / _base_manager / filter(...) / all() ... somewhere in the receiver chain."""
    text = ast.unparse(node)
    return any(
        part in text
        for part in (
            ".objects",
            "_default_manager",
            "_base_manager",
            ".filter(",
            ".exclude(",
            ".all()",
            "select_for_update(",
        )
    )


def writes(source: str, path: str, allowed=ALLOWED) -> list[str]:
    """Every database write in this file that is not in an action or on the allow-list."""
    if path.endswith("actions.py") or "/migrations/" in f"/{path}" or path in allowed:
        return []
    found = []

    def visit(node, scope):
        for child in ast.iter_child_nodes(node):
            inner = scope
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                inner = f"{scope}.{child.name}" if scope else child.name
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute):
                name, receiver = child.func.attr, child.func.value
                is_write = (
                    name in ALWAYS
                    or (name in ON_MANAGERS and _on_manager(receiver))
                    or (
                        name in ON_ANYTHING
                        and _receiver_root(receiver) not in NOT_MODELS
                        and not (
                            isinstance(receiver, ast.Call)
                            and ast.unparse(receiver) == "super()"
                            and scope.endswith(f".{name}")
                        )
                    )
                )
                if is_write and f"{path}::{scope}" not in allowed:
                    found.append(f"{path}:{child.lineno} ({scope or 'module'}) .{name}(")
            visit(child, inner)

    visit(ast.parse(source), "")
    return found


def test_every_write_is_in_an_action_or_on_the_allow_list():
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        found += writes(path.read_text(), path.relative_to(ROOT).as_posix())
    assert not found, "writes outside actions.py:\n" + "\n".join(found)


def test_every_allow_list_entry_still_writes_and_says_why():
    """A stale entry would let a new write in unseen: each must cover at least one write today."""
    for entry, reason in ALLOWED.items():
        path, _, function = entry.partition("::")
        found = writes((ROOT / path).read_text(), path, allowed={})
        assert any(f"({function}" in f for f in found) if function else found, f"{entry} covers no write"
        assert len(reason.split()) >= 4, f"{entry}: say why"


# The test of the test: the writes the issue found, as they were written, are caught.


def test_a_get_or_create_outside_actions_is_caught():
    src = "def _send(indicator, period, kind, email):\n    Reminder.objects.get_or_create(indicator=indicator)\n"
    assert writes(src, "collection/reminders.py") == ["collection/reminders.py:2 (_send) .get_or_create("]


def test_creates_saves_updates_and_deletes_outside_actions_are_caught():
    src = (
        "def build():\n    Pillar.objects.create(code='x')\n    token.save(update_fields=['revoked_at'])\n"
        "    Alert.objects.filter(pk__in=ids).update(emailed_to='a')\n    late.delete()\n"
    )
    assert writes(src, "demo/build.py") == [
        "demo/build.py:2 (build) .create(",
        "demo/build.py:3 (build) .save(",
        "demo/build.py:4 (build) .update(",
        "demo/build.py:5 (build) .delete(",
    ]


def test_the_same_writes_in_an_action_or_an_allowed_function_pass_and_non_database_calls_are_not_writes():
    src = "def raise_alert():\n    Alert.objects.get_or_create(rule=r)\n"
    assert writes(src, "monitoring/actions.py") == []
    assert (
        writes(
            "class OrgUnit:\n    def save(self):\n        super().save()\n"
            "        OrgUnit.objects.filter(pk=1).update(path='/1/')\n",
            "architecture/models.py",
        )
        == []
    )
    assert (
        writes(
            "def f(wb, seen, row):\n    wb.save(out)\n    seen.update(row)\n    row.update(a=1)\n",
            "monitoring/exports.py",
        )
        == []
    )
