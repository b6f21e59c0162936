"""The Instructions sheet of the setup workbook and its blank template, written from the one list of sheets."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from . import sheets as S

KINDS = {
    S.TEXT: gettext_noop("text"),
    S.INT: gettext_noop("whole number"),
    S.FLOAT: gettext_noop("number"),
    S.DATE: gettext_noop("date YYYY-MM-DD"),
    S.BOOL: gettext_noop("yes / no"),
    S.JSON: "JSON",
    S.CHOICE: gettext_noop("one of the allowed values"),
}


def instructions() -> list[list[str]]:
    """Rows of the Instructions sheet: a few lines of how-to, then one row per column of every sheet."""
    rows = [
        [_("Stocktake setup workbook")],
        [
            _(
                "Fill in one sheet per kind of record. Each row is matched by its code: a new code is created, a known code is changed, and a row equal to what is stored changes nothing."
            )
        ],
        [
            _(
                "Keep every sheet, even if empty below its header. Do not add columns. Org-unit depth (level) starts at 1 for the top of the hierarchy."
            )
        ],
        [
            _(
                "Load it with `stocktake setup FILE --dry-run` (check only), then `stocktake setup FILE`, or on the Setup page."
            )
        ],
        [],
        [_("Sheet"), _("Column"), _("Required"), _("Type"), _("Meaning"), _("Allowed values")],
    ]
    for sheet in S.SHEETS:
        rows.append([sheet.name, "", "", "", str(sheet.help), ""])
        for col in sheet.columns:
            rows.append(
                [
                    sheet.name,
                    col.name,
                    _("yes") if col.required else "",
                    _(KINDS[col.kind]),
                    str(col.help),
                    ", ".join(col.choices),
                ]
            )
    return rows
