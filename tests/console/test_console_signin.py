"""Sign-in: the session cookie's flags, CSRF on every form, lock-out, the rate limit, sign out (everywhere)."""
from __future__ import annotations

import re

from tests.console.conftest import PASSWORD, sign_in


def test_session_cookie_is_httponly_and_samesite_lax(console_app, accounts):
    response = sign_in(console_app.test_client(), "operator")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_cookie_is_secure_when_loa_is_served_over_https(settings, accounts):
    from core.app import create_app

    app = create_app(settings.with_(public_url="https://loa.example.vn"))
    app.config["WTF_CSRF_ENABLED"] = False
    response = app.test_client().post("/console/signin", data={"name": "operator", "password": PASSWORD},
                                      base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"]


def test_a_form_without_its_csrf_token_is_refused(settings, accounts):
    from core.app import create_app

    app = create_app(settings)  # CSRF on, as served
    client = app.test_client()
    assert client.post("/console/signin", data={"name": "operator", "password": PASSWORD}).status_code == 400
    page = client.get("/console/signin").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/console/signin", data={"name": "operator", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    # Signed in, a form posted without the token (another site's form) changes nothing.
    assert client.post("/console/tracing/dialer/pause").status_code == 400
    # The session is new at sign-in, so is its token: the one from a page of the session works (htmx sends it as
    # a header); an operator then meets the role check (403), not the CSRF one.
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/console/tracing").get_data(as_text=True)).group(1)
    assert client.post("/console/tracing/dialer/pause", headers={"X-CSRFToken": token}).status_code == 403


def test_lock_out_after_repeated_wrong_passwords(console_app, accounts, settings):
    client = console_app.test_client()
    for _ in range(settings.staff_lockout_failures):
        assert sign_in(client, "operator", "wrong password!").status_code == 401
    response = sign_in(client, "operator")  # the right password, but the account is locked now
    assert response.status_code == 401
    assert client.get("/console/").status_code == 302


def test_sign_in_rate_limit_per_address(console_app, accounts, settings):
    client = console_app.test_client()
    codes = [sign_in(client, "nobody", "x").status_code for _ in range(settings.console_signin_per_minute + 1)]
    assert codes[:-1] == [401] * settings.console_signin_per_minute and codes[-1] == 429
    assert sign_in(client, "operator").status_code == 429  # even the right password waits for the minute


def test_sign_out_ends_the_session(signed_in):
    client = signed_in["operator"]
    assert client.get("/console/alerts").status_code == 200
    client.post("/console/signout")
    assert client.get("/console/alerts").status_code == 302


def test_sign_out_everywhere_ends_the_other_sessions(console_app, accounts):
    laptop, phone = console_app.test_client(), console_app.test_client()
    sign_in(laptop, "supervisor")
    sign_in(phone, "supervisor")
    assert phone.get("/console/alerts").status_code == 200
    laptop.post("/console/signout-everywhere")
    assert phone.get("/console/alerts").status_code == 302
    assert laptop.get("/console/alerts").status_code == 302
    assert sign_in(phone, "supervisor").status_code == 302  # a new sign-in works again
    assert phone.get("/console/alerts").status_code == 200


def test_a_disabled_account_is_signed_out_at_once(console_app, accounts, db):
    from core import staff_accounts

    client = console_app.test_client()
    sign_in(client, "operator")
    with db() as session:
        staff_accounts.disable_account(session, "operator")
        session.commit()
    assert client.get("/console/alerts").status_code == 302


def test_next_only_leads_inside_the_console(console_app, accounts):
    client = console_app.test_client()
    response = client.post("/console/signin", data={"name": "viewer", "password": PASSWORD,
                                                    "next": "https://evil.example/console"})
    assert response.headers["Location"] == "/console/"
