"""API tokens: stored only as a hash, refused once revoked or when their account is disabled; the bootstrap
token is an admin; a console that signs staff in itself can hand `require` its own identity."""
from __future__ import annotations

import hashlib

from flask import g
from sqlalchemy import select, text

from core import staff_accounts
from core.staff_auth import Staff, require
from core.staff_models import ApiToken, AuditEntry
from tests.staff.conftest import BOOTSTRAP_TOKEN, bearer

SUMMARY = "/api/tracing/dialer"


def test_tokens_are_stored_hashed(db, tokens):
    with db() as session:
        rows = session.scalars(select(ApiToken)).all()
        dump = "\n".join(str(row) for row in session.execute(text("SELECT * FROM api_token")).all())
    assert len(rows) == 4
    for token in tokens.values():
        assert token not in dump  # the token itself is nowhere in the table
        assert hashlib.sha256(token.encode()).hexdigest() in {row.token_hash for row in rows}


def test_a_revoked_token_is_refused(api, db, tokens):
    assert api.get(SUMMARY, headers=bearer(tokens["operator"])).status_code == 200
    with db() as session:
        operator = staff_accounts.get_account(session, "operator")
        token_id = session.scalar(select(ApiToken.id).where(ApiToken.account_id == operator.id))
        staff_accounts.revoke_token(session, token_id)
        session.commit()
    assert api.get(SUMMARY, headers=bearer(tokens["operator"])).status_code == 401
    assert api.get(SUMMARY, headers=bearer(tokens["viewer"])).status_code == 200  # the others still work


def test_a_disabled_account_is_refused_with_all_its_tokens(api, db, tokens):
    with db() as session:
        account = staff_accounts.get_account(session, "supervisor")
        _, second = staff_accounts.issue_token(session, account, "laptop")
        session.commit()
    assert api.get(SUMMARY, headers=bearer(second)).status_code == 200
    with db() as session:
        staff_accounts.disable_account(session, "supervisor")
        session.commit()
    assert api.get(SUMMARY, headers=bearer(tokens["supervisor"])).status_code == 401
    assert api.get(SUMMARY, headers=bearer(second)).status_code == 401


def test_the_bootstrap_token_is_an_admin(api, db):
    assert api.post("/api/tracing/dialer/resume", headers=bearer(BOOTSTRAP_TOKEN)).status_code == 200
    with db() as session:
        (entry,) = session.scalars(select(AuditEntry).where(AuditEntry.action == "tracing.dialer")).all()
    assert (entry.actor_id, entry.actor_name) == (None, "bootstrap")


def test_no_bootstrap_when_the_setting_is_empty(settings, db):
    from core.app import create_app

    closed = create_app(settings.with_(staff_api_token="")).test_client()
    assert closed.get(SUMMARY, headers={"Authorization": "Bearer "}).status_code == 401
    assert closed.get(SUMMARY, headers={"Authorization": "Bearer"}).status_code == 401


def test_last_used_is_kept(api, db, tokens):
    api.get(SUMMARY, headers=bearer(tokens["viewer"]))
    with db() as session:
        by_account = session.execute(text(
            "SELECT a.name, t.last_used_at FROM api_token t JOIN staff_account a ON a.id = t.account_id")).all()
    assert {name for name, last in by_account if last is not None} == {"viewer"}


def test_a_console_identity_set_before_the_request_is_used(staff_app, db):
    """The console signs staff in with a cookie and sets g.staff; `require` must not ask for a token then."""
    with db() as session:
        viewer = staff_accounts.create_account(session, "cookie-viewer", "viewer")
        session.commit()
    staff_app.before_request(lambda: setattr(g, "staff", Staff.of(viewer)))
    client = staff_app.test_client()
    assert client.get(SUMMARY).status_code == 200
    assert client.post("/api/tracing/dialer/pause").status_code == 403
