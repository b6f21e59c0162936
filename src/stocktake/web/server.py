"""Serving the app: waitress (a production WSGI server in pure Python), static files by WhiteNoise."""

from __future__ import annotations


def run(host: str, port: int, threads: int = 8) -> None:
    from waitress import serve

    from stocktake.wsgi import application

    serve(application, host=host, port=port, threads=threads, ident="stocktake")
