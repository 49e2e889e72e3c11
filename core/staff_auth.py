"""Who is calling a staff route, and may they: `@require("tracing.read")` on every staff view.

A request names its staff member with `Authorization: Bearer <token>`: a token issued by `python -m core.staff`
(stored as its sha256, core.staff_models.ApiToken), or STAFF_API_TOKEN, the bootstrap admin that exists
before any account does (`g.staff` is then id None, name "bootstrap", role admin). A surface with its own
sign-in (the console's session cookie) sets `g.staff` in a before_request hook; `require` then uses it.
401: no token, unknown, revoked, or its account disabled. 403: the role lacks the permission (core.roles).
"""
from __future__ import annotations

import functools
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask import abort, current_app, g, has_request_context, jsonify, request
from sqlalchemy import select

from core import audit, roles
from core.db import session_scope
from core.models import utcnow
from core.staff_models import ApiToken, StaffAccount

# last_used_at is for "which tokens are still in use", not a request log: one write a minute per token at most.
_LAST_USED_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Staff:
    """The staff member behind the current request."""

    id: int | None
    name: str
    role: str
    token_id: int | None = None

    @classmethod
    def of(cls, account: StaffAccount) -> "Staff":
        """The request identity of an account (the console sets `g.staff = Staff.of(account)` after sign-in)."""
        return cls(id=account.id, name=account.name, role=account.role)


BOOTSTRAP = Staff(id=None, name="bootstrap", role="admin")


def hash_token(token: str) -> str:
    """The stored form of an API token: hex sha256 (tokens are random, so no salt or slow hash is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def staff_for_token(database_url: str, token: str, bootstrap_token: str = "") -> Staff | None:
    """The staff member a bearer token names, or None when it is unknown, revoked or its account disabled."""
    if not token:
        return None
    if bootstrap_token and hmac.compare_digest(token.encode(), bootstrap_token.encode()):
        return BOOTSTRAP
    with session_scope(database_url) as session:
        row = session.execute(
            select(ApiToken, StaffAccount).join(StaffAccount, StaffAccount.id == ApiToken.account_id)
            .where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None),
                   StaffAccount.active.is_(True))
        ).first()
        if row is None:
            return None
        api_token, account = row
        now = utcnow()
        last = api_token.last_used_at
        if last is None or _aware(last) < now - _LAST_USED_EVERY:
            api_token.last_used_at = now
        return Staff(id=account.id, name=account.name, role=account.role, token_id=api_token.id)


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes for timezone=True columns; Loa stores UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _bearer() -> str:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header[:7].lower() == "bearer " else ""


def current_staff() -> Staff | None:
    """The staff member of the current request (resolving the bearer token once), or None outside one."""
    if not has_request_context():
        return None
    if "staff" not in g:
        settings = current_app.config["LOA_SETTINGS"]
        g.staff = staff_for_token(settings.database_url, _bearer(), settings.staff_api_token)
    return g.staff


def can(staff, permission: str) -> bool:
    """Whether `staff` (anything with a `role`, or None) holds `permission`."""
    return staff is not None and roles.allows(staff.role, permission)


def _refuse(status: int, message: str):
    response = jsonify(error=message)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="loa-staff"'
    abort(response)


def require(permission: str, *, audit_as: str | None = None, target: tuple[str, str] | None = None):
    """Decorator for a staff view: 401 without a valid staff identity, 403 when its role lacks `permission`.

    `audit_as` names the audit action written for every call the view answers (use it on reads of personal
    data and on every write; a view that aborts read or changed nothing and is not recorded); `target` =
    (target_type, view-argument name) says which record it touched. The audit row is written before the
    response leaves: if it cannot be written, the caller gets a 500, not the data.
    """
    roles.roles_for(permission)  # an unknown permission fails at import time, not at the first request

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            staff = current_staff()
            if staff is None:
                _refuse(401, "a staff bearer token is required")
            if not can(staff, permission):
                _refuse(403, f"role {staff.role} may not {permission}")
            response = current_app.make_response(view(*args, **kwargs))
            if audit_as:
                _record(audit_as, target, kwargs, response.status_code)
            return response

        wrapper.permission = permission  # lets tests and the console list what each route needs
        return wrapper

    return decorator


def _record(action: str, target: tuple[str, str] | None, view_args: dict, status: int) -> None:
    details = {"method": request.method, "path": request.path, "status": status}
    if request.args:
        details["query"] = request.args.to_dict()
    details.update(g.pop("audit_details", {}))
    target_type, target_id = (target[0], view_args.get(target[1])) if target else (None, None)
    with session_scope(current_app.config["LOA_SETTINGS"].database_url) as session:
        audit.record(session, action, target_type=target_type, target_id=target_id, details=details)


def note(**details) -> None:
    """Add details to the audit row `require(..., audit_as=...)` writes for this request (no personal data)."""
    g.setdefault("audit_details", {}).update(details)
