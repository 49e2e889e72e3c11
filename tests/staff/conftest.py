"""Staff fixtures: one account and API token per role, and the app with a bootstrap token."""
from __future__ import annotations

import pytest

from core.roles import ROLES

BOOTSTRAP_TOKEN = "bootstrap-secret"


@pytest.fixture()
def staff_app(settings, db, redis_client):
    """The web app with STAFF_API_TOKEN set, on a clean database and Redis."""
    from core.app import create_app

    return create_app(settings.with_(staff_api_token=BOOTSTRAP_TOKEN))


@pytest.fixture()
def api(staff_app):
    """A test client of that app."""
    return staff_app.test_client()


@pytest.fixture()
def tokens(db) -> dict[str, str]:
    """role -> a bearer token of an active account with that role (account names are the roles)."""
    from core import staff_accounts

    out = {}
    with db() as session:
        for role in ROLES:
            account = staff_accounts.create_account(session, role, role)
            out[role] = staff_accounts.issue_token(session, account, "test")[1]
        session.commit()
    return out


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for `token`."""
    return {"Authorization": f"Bearer {token}"}
