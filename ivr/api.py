"""Staff JSON API for tracing lists: import people to call, close cases, see who is unreachable, pause the calls.

Every route needs `Authorization: Bearer <staff API token>` and a role allowed to (core.staff_auth, core.roles).
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, jsonify, request
from sqlalchemy import func, select

from core.db import session_scope
from core.staff_auth import note, require
from core.staff_masking import redact
from ivr import dialer, pauses
from ivr.followup import close_case
from ivr.importer import import_csv, import_rows
from ivr.models import TracingContact, TracingList

bp = Blueprint("ivr_api", __name__, url_prefix="/api/tracing")


@bp.post("/import")
@require("tracing.write", audit_as="tracing.import")
def import_list():
    """JSON {"list": NAME, "rows": [{phone, name, classification, commune, language, exposure_date}]},
    or a CSV body (Content-Type text/csv, ?list=NAME)."""
    settings = current_app.config["LOA_SETTINGS"]
    if request.mimetype in ("text/csv", "text/plain"):
        name = request.args.get("list") or abort(400, "?list= is required for a CSV body")
        result = import_csv(settings, name, name, text=request.get_data())  # bytes: a non-UTF-8 file is refused
    else:
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("rows"), list) or not body.get("list"):
            abort(400, 'expected {"list": "...", "rows": [...]}')
        result = import_rows(settings, body["list"], body["rows"], first_row=1)  # a bad name: 400 with the reason
    note(list_id=result.list_id, imported=result.imported)
    return jsonify(result.to_dict())


@bp.post("/contacts/<int:contact_id>/close")
@require("tracing.write", audit_as="tracing.close", target=("tracing_contact", "contact_id"))
def close(contact_id: int):
    """Close a case: no more calls or follow-ups."""
    if not close_case(current_app.config["LOA_SETTINGS"], contact_id):
        abort(404)
    return jsonify(ok=True)


@bp.get("/lists/<int:list_id>")
@require("tracing.read")
def list_summary(list_id: int):
    """How many people of a list are in each state."""
    settings = current_app.config["LOA_SETTINGS"]
    with session_scope(settings.database_url) as session:
        found = session.get(TracingList, list_id) or abort(404)
        counts = dict(session.execute(select(TracingContact.status, func.count())
                                      .where(TracingContact.list_id == list_id)
                                      .group_by(TracingContact.status)).all())
        followup = dict(session.execute(select(TracingContact.followup_status, func.count())
                                        .where(TracingContact.list_id == list_id,
                                               TracingContact.followup_status.is_not(None))
                                        .group_by(TracingContact.followup_status)).all())
        return jsonify(id=found.id, name=found.name, counts=counts, followup=followup,
                       paused_since=dialer.paused_since(settings, list_id))


@bp.get("/unreachable")
@require("tracing.read", audit_as="tracing.unreachable.view")
def unreachable():
    """People every call attempt failed to reach, for human tracers."""
    settings = current_app.config["LOA_SETTINGS"]
    with session_scope(settings.database_url) as session:
        rows = session.scalars(select(TracingContact).where(TracingContact.status == "unreachable")
                               .order_by(TracingContact.unreachable_at).limit(1000)).all()
        return jsonify(contacts=[redact({
            "id": c.id, "list_id": c.list_id, "name": c.name, "phone": c.phone, "classification": c.classification,
            "commune_code": c.commune_code, "attempts": c.attempts, "last_outcome": c.last_outcome,
            "sms_sent": c.sms_sent_at is not None,
        }, "tracing.personal") for c in rows])


def _dialer_state(settings) -> dict:
    since = dialer.paused_since(settings)
    return {"paused": since is not None, "paused_since": since, "calls_in_progress": dialer.slots(settings).live(),
            "paused_lists": pauses.state(settings)["lists"]}


@bp.get("/dialer")
@require("tracing.read")
def dialer_state():
    """Whether the call centre is paused, and how many calls are under way."""
    return jsonify(_dialer_state(current_app.config["LOA_SETTINGS"]))


@bp.post("/dialer/<any(pause, resume):action>")
@require("tracing.dialer", audit_as="tracing.dialer")
def pause_or_resume_dialer(action: str):
    """Pause: place no new calls (calls under way finish; retries wait, nobody is lost). Resume: call again."""
    settings = current_app.config["LOA_SETTINGS"]
    if action == "pause":
        dialer.pause(settings, by=_staff_name())
    else:
        dialer.resume(settings)
    return jsonify(_dialer_state(settings))


@bp.post("/lists/<int:list_id>/<any(pause, resume):action>")
@require("tracing.dialer", audit_as="tracing.dialer", target=("tracing_list", "list_id"))
def pause_or_resume_list(list_id: int, action: str):
    """Pause one list (its people get no new call, the other lists go on) or resume it."""
    settings = current_app.config["LOA_SETTINGS"]
    with session_scope(settings.database_url) as session:
        session.get(TracingList, list_id) or abort(404)
    if action == "pause":
        dialer.pause(settings, list_id=list_id, by=_staff_name())
    else:
        dialer.resume(settings, list_id=list_id)
    since = dialer.paused_since(settings, list_id)
    return jsonify(list_id=list_id, paused=since is not None, paused_since=since)


def _staff_name() -> str | None:
    staff = getattr(g, "staff", None)
    return getattr(staff, "name", None)
