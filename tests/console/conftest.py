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
# A tracing list with one good row and two bad ones (an impossible number, an unknown classification).
BAD_ROW_CSV_TEXT = ("phone,name,classification,exposure_date\n"
                    "0912345678,Nguyen Van An,F1,2026-11-30\n"
                    "12345,Tran Thi Binh,F1,2026-11-30\n"
                    "0987654321,Le Van Cuong,F9,2026-11-30\n")


def add_declaration(session, *, phone="+84912345678", name="Nguyen Van An", risk="high", commune=None,
                    channel="zalo", reasons=("fever",), household_of=None, created_at=None):
    """A citizen with one declaration (and an alert for it when the risk is high or danger); returns it."""
    from core.models import Alert, Citizen, Declaration

    citizen = Citizen(phone=None, name=name)
    session.add(citizen)
    session.flush()
    declaration = Declaration(citizen_id=citizen.id, channel=channel, full_name=name, birth_year=1980, phone=phone,
                              commune_code=commune, answers={"symptoms": ["fever"]}, risk_level=risk,
                              rule_version="2026-11-01", reasons=list(reasons), household_of_id=household_of)
    if created_at is not None:
        declaration.created_at = created_at
    session.add(declaration)
    session.flush()
    if risk in ("high", "danger"):
        session.add(Alert(kind="high_risk" if risk == "high" else "danger", severity="high" if risk == "high" else "critical",
                          citizen_id=citizen.id, declaration_id=declaration.id, summary=f"{risk} risk declaration",
                          details={}))
    session.flush()
    return declaration


def audit_actions(session, action: str) -> list:
    """The audit rows with `action`, oldest first."""
    from sqlalchemy import select

    from core.staff_models import AuditEntry

    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))
