"""Signing in and out: the login page, Argon2, lockout after failures, rate limit per address."""

from __future__ import annotations

from django.test import Client, override_settings

from stocktake.accounts.backends import locked_out
from tests.factories import PASSWORD


def test_login_page_signs_in_and_redirects(db):
    c = Client()
    page = c.get("/accounts/login/?next=/indicators/ae-4h/")
    assert page.status_code == 200 and b'name="csrfmiddlewaretoken"' in page.content
    response = c.post("/accounts/login/", {"username": "observer", "password": PASSWORD, "next": "/indicators/ae-4h/"})
    assert response.status_code == 302 and response["Location"] == "/indicators/ae-4h/"
    assert "Sign out" in c.get("/").content.decode()


def test_login_form_needs_csrf(db):
    c = Client(enforce_csrf_checks=True)
    response = c.post("/accounts/login/", {"username": "observer", "password": PASSWORD})
    assert response.status_code == 403


def test_passwords_are_hashed_with_argon2(user):
    assert user("observer").password.startswith("argon2")


def test_sign_out_is_post_only(sign_in):
    c = sign_in("observer")
    assert c.get("/accounts/logout/").status_code == 405
    assert c.post("/accounts/logout/").status_code == 302
    home = c.get("/")  # signed out: the public site, no longer the internal portfolio
    assert home.status_code == 302 and home["Location"] == "/public/"
    assert "Sign in" in c.get("/accounts/audit/", follow=True).content.decode()


@override_settings(STOCKTAKE_LOCKOUT=(3, 900))
def test_lockout_after_repeated_failures_even_with_the_right_password(db):
    c = Client()
    for _ in range(3):
        response = c.post("/accounts/login/", {"username": "validator", "password": "wrong"})
        assert response.status_code == 200 and "_auth_user_id" not in c.session
    assert locked_out("validator", "127.0.0.1") and locked_out("VALIDATOR", "127.0.0.1")
    response = c.post("/accounts/login/", {"username": "validator", "password": PASSWORD})
    assert "locked" in response.content.decode() and "_auth_user_id" not in c.session
    # the back office's sign-in goes through the same backend
    response = c.post("/admin/login/", {"username": "validator", "password": PASSWORD})
    assert "_auth_user_id" not in c.session
    # another account is unaffected
    response = c.post("/accounts/login/", {"username": "observer", "password": PASSWORD})
    assert response.status_code == 302


@override_settings(STOCKTAKE_LOGIN_FAIL_LIMIT=(4, 600))
def test_failures_from_one_address_are_rate_limited_across_user_names(db):
    c = Client(REMOTE_ADDR="203.0.113.9")
    for name in ["a", "b", "c", "d"]:
        c.post("/accounts/login/", {"username": name, "password": "guess"})
    response = c.post("/accounts/login/", {"username": "observer", "password": PASSWORD})
    assert "Too many sign-in attempts" in response.content.decode() and "_auth_user_id" not in c.session
    other = Client(REMOTE_ADDR="203.0.113.10")
    assert other.post("/accounts/login/", {"username": "observer", "password": PASSWORD}).status_code == 302


def test_success_clears_the_failure_count(db):
    c = Client()
    c.post("/accounts/login/", {"username": "manager", "password": "wrong"})
    c.post("/accounts/login/", {"username": "manager", "password": PASSWORD})
    from stocktake.accounts import throttle
    from stocktake.accounts.backends import lockout_key

    assert throttle.count("fail-user", lockout_key("manager", "127.0.0.1")) == 0


def test_each_role_is_a_group_kept_in_step_with_the_person(user):
    from stocktake.accounts.models import Person

    assert [g.name for g in user("validator").groups.all()] == ["Role: Information validator"]
    assert [g.name for g in user("leader").groups.all()] == ["Role: Accountable leader"]
    person = Person.objects.get(user__username="observer")
    person.role = Person.Role.PRIORITY_MANAGER
    person.save()
    assert [g.name for g in user("observer").groups.all()] == ["Role: Priority manager"]
