"""Accounts from the command line (`python -m core.staff`, run as a subprocess) and sign-in with lock-out."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select

from core import staff_accounts
from core.models import utcnow
from core.settings import ROOT
from core.staff_models import AuditEntry, StaffAccount
from tests.staff.conftest import bearer

PASSWORD = "correct horse battery"


def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """Run `python -m core.staff ARGS` against the test database (DATABASE_URL is in the environment)."""
    return subprocess.run([sys.executable, "-m", "core.staff", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, env=os.environ.copy(), timeout=60)


def test_cli_add_token_revoke_list(api, db):
    added = cli("add", "lan", "--role", "supervisor", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    first = added.stdout.strip().splitlines()[-1]
    assert api.post("/api/tracing/dialer/resume", headers=bearer(first)).status_code == 200  # a supervisor

    issued = cli("token", "lan", "--label", "laptop")
    assert issued.returncode == 0, issued.stderr
    second = issued.stdout.strip().splitlines()[-1]
    token_id = issued.stdout.split("API token ")[1].split()[0]
    assert cli("revoke", token_id).returncode == 0
    assert api.get("/api/tracing/dialer", headers=bearer(second)).status_code == 401
    assert api.get("/api/tracing/dialer", headers=bearer(first)).status_code == 200

    listed = cli("list").stdout
    assert "lan\tsupervisor\tactive\tpassword set" in listed and "laptop\trevoked" in listed
    assert first not in listed and second not in listed
    with db() as session:
        actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        actors = {e.actor_name for e in session.scalars(select(AuditEntry).where(AuditEntry.action.like("staff.%")))}
    assert actions[:2] == ["staff.create", "staff.token.issue"] and "staff.token.revoke" in actions
    assert all(actor.startswith("cli") for actor in actors)


def test_cli_disable_passwd_and_errors(api, db):
    token = cli("add", "minh", "--role", "viewer").stdout.strip().splitlines()[-1]
    assert cli("add", "minh", "--role", "viewer").returncode == 1  # the name is taken
    bad_role = cli("add", "hoa", "--role", "boss")
    assert bad_role.returncode == 2 and "invalid choice" in bad_role.stderr
    assert cli("passwd", "minh", "--password-stdin", stdin="short\n").returncode == 1
    assert cli("passwd", "minh", "--password-stdin", stdin=PASSWORD + "\n").returncode == 0
    with db() as session:
        assert staff_accounts.verify_password(session, "minh", PASSWORD) is not None
    assert cli("disable", "minh").returncode == 0
    assert api.get("/api/tracing/dialer", headers=bearer(token)).status_code == 401
    with db() as session:
        assert staff_accounts.verify_password(session, "minh", PASSWORD) is None
    assert cli("revoke", "999999").returncode == 1


def test_passwords_are_argon2(db):
    with db() as session:
        account = staff_accounts.create_account(session, "thu", "operator", PASSWORD)
        assert account.password_hash.startswith("$argon2id$") and PASSWORD not in account.password_hash


def test_lock_out_after_repeated_failures(settings, db):
    rules = settings.with_(staff_lockout_failures=3, staff_lockout_minutes=15)
    now = utcnow()
    with db() as session:
        staff_accounts.create_account(session, "an", "operator", PASSWORD)
        assert staff_accounts.verify_password(session, "an", "wrong", settings=rules, now=now) is None
        assert staff_accounts.verify_password(session, "an", PASSWORD, settings=rules, now=now) is not None
        for _ in range(3):  # a success resets the count: three more failures in a row lock it
            assert staff_accounts.verify_password(session, "an", "wrong", settings=rules, now=now) is None
        assert staff_accounts.verify_password(session, "an", PASSWORD, settings=rules,
                                              now=now + timedelta(minutes=14)) is None  # locked
        session.commit()
    with db() as session:
        account = session.scalar(select(StaffAccount).where(StaffAccount.name == "an"))
        assert account.locked_until is not None
        assert staff_accounts.verify_password(session, "an", PASSWORD, settings=rules,
                                              now=now + timedelta(minutes=16)) is not None
        actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions.count("staff.signin.failed") == 4 and "staff.signin.locked" in actions


def test_default_lock_out_is_five_failures(settings, db):
    now = utcnow()
    with db() as session:
        staff_accounts.create_account(session, "binh", "viewer", PASSWORD)
        for attempt in range(5):
            account = session.scalar(select(StaffAccount).where(StaffAccount.name == "binh"))
            assert account.locked_until is None, attempt
            staff_accounts.verify_password(session, "binh", "nope", settings=settings, now=now)
        assert account.locked_until is not None


@pytest.mark.parametrize("name", ["nobody", ""])
def test_unknown_names_are_refused(db, settings, name):
    with db() as session:
        assert staff_accounts.verify_password(session, name, PASSWORD, settings=settings) is None


def test_sign_out_everywhere_and_new_password_bump_the_session_version(db):
    with db() as session:
        account = staff_accounts.create_account(session, "chi", "admin", PASSWORD)
        before = account.session_version
        staff_accounts.sign_out_everywhere(session, account)
        staff_accounts.set_password(session, "chi", PASSWORD + "!")
        assert account.session_version == before + 2
