"""Serving the app: waitress (a production WSGI server in pure Python), static files by WhiteNoise.

Behind a TLS proxy (STOCKTAKE_SECURE_PROXY=1) the proxy tells us the request
came over HTTPS with `X-Forwarded-Proto: https`. Waitress removes proxy
headers from anyone it does not trust, so without `trusted_proxy` Django
never sees the header, believes every request is plain HTTP and redirects
it to HTTPS again: a redirect loop. So we tell waitress which proxy to
believe (STOCKTAKE_TRUSTED_PROXY, default 127.0.0.1, a proxy on the same
machine) and which of its headers: the scheme and the client's address
(the address the sign-in limits count). Anyone else's X-Forwarded-* headers
are still dropped, so a client cannot claim HTTPS or another address.
"""

from __future__ import annotations

import os

TRUSTED_PROXY_HEADERS = "x-forwarded-proto x-forwarded-for"


def proxy_options(environ=None) -> dict:
    """waitress settings for the TLS proxy in front of us, or none when there is no proxy."""
    environ = os.environ if environ is None else environ
    if environ.get("STOCKTAKE_SECURE_PROXY") != "1":
        return {}
    return {
        "trusted_proxy": environ.get("STOCKTAKE_TRUSTED_PROXY", "").strip() or "127.0.0.1",
        "trusted_proxy_headers": TRUSTED_PROXY_HEADERS,
        "clear_untrusted_proxy_headers": True,
    }


def create_server(host: str, port: int, threads: int = 8, app=None, environ=None):
    """A waitress server, not yet running (port 0 picks a free port: see server.effective_port)."""
    from waitress import create_server as waitress_server

    if app is None:
        from django.core.wsgi import get_wsgi_application

        # Not stocktake.wsgi: web sits below the project wiring (decision 3); settings are already set up here.
        app = get_wsgi_application()
    return waitress_server(app, host=host, port=port, threads=threads, ident="stocktake", **proxy_options(environ))


def run(host: str, port: int, threads: int = 8) -> None:
    create_server(host, port, threads=threads).run()
