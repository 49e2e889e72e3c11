"""Console fixtures: one staff account per role (name = role, password PASSWORD), and signed-in test clients."""
from __future__ import annotations

import re

import pytest

from core.roles import ROLES

PASSWORD = "correct horse battery"


@pytest.fixture()
def accounts(db, redis_client) -> dict[str, int]:
    """role -> account id of an active account named after its role, with PASSWORD."""
    from core import staff_accounts

    out = {}
    with db() as session:
        for role in ROLES:
            out[role] = staff_accounts.create_account(session, role, role, PASSWORD).id
        session.commit()
    return out


@pytest.fixture()
def console_app(settings, db, redis_client):
    """The web app with CSRF checks off (tests/console/test_console_csrf.py turns them on)."""
    from core.app import create_app

    app = create_app(settings)
    app.config["WTF_CSRF_ENABLED"] = False
    return app


def sign_in(client, name: str, password: str = PASSWORD):
    """POST the sign-in form; returns the response."""
    return client.post("/console/signin", data={"name": name, "password": password})


@pytest.fixture()
def signed_in(console_app, accounts):
    """role -> a test client signed in as that role's account."""
    clients = {}
    for role in ROLES:
        client = console_app.test_client()
        assert sign_in(client, role).status_code == 302
        clients[role] = client
    return clients


FULL_PHONE = re.compile(r"\+84\d{9}")
