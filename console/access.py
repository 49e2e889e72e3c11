"""Who may open a console page: `@page("declarations.read")` on every view, and the audit rows views write."""
from __future__ import annotations

import functools

from flask import abort, current_app, g, make_response, redirect, request, url_for

from core import audit, roles
from core.db import session_scope
from core.staff_auth import can


def settings():
    """The app's Settings."""
    return current_app.config["LOA_SETTINGS"]


def db_scope():
    """A database session that commits at the end of the block."""
    return session_scope(settings().database_url)


def record(action: str, target_type: str | None = None, target_id=None, **details) -> None:
    """One audit row for what the signed-in staff member just saw or did (its own short transaction)."""
    with db_scope() as db:
        audit.record(db, action, target_type=target_type, target_id=target_id,
                     details={"path": request.path, **details})


def page(permission: str, *, audit_as: str | None = None, target: tuple[str, str] | None = None):
    """Decorator: sign-in page without a session, 403 without `permission`; `audit_as` audits every answer.

    `target` = (target_type, view-argument name) names the record the audit row is about.
    """
    roles.roles_for(permission)  # an unknown permission fails at import time

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            staff = g.get("staff")
            if staff is None:
                if request.headers.get("HX-Request"):
                    # htmx would swap the sign-in page into a fragment: send the whole page there instead.
                    response = make_response("", 401)
                    response.headers["HX-Redirect"] = url_for("console.signin")
                    return response
                return redirect(url_for("console.signin", next=request.full_path))
            if not can(staff, permission):
                abort(403)
            response = make_response(view(*args, **kwargs))
            if audit_as and response.status_code < 400:
                target_type, target_id = (target[0], kwargs.get(target[1])) if target else (None, None)
                details = {"query": request.args.to_dict()} if request.args else {}
                record(audit_as, target_type, target_id, **details)
            return response

        wrapper.permission = permission  # the route x role test reads it
        return wrapper

    return decorator


def public(view):
    """Mark a view that needs no sign-in (sign-in page, static files)."""
    view.public = True
    return view

