"""Administration pages: the audit log (admins) and citizens' data deletion requests (supervisors)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from console.access import db_scope, page, record, settings
from console.blueprint import bp
from console.context import name_for, phone_for
from console.i18n import gettext as _
from core import clock
from core.models import Citizen, DataRequest
from core.staff_models import AuditEntry

AUDIT_PAGE = 100


def _day(name: str) -> datetime | None:
    try:
        day = date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None
    return datetime.combine(day, time(0), ZoneInfo(settings().timezone)).astimezone(timezone.utc)


@bp.get("/audit")
@page("audit.read")
def audit_log():
    """The audit log, newest first; filters: who, action (prefix), target, day range; pages by id."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(AUDIT_PAGE)
    args = request.args
    if args.get("actor"):
        query = query.where(AuditEntry.actor_name == args["actor"].strip())
    if args.get("action"):
        query = query.where(AuditEntry.action.startswith(args["action"].strip(), autoescape=True))
    if args.get("target_type"):
        query = query.where(AuditEntry.target_type == args["target_type"].strip())
    if args.get("target_id"):
        query = query.where(AuditEntry.target_id == args["target_id"].strip())
    if (start := _day("from")) is not None:
        query = query.where(AuditEntry.at >= start)
    if (end := _day("to")) is not None:
        query = query.where(AuditEntry.at < end + timedelta(days=1))
    if args.get("before", "").isdecimal() and len(args["before"]) < 19:
        query = query.where(AuditEntry.id < int(args["before"]))
    with db_scope() as db:
        rows = db.scalars(query).all()
    return render_template("console/audit.html", rows=rows, args=args.to_dict(), page_size=AUDIT_PAGE)


@bp.get("/data-requests")
@page("data_requests.work", audit_as="data_request.list.view")
def data_requests():
    """Citizens' requests to delete their data: open ones first, with who asked (numbers whole for supervisors)."""
    with db_scope() as db:
        rows = db.execute(select(DataRequest, Citizen).join(Citizen, Citizen.id == DataRequest.citizen_id)
                          .order_by((DataRequest.status == "new").desc(), DataRequest.created_at.desc())
                          .limit(100)).all()
        items = [{"r": r, "phone": phone_for("data_requests.work", c.phone),
                  "name": name_for("data_requests.work", c.name)} for r, c in rows]
    return render_template("console/data_requests.html", items=items)


@bp.post("/data-requests/<int:request_id>/done")
@page("data_requests.work")
def data_request_done(request_id: int):
    """Mark a request carried out (the data was deleted by staff)."""
    with db_scope() as db:
        found = db.get(DataRequest, request_id) or abort(404)
        if found.status == "new":
            found.status, found.handled_at, found.handled_by = "done", clock.now(settings()), g.staff.name
    record("data_request.done", "data_request", request_id)
    flash(_("Request DL-%(id)s marked done.", id=request_id))
    return redirect(url_for("console.data_requests"))
