"""Staff accounts: create, passwords (argon2), API tokens, disable, sign-in with lock-out."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit, roles
from core.models import utcnow
from core.settings import Settings
from core.staff_auth import hash_token
from core.staff_models import ApiToken, StaffAccount

_hasher = PasswordHasher()
# Verifying against this when the name is unknown makes "no such account" take as long as "wrong password".
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class StaffError(ValueError):
    """A staff account request that cannot be done (unknown name, bad role, name taken...)."""


def get_account(session: Session, name: str) -> StaffAccount:
    """The account called `name`; StaffError when there is none."""
    account = session.scalar(select(StaffAccount).where(StaffAccount.name == name))
    if account is None:
        raise StaffError(f"no staff account {name!r}")
    return account


def create_account(session: Session, name: str, role: str, password: str | None = None, *, actor=None) -> StaffAccount:
    """A new active account; without a password it can only use API tokens until `set_password`."""
    name = name.strip()
    if role not in roles.ROLES:
        raise StaffError(f"role must be one of {', '.join(roles.ROLES)} (got {role!r})")
    if not name or len(name) > 100:
        raise StaffError("a name of 1 to 100 characters is required")
    if session.scalar(select(StaffAccount.id).where(StaffAccount.name == name)) is not None:
        raise StaffError(f"the name {name!r} is taken")
    account = StaffAccount(name=name, role=role, password_hash=_hasher.hash(password) if password else None,
                           active=True, failed_logins=0, session_version=1)
    session.add(account)
    session.flush()
    audit.record(session, "staff.create", target_type="staff_account", target_id=account.id,
                 details={"name": name, "role": role}, actor=actor)
    return account


def issue_token(session: Session, account: StaffAccount, label: str | None = None, *, actor=None) -> tuple[ApiToken, str]:
    """A new API token for `account`: (its row, the token itself, which is shown once and never stored)."""
    token = secrets.token_urlsafe(32)
    row = ApiToken(account_id=account.id, token_hash=hash_token(token), label=label)
    session.add(row)
    session.flush()
    audit.record(session, "staff.token.issue", target_type="api_token", target_id=row.id,
                 details={"account": account.name, "label": label}, actor=actor)
    return row, token


def revoke_token(session: Session, token_id: int, *, actor=None) -> ApiToken:
    """Revoke a token for good (a revoked token is never accepted again); StaffError when unknown."""
    row = session.get(ApiToken, token_id)
    if row is None:
        raise StaffError(f"no API token {token_id}")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record(session, "staff.token.revoke", target_type="api_token", target_id=row.id, actor=actor)
    return row


def set_password(session: Session, name: str, password: str, *, actor=None) -> StaffAccount:
    """Set a new password, clear any lock-out and sign the account out everywhere."""
    if len(password) < 10:
        raise StaffError("a password needs at least 10 characters")
    account = get_account(session, name)
    account.password_hash = _hasher.hash(password)
    account.failed_logins, account.locked_until = 0, None
    account.session_version += 1
    audit.record(session, "staff.password", target_type="staff_account", target_id=account.id, actor=actor)
    return account


def disable_account(session: Session, name: str, *, actor=None) -> StaffAccount:
    """Disable an account: its tokens and sessions stop working at once (rows are kept for the audit log)."""
    account = get_account(session, name)
    account.active = False
    account.session_version += 1
    audit.record(session, "staff.disable", target_type="staff_account", target_id=account.id, actor=actor)
    return account


def sign_out_everywhere(session: Session, account: StaffAccount, *, actor=None) -> None:
    """End every console session of `account` (sessions carry the version they were opened with)."""
    account.session_version += 1
    audit.record(session, "staff.sign_out_everywhere", target_type="staff_account", target_id=account.id,
                 actor=actor)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def verify_password(session: Session, name: str, password: str, *, settings: Settings | None = None,
                    now: datetime | None = None) -> StaffAccount | None:
    """The account when `name`/`password` are right and it is active and not locked, else None.

    After STAFF_LOCKOUT_FAILURES wrong passwords in a row the account is locked for STAFF_LOCKOUT_MINUTES:
    even the right password is refused until then. Every attempt is audited. The caller commits.
    """
    settings = settings or Settings.from_env()
    failures, lock_minutes = settings.staff_lockout_failures, settings.staff_lockout_minutes
    now = now or utcnow()
    account = session.scalar(select(StaffAccount).where(StaffAccount.name == name.strip()))
    if account is None or not account.password_hash:
        _verify(_DUMMY_HASH, password)
        return None
    if account.locked_until is not None and _aware(account.locked_until) > now:
        audit.record(session, "staff.signin.locked", target_type="staff_account", target_id=account.id,
                     actor=account)
        return None
    if not _verify(account.password_hash, password):
        account.failed_logins += 1
        details = {"failures": account.failed_logins}
        if account.failed_logins >= failures:
            account.locked_until, account.failed_logins = now + timedelta(minutes=lock_minutes), 0
            details["locked_until"] = account.locked_until.isoformat()
        audit.record(session, "staff.signin.failed", target_type="staff_account", target_id=account.id,
                     details=details, actor=account)
        return None
    if not account.active:
        return None
    account.failed_logins, account.locked_until = 0, None
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    audit.record(session, "staff.signin", target_type="staff_account", target_id=account.id, actor=account)
    return account


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
