"""Table cells built in Python for the big grids.

A national heat map is 500 rows x 12 cells; Django's template engine
spends most of a request on that many small tags. These functions build
the same markup with plain string joins (every text escaped), so the
templates stay readable for everything else.
"""

from __future__ import annotations

import re
from functools import cache
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from stocktake.architecture import numbers
from stocktake.delivery import status as S

from .marks import coverage_text

_SPECIAL = re.compile(r"[&<>\"']")


def _text(text: str) -> str:
    """Escaped text; a formatted number (most of a grid) has nothing to escape, and a search is cheaper."""
    return escape(text) if _SPECIAL.search(text) else text


@cache
def _cell_tag(code: str, unverified: bool, language: str | None) -> tuple[str, str]:
    """A status cell's opening tag, split around its column number: the same for every cell of that status
    (in one language: `language` keys the cache)."""
    extra = " unverified" if unverified else ""
    title = _("%(status)s (unverified)") % {"status": S.LABELS[code]} if unverified else S.LABELS[code]
    return f'<td class="cell status-{code}{extra}" data-status="{code}" data-col="', f'" title="{escape(title)}">'


def _incomplete_cell(i: int, c) -> str:
    """A cell whose figure stands for too few units: not coloured by status, and saying how few."""
    title = escape(_("Incomplete: %(coverage)s") % {"coverage": coverage_text(c.coverage)})
    return (
        f'<td class="cell incomplete" data-status="incomplete" data-col="{i}" title="{title}">'
        f'{_text(c.text)}<sup class="coverage-mark">{c.coverage.reported}/{c.coverage.expected}</sup></td>'
    )


def heat_cells(cells) -> SafeString:
    return mark_safe(_heat_cells(cells, get_language(), {}))


def _heat_cells(cells, language, tags: dict) -> str:
    """The cells of one row; `tags` holds the opening tags already made for this grid, by status."""
    out = []
    for i, c in enumerate(cells):
        if c is None:
            out.append(f'<td class="cell empty" data-col="{i}">–</td>')
        elif c.incomplete:
            out.append(_incomplete_cell(i, c))
        else:
            key = (c.status.code, c.unverified)
            tag = tags.get(key)
            if tag is None:
                tag = tags[key] = _cell_tag(*key, language)
            out.append(f"{tag[0]}{i}{tag[1]}{_text(c.text)}</td>")
    return "".join(out)


def heat_rows(rows, link: str) -> SafeString:
    """The heat map's body: rows of (unit, drill, cells); `link` is the indicator page's URL.

    A unit with levels below it opens its own heat map in place (htmx); one at the reporting level links
    to its series on the indicator page.
    """
    out = []
    link = escape(link)
    language, tags = get_language(), {}
    for unit, drill, cells in rows:
        code, name = escape(unit.code), escape(unit.name)
        if drill:
            head = (
                f'<a href="?unit={code}" hx-get="?unit={code}" hx-target="#view" hx-select="#view" '
                f'hx-swap="outerHTML" hx-push-url="true" class="drill">{name}</a>'
            )
        else:
            head = f'<a href="{link}?unit={code}">{name}</a>'
        out.append(f'<tr data-unit="{code}">\n    <th>{head}</th>\n    {_heat_cells(cells, language, tags)}\n  </tr>')
    return mark_safe("".join(out))


def _movement(m) -> str:
    if m is None:
        new = escape(_("new"))
        return f'<span class="move-same">{new}</span>'
    if m > 0:
        return f'<span class="move-up">▲ {m}</span>'
    if m < 0:
        return f'<span class="move-down">▼ {-m}</span>'
    return '<span class="move-same">–</span>'


def league_rows(indicator, rows, link: str, rule: str) -> SafeString:
    """The league table's body; `link` is the indicator page's URL."""
    out = []
    rule = escape(rule)
    word = escape(_("unverified"))
    value_text = indicator.formatter()
    # One decimal more than the values for plan and gap: a district planned 3.6 homicides that had 4 is
    # 0.4 behind, which "4 vs 4, -0" would hide.
    number = numbers.formatter(max(indicator.decimals, 1))
    for r in rows:
        code = r.status.code
        unverified = f' <span class="unverified-note">{word}</span>' if r.unverified else ""
        if r.incomplete:
            note = escape(_("incomplete: %(coverage)s") % {"coverage": coverage_text(r.coverage)})
            unverified += f' <span class="incomplete-note">{note}</span>'
        rank = "–" if r.rank is None else str(r.rank)
        gap = "–" if r.gap is None else f"{'+' if r.gap >= 0 else '−'}{number(abs(r.gap))}"
        planned = number(r.planned)
        out.append(
            f'<tr data-unit="{escape(r.unit.code)}" data-status="{code}"><td class="num">{rank}</td>'
            f"<td>{_movement(r.movement)}</td>"
            f'<td><a href="{escape(link)}?unit={escape(r.unit.code)}">{escape(r.unit.name)}</a></td>'
            f'<td class="num">{escape(value_text(r.value))}{unverified}</td>'
            f'<td class="num">{escape(planned)}</td><td class="num">{escape(gap)}</td>'
            f'<td><span class="status status-{code}" title="{rule}">{escape(r.status.label)}</span></td></tr>'
        )
    return mark_safe("".join(out))
