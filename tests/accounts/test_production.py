"""Production mode: refusal to start when unsafe, and the security headers every response carries."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from stocktake.accounts.production import problems

GOOD = dict(
    debug=False,
    secret_key="k" * 20 + "9f8e7d6c5b4a3210zyxw",
    allowed_hosts=["stocktake.gov.example"],
    default_secret_key="stocktake-insecure-development-key-change-me",
)


@pytest.mark.parametrize(
    "change,word",
    [
        ({"debug": True}, "DEBUG"),
        ({"secret_key": "stocktake-insecure-development-key-change-me"}, "SECRET_KEY"),
        ({"secret_key": "short"}, "SECRET_KEY"),
        ({"allowed_hosts": []}, "ALLOWED_HOSTS"),
        ({"allowed_hosts": ["*"]}, "ALLOWED_HOSTS"),
    ],
)
def test_each_unsafe_setting_is_named(change, word):
    assert problems(**GOOD) == []
    found = problems(**{**GOOD, **change})
    assert len(found) == 1 and word in found[0]


def _stocktake(env_extra, *args, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOCKTAKE_")}
    env.update(
        {
            "STOCKTAKE_DATA_DIR": str(tmp_path),
            "STOCKTAKE_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            **env_extra,
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "stocktake", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_stocktake_refuses_to_start_in_production_with_defaults(tmp_path):
    """One run with every fault: `stocktake serve` stops before serving, naming each one."""
    run = _stocktake({"STOCKTAKE_PRODUCTION": "1", "STOCKTAKE_DEBUG": "1"}, "serve", "127.0.0.1:1", tmp_path=tmp_path)
    assert run.returncode == 2
    for word in ["refuses to start in production", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"]:
        assert word in run.stderr
    assert "Traceback" not in run.stderr


def test_production_settings_are_strict_when_configured(tmp_path):
    env = {
        "STOCKTAKE_PRODUCTION": "1",
        "STOCKTAKE_SECRET_KEY": GOOD["secret_key"] * 2,
        "STOCKTAKE_ALLOWED_HOSTS": "stocktake.gov.example",
    }
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS >= 31536000, "
        "s.SECURE_SSL_REDIRECT, s.DEBUG)"
    )
    run = _stocktake(env, "shell", "-c", code, tmp_path=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1].split() == ["True", "True", "True", "True", "False"]


def test_security_headers_on_every_page(client, db):
    response = client.get("/", follow=True)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "https://" not in response.content.decode().split("<body")[0]  # no CDN in the page head


def test_no_inline_scripts_in_pages(client, db):
    """Only <script src=...> from our own static files, and JSON data blocks, which are not code."""
    import re

    for url in ["/", "/indicators/ae-4h/", "/accounts/login/"]:
        html = client.get(url).content.decode()
        for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
            assert 'src="/static/' in attrs or 'type="application/json"' in attrs, (url, attrs, body[:80])
        assert not re.search(r"\son[a-z]+=\"", html), url  # no onclick= and friends
