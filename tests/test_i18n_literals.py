"""Error messages people read are translatable: no exception they see is raised with bare English.

tests/test_i18n.py checks the catalogues and the templates; this scans the Python. A page's 403/404, an API's
error `detail`, a form's ValidationError and the project's own refusals (an import's, a review's, a filter's,
the engine's) reach a reader as words. Each is built with a string literal or an f-string, or a literal
formatted with `%` or `.format`, is English forever, whatever language the reader chose. The message must come
from a gettext call instead (`_`, `gettext_lazy`, `ngettext`, `pgettext`, or delivery's `text._`), with
`%(name)s` placeholders, never an f-string inside `_`.

The scan is `ast`, not a regex, so a call split over lines, a keyword `message=` or a dict of field messages
(`ValidationError({"field": "..."})`) are seen the same way.
"""

from __future__ import annotations

import ast
from pathlib import Path

import stocktake

SRC = Path(stocktake.__file__).parent

LAST = -1  # the message is the last positional argument: (status, message), (field, message), (code, message)
# Exception class -> index of the positional argument that holds the message (the keyword is `message`,
# or `detail`/`reason` for some). Django's and ninja's, then the project's own that carry a reader's message.
MESSAGE_ARG = {
    "PermissionDenied": 0,
    "Http404": 0,
    "HttpError": LAST,  # ninja: HttpError(status_code, message)
    "ValidationError": 0,
    "BadParameter": LAST,  # params.BadParameter(field, reason)
    "BadRequest": 0,
    "SuspiciousOperation": 0,
    "CommandError": 0,  # a management command's refusal, read on the command line
    "Error": 0,  # schemas.Error(detail=...), the body of an API error response
    # The project's refusals, shown on pages, in API errors or on the command line.
    "Refused": 0,
    "FilterError": LAST,  # collection's (field, message); accounts' (message)
    "SetupFileError": 0,
    "TokenError": 0,
    "BackupError": 0,
    # The engine's (delivery/), shown as import refusals and status reasons.
    "CoverageError": 0,
    "ScheduleError": 0,
    "RollupError": 0,
    "ImpactError": LAST,  # (code, message)
    "ShapeError": 0,
    "_CellError": LAST,  # (column, message)
    "NumberError": 0,
    "RubricError": 0,
    "FileError": 0,
    "RowShapeError": 0,
    "TrajectoryError": 0,
    "RuleError": LAST,  # payments' (field, message); alerts' (message)
    "RatingError": 0,
    "CompositionError": 0,
    "ChainError": 0,
    "PeriodError": 0,
    "BenchmarkError": 0,
    "ForecastError": 0,
}
MESSAGE_KEYWORDS = {"message", "detail", "reason", "msg"}


def _name(func: ast.expr) -> str | None:
    """The class name called: `X(...)` or `module.X(...)`."""
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _is_bare_text(node: ast.expr) -> bool:
    """A message that no gettext call made: a literal, an f-string, or a literal formatted or joined."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and any(ch.isalpha() for ch in node.value)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return _is_bare_text(node.left) or (isinstance(node.op, ast.Add) and _is_bare_text(node.right))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _is_bare_text(node.func.value)
    if isinstance(node, ast.Dict):  # ValidationError({"field": "message"})
        return any(_is_bare_text(value) for value in node.values)
    if isinstance(node, (ast.List, ast.Tuple)):  # ValidationError(["message", ...])
        return any(_is_bare_text(element) for element in node.elts)
    if isinstance(node, ast.IfExp):
        return _is_bare_text(node.body) or _is_bare_text(node.orelse)
    return False


def _message_args(call: ast.Call, index: int) -> list[ast.expr]:
    found = [kw.value for kw in call.keywords if kw.arg in MESSAGE_KEYWORDS]
    positional = [arg for arg in call.args if not isinstance(arg, ast.Starred)]
    if positional and (index == LAST or index < len(positional)):
        found.append(positional[index])
    return found


def _error_detail(call: ast.Call) -> ast.expr | None:
    """The `detail` of a ninja error response, `Status(4xx, {"detail": ...})`, or None."""
    if len(call.args) != 2 or not isinstance(call.args[0], ast.Constant) or not isinstance(call.args[1], ast.Dict):
        return None
    if not isinstance(call.args[0].value, int) or call.args[0].value < 400:
        return None
    for key, value in zip(call.args[1].keys, call.args[1].values):
        if isinstance(key, ast.Constant) and key.value == "detail":
            return value
    return None


def literal_messages(source: str, filename: str = "<source>") -> list[tuple[int, str]]:
    """(line, exception class) for each call of a message-carrying exception given bare text."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if name == "Status" and _error_detail(node) is not None and _is_bare_text(_error_detail(node)):
            found.append((node.lineno, name))
            continue
        if name not in MESSAGE_ARG:
            continue
        if any(_is_bare_text(arg) for arg in _message_args(node, MESSAGE_ARG[name])):
            found.append((node.lineno, name))
    return found


def _sources():
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        yield path


def test_no_user_facing_exception_is_raised_with_bare_english():
    found = [
        f"{path.relative_to(SRC.parent)}:{line}: {name}(...) with a literal; wrap the message in _()"
        for path in _sources()
        for line, name in literal_messages(path.read_text(encoding="utf-8"), str(path))
    ]
    assert not found, "\n".join(found)


def test_the_scan_sees_each_kind_of_bare_message():
    """The scan can fail: each way of writing English into an exception is caught, each gettext call passes."""
    bare = """
raise PermissionDenied("Not yours")
raise Http404(f"No plan {pk}")
raise HttpError(404, "No such routine")
raise exceptions.ValidationError({"due": "Due date is before the start"})
raise ValidationError("%s is too long" % name)
raise BadParameter("sort", "not a choice")
raise Refused(message="The file is empty")
raise HttpError(
    409,
    "Already decided",
)
"""
    assert [line for line, _name in literal_messages(bare)] == [2, 3, 4, 5, 6, 7, 8, 9]
    translated = """
raise PermissionDenied(_("Not yours"))
raise Http404(_("No plan %(pk)s") % {"pk": pk})
raise HttpError(404, gettext("No such routine"))
raise ValidationError({"due": _("Due date is before the start")})
raise ValidationError(reason)
raise BadParameter("sort", _("not a choice"))
raise HttpError(422, errors.sentence(exc))
raise Http404()
raise ValidationError(_("%(n)s rows") % {"n": n}, code="rows")
return Status(403, {"detail": _("only data leads import data")})
return Status(200, {"state": "ok"})
raise ImpactError("no_treated", _("There are no treated units."))
"""
    assert literal_messages(translated) == []
