"""A real Stocktake server on the demo data, and a real headless Chromium to drive it.

The server is started the way a user starts it (`stocktake demo`, then
`stocktake serve`) in a separate process, on its own SQLite file, or on its
own database in the test run's PostgreSQL server when the suite runs there.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_database(base_url: str):
    """Create a scratch database beside the test database; return its URL and a drop function."""
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(base_url)
    name = f"stocktake_e2e_{uuid.uuid4().hex[:8]}"
    conninfo = dict(
        host=cfg["HOST"],
        port=cfg["PORT"] or 5432,
        user=cfg["USER"],
        password=cfg["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with psycopg.connect(**conninfo) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(**conninfo) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return base_url.rsplit("/", 1)[0] + "/" + name, drop


# The demo server's environment (its data directory and database), for a test that reads what the government
# wrote straight from the server's database (test_spanish_stocktake: content is not interface).
DEMO_ENV: dict[str, str] = {}


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("stocktake-e2e")
    env = {**os.environ, "STOCKTAKE_DATA_DIR": str(data_dir)}
    drop = None
    base = os.environ.get("STOCKTAKE_DATABASE_URL", "")
    if base.startswith(("postgres://", "postgresql://")):
        env["STOCKTAKE_DATABASE_URL"], drop = _postgres_database(base)
    else:
        env["STOCKTAKE_DATABASE_URL"] = f"sqlite:///{data_dir / 'e2e.sqlite3'}"
    DEMO_ENV.update(env)
    subprocess.run(
        [sys.executable, "-m", "stocktake", "demo"], env=env, check=True, timeout=600, stdout=subprocess.DEVNULL
    )
    port = _free_port()
    log = open(data_dir / "server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "stocktake", "serve", f"127.0.0.1:{port}"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(url + "/", timeout=5)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError(f"server did not start: {(data_dir / 'server.log').read_text()}")
            time.sleep(0.3)
    yield url
    server.terminate()
    try:  # the server stops its worker first; on a loaded machine that can outlast a polite wait
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=30)
    log.close()
    if drop:
        drop()
    DEMO_ENV.clear()


@pytest.fixture(scope="session")
def demo_env(demo_server) -> dict[str, str]:
    """The environment the demo server runs in: run `python -m stocktake ...` with it to read its database."""
    return dict(DEMO_ENV)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.errors = errors
    yield pg
    context.close()
