"""An API client signed by a person's first token, made as a new government makes it: `stocktake token USER`."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.test import Client


def first_token(username: str, name: str = "first") -> str:
    out = io.StringIO()
    call_command("token", username, "--name", name, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


class Api:
    """One person's API client (the host is one the settings allow outside the tests too)."""

    def __init__(self, username: str, name: str = "first"):
        self.client = Client(HTTP_HOST="localhost")
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {first_token(username, name)}"}

    def send(self, method: str, url: str, body=None, expect: int = 200):
        r = getattr(self.client, method)(url, body, content_type="application/json", **self.auth)
        assert r.status_code == expect, (method, url, r.status_code, r.content[:600])
        return r.json()

    def get(self, url):
        return self.send("get", url)

    def post(self, url, body, expect=201):
        return self.send("post", url, body, expect)
