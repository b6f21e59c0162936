"""Schemas every API router shares.

One `Error` for the whole API: Django Ninja names OpenAPI components by class
name, so two routers each declaring their own `Error` would silently share
whichever was registered last, and the schema would lie about one of them.
"""

from ninja import Schema
from pydantic import Field, create_model


class Error(Schema):
    """What every refusal returns: a sentence for people and, for bad input, the reasons per field."""

    detail: str
    errors: dict[str, list[str]] = {}


# Paged lists: every list endpoint answers {count, items, next_offset} the same way. A delivery unit with 20,000
# org units or 2,000 values waiting is read a page at a time; `limit` and `offset` are bounded so a bad query
# string is a 400 naming the field, never an overflow in the database driver.

MAX_LIMIT = 1000


class PageQuery(Schema):
    limit: int = Field(100, ge=1, le=MAX_LIMIT, description="how many items to return (1 to 1000)")
    offset: int = Field(0, ge=0, le=2**31 - 1, description="how many matching items to skip (0 for the first page)")


_PAGES: dict[type, type] = {}


def page_of(item: type[Schema]) -> type[Schema]:
    """The schema of a page of `item`s, named `<Item>Page` in the OpenAPI schema (one class per item)."""
    if item not in _PAGES:
        _PAGES[item] = create_model(
            f"{item.__name__.removesuffix('Out')}Page",
            __base__=Schema,
            count=(int, Field(description="how many items match the filters, on every page")),
            items=(list[item], Field(description="this page's items, in a stable order")),
            next_offset=(
                int | None,
                Field(description="the offset of the next page, or null on the last page"),
            ),
        )
    return _PAGES[item]


def paged(qs, page: PageQuery, out) -> dict:
    """One page of a queryset (already ordered), each row turned into its output by `out`."""
    count = qs.count()
    rows = [out(row) for row in qs[page.offset : page.offset + page.limit]]
    end = page.offset + len(rows)
    return {"count": count, "items": rows, "next_offset": end if end < count else None}
