"""Serving the app: waitress (a production WSGI server in pure Python), static files by WhiteNoise."""

from __future__ import annotations


def run(host: str, port: int, threads: int = 8) -> None:
    from django.core.wsgi import get_wsgi_application
    from waitress import serve

    # Not stocktake.wsgi: web sits below the project wiring (decision 3); settings are already set up here.
    serve(get_wsgi_application(), host=host, port=port, threads=threads, ident="stocktake")
