"""Quoting a file's own text back in a message, cut to a readable length.

A hostile or broken file can put 10,000 characters in a cell; a message that
echoes it must still fit on one line of a report, so every echo goes through
`shown`, which keeps the first characters and marks the cut with an ellipsis.
"""

from __future__ import annotations

LIMIT = 80


def shown(text, limit: int = LIMIT) -> str:
    """The text as a message may quote it: at most `limit` characters, an ellipsis where it was cut."""
    s = "" if text is None else str(text)
    return s if len(s) <= limit else s[: limit - 1] + "…"


def listed(names, limit: int = 200) -> str:
    """Column names (or other inputs) joined for a message, each cut, the whole list cut too."""
    return shown(", ".join(shown(n, 40) for n in names), limit)
