"""Database trouble answered honestly: a busy database is 503 "try again", never a bare 500.

Writers wait their turn (row locks, SQLite's busy timeout) and PostgreSQL's transient refusals are retried
(stocktake.retry). What is still refused reaches here: a page gets a styled page that says what happened
and when to try again, the API a JSON `detail`, both with `Retry-After`.

- busy (SQLite locked past its timeout, a PostgreSQL serialization failure or deadlock): 503, retry soon;
- a race on a unique key another writer filled at the same moment: 409, look again and retry;
- down (unreachable, read-only, not migrated): 503, retry later.

The middleware catches what views raise; `server_error` (handler500) catches the rest, e.g. a session
that cannot be saved after the view. Neither touches the database: the page is drawn without the user.

SQLite's writers wait at most its busy timeout. PostgreSQL's would wait for a row lock for ever, holding a
server thread each: the web server calls `limit_lock_waits()` so a request waits at most
STOCKTAKE_PG_LOCK_SECONDS, then gets the same 503. Background jobs are left to wait their turn.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db.backends.signals import connection_created
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

from stocktake import retry

log = logging.getLogger("stocktake.busy")

RETRY_BUSY, RETRY_RACE, RETRY_DOWN = 5, 1, 30


def _lock_timeout(sender, connection, **kwargs):
    if connection.vendor == "postgresql" and connection.alias == "default":
        with connection.cursor() as cursor:
            ms = int(settings.STOCKTAKE_PG_LOCK_SECONDS * 1000)
            cursor.execute("SELECT set_config('lock_timeout', %s, false)", [f"{ms}ms"])


def limit_lock_waits() -> None:
    """In this process, every new PostgreSQL connection waits at most STOCKTAKE_PG_LOCK_SECONDS for a lock
    (0: for ever); a request that waited longer is answered 503 busy with Retry-After."""
    if settings.STOCKTAKE_PG_LOCK_SECONDS > 0:
        connection_created.connect(_lock_timeout, dispatch_uid="stocktake-lock-timeout")


def _kind(exc: BaseException) -> str | None:
    if retry.is_busy(exc):
        return "busy"
    if retry.is_race(exc):
        return "race"
    if retry.is_down(exc):
        return "down"
    return None


def _messages(kind: str) -> tuple[int, int, str, str]:
    if kind == "busy":
        return (
            503,
            RETRY_BUSY,
            _("Busy"),
            _(
                "The database is busy with other people's changes and this one could "
                "not wait any longer. Nothing was changed. Try again in a few seconds."
            ),
        )
    if kind == "race":
        return (
            409,
            RETRY_RACE,
            _("Changed at the same moment"),
            _(
                "Someone else stored the same value at the same moment. Nothing of yours was changed. "
                "Look at it again, then retry."
            ),
        )
    return (
        503,
        RETRY_DOWN,
        _("Database unavailable"),
        _(
            "The database cannot be reached or written just now (it may be read-only, stopped or being restored). "
            "Nothing was changed. Try again later, or ask your administrator."
        ),
    )


def wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def answer(request, kind: str, exc: BaseException | None = None) -> HttpResponse:
    status, retry_after, title, message = _messages(kind)
    log.warning("%s %s answered %s (%s): %s", request.method, request.path, status, kind, exc)
    if wants_json(request):
        response = JsonResponse({"detail": message, "reason": kind}, status=status)
    else:
        html = loader.render_to_string("web/trouble.html", {"title": title, "message": message, "status": status})
        response = HttpResponse(html, status=status)
    response["Retry-After"] = str(retry_after)
    return response


class DatabaseTroubleMiddleware:
    """Maps a busy, racing or unavailable database to 503/409 with Retry-After and a clear message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exc):
        kind = _kind(exc)
        return answer(request, kind, exc) if kind else None


def server_error(request):
    """handler500: database trouble raised outside a view still gets its honest answer; anything else a
    styled 500 page (drawn without touching the database)."""
    exc = sys.exc_info()[1]
    kind = _kind(exc) if exc else None
    if kind:
        return answer(request, kind, exc)
    if wants_json(request):
        return JsonResponse({"detail": _("Something went wrong on our side; it has been logged.")}, status=500)
    html = loader.render_to_string(
        "web/trouble.html",
        {
            "title": _("Something went wrong"),
            "status": 500,
            "message": _("Something went wrong on our side; it has been logged. Nothing you sent was half-stored."),
        },
    )
    return HttpResponse(html, status=500)
