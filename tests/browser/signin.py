"""Signing a browser page in: the portfolio (`/`) is for officials; an anonymous visitor is sent to the public site."""

PASSWORD = "demo-stocktake-2026"


def sign_in(page, server: str, username: str = "observer") -> None:
    """Sign in through the login page and land on the portfolio (the observer reads what the public reads)."""
    page.goto(server + "/accounts/login/?next=/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(server + "/")
