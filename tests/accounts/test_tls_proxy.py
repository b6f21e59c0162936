"""Behind a TLS proxy: a real waitress server believes the trusted proxy's X-Forwarded-Proto, and only it."""

from __future__ import annotations

import http.client
import threading

import pytest

from stocktake.web.server import create_server, proxy_options

PATH = "/api/openapi.json"  # a real page that needs no database rows


@pytest.fixture
def production_behind_proxy(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    return settings


@pytest.fixture
def serve():
    """Start waitress on a free loopback port in a thread; stop it cleanly at the end."""
    running = []

    def start(environ):
        server = create_server("127.0.0.1", 0, threads=2, environ=environ)
        stop = threading.Event()

        def loop():
            while not stop.is_set():
                server.asyncore.loop(timeout=0.05, map=server._map, count=1)

        thread = threading.Thread(target=loop, daemon=True)
        thread.start()
        running.append((server, stop, thread))
        return server.effective_port

    yield start
    for server, stop, thread in running:
        stop.set()
        thread.join(timeout=10)
        server.close()
        server.task_dispatcher.shutdown()


def _get(port, headers):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", PATH, headers={"Host": "127.0.0.1", **headers})
        response = conn.getresponse()
        return response.status, response.getheader("Location"), response.read()
    finally:
        conn.close()


def test_https_from_the_trusted_proxy_is_served_not_redirected(production_behind_proxy, serve):
    port = serve({"STOCKTAKE_SECURE_PROXY": "1"})  # the trusted proxy defaults to 127.0.0.1
    status, location, body = _get(port, {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert status == 200, (status, location)
    assert b'"openapi"' in body
    # plain HTTP through the same proxy is still sent to HTTPS
    status, location, _ = _get(port, {"X-Forwarded-Proto": "http"})
    assert status == 301 and location.startswith("https://")


def test_without_trusting_the_proxy_waitress_drops_the_header_and_https_loops(production_behind_proxy, serve):
    """What `stocktake serve` did before: the proxy's https is thrown away, so HTTPS redirects to HTTPS."""
    port = serve({})
    status, location, _ = _get(port, {"X-Forwarded-Proto": "https"})
    assert status == 301 and location.startswith("https://")


def test_the_header_from_an_untrusted_address_is_ignored(production_behind_proxy, serve):
    port = serve({"STOCKTAKE_SECURE_PROXY": "1", "STOCKTAKE_TRUSTED_PROXY": "192.0.2.1"})
    status, location, _ = _get(port, {"X-Forwarded-Proto": "https"})
    assert status == 301 and location.startswith("https://")


def test_no_proxy_no_trust():
    assert proxy_options({}) == {}
    assert proxy_options({"STOCKTAKE_SECURE_PROXY": "1"})["trusted_proxy"] == "127.0.0.1"
    assert (
        proxy_options({"STOCKTAKE_SECURE_PROXY": "1", "STOCKTAKE_TRUSTED_PROXY": "10.0.0.5"})["trusted_proxy"]
        == "10.0.0.5"
    )
