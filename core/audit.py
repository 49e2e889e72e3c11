"""The audit log: who did or saw what, when, from where (core.staff_models.AuditEntry; append-only)."""
from __future__ import annotations

from flask import has_request_context, request
from sqlalchemy.orm import Session

from core.staff_models import AuditEntry

_NO_ACTOR = "system"  # a CLI command or a job: no staff member behind it


def record(session: Session, action: str, *, target_type: str | None = None, target_id=None,
           details: dict | None = None, actor=None, ip: str | None = None) -> AuditEntry:
    """Add one audit row to `session` (committed with it); actor and ip default to the current request's.

    `actor` is anything with `id` and `name` (core.staff_auth.Staff, StaffAccount) or a plain name.
    There is no update or delete counterpart, on purpose: nothing in Loa removes audit rows.
    """
    if has_request_context():
        if actor is None:
            from core.staff_auth import current_staff  # here: staff_auth imports this module

            actor = current_staff()
        if ip is None:
            ip = request.remote_addr
    if isinstance(actor, str) or actor is None:
        actor_id, actor_name = None, actor or _NO_ACTOR
    else:
        actor_id, actor_name = actor.id, actor.name
    entry = AuditEntry(actor_id=actor_id, actor_name=actor_name[:100], action=action, target_type=target_type,
                       target_id=None if target_id is None else str(target_id), details=details or {},
                       ip=ip)
    session.add(entry)
    return entry
