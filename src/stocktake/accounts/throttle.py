"""Fixed-window counters in Django's cache: rate limits and the login lockout.

Small on purpose (see docs/accounts.md for why not django-axes): a counter
per key per window, nothing stored in the database.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def _key(kind: str, ident: str) -> str:
    # Hashed: user names and addresses may hold characters some cache backends refuse in keys.
    return f"stocktake:throttle:{kind}:{hashlib.sha256(ident.encode()).hexdigest()[:32]}"


def count(kind: str, ident: str) -> int:
    return cache.get(_key(kind, ident), 0)


def hit(kind: str, ident: str, window: int) -> int:
    """Count one more event; the window starts at the first event."""
    key = _key(kind, ident)
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return 1


def exceeded(kind: str, ident: str, limit: int) -> bool:
    return count(kind, ident) >= limit


def reset(kind: str, ident: str) -> None:
    cache.delete(_key(kind, ident))


def client_address(request) -> str:
    """The address the request came from. Behind a proxy, the proxy's address unless
    STOCKTAKE_SECURE_PROXY is set, in which case the proxy's X-Forwarded-For is trusted."""
    from django.conf import settings

    if request is None:
        return "local"
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "unknown")
