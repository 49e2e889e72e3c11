"""Tracing: upload a list (CSV or .xlsx) with its row-by-row report, lists' progress, the unreachable queue,
pause and resume calling (all of it, or one list)."""
from __future__ import annotations

from pathlib import Path

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import func, select

from console.access import db_scope, page, record, settings
from console.blueprint import bp
from console.context import name_for, phone_for
from console.i18n import gettext as _
from console.xlsx import xlsx_rows
from core.staff_auth import can
from ivr import dialer, pauses
from ivr.followup import close_case
from ivr.importer import ImportRefused, import_csv, import_rows
from ivr.models import TracingContact, TracingList

UNREACHABLE_SHOWN = 100


def _lists(db) -> list[dict]:
    counts: dict[int, dict[str, int]] = {}
    for list_id, status, n in db.execute(select(TracingContact.list_id, TracingContact.status, func.count())
                                         .group_by(TracingContact.list_id, TracingContact.status)):
        counts.setdefault(list_id, {})[status] = n
    out, paused = [], pauses.state(settings())["lists"]  # one read for every list
    for found in db.scalars(select(TracingList).order_by(TracingList.id.desc()).limit(100)):
        by_status = counts.get(found.id, {})
        total = sum(by_status.values())
        done = sum(by_status.get(s, 0) for s in ("reached", "unreachable", "closed", "opted_out"))
        out.append({"list": found, "counts": by_status, "total": total, "done": done,
                    "percent": round(100 * done / total) if total else 0,
                    "paused_since": paused.get(str(found.id))})
    return out


def _page(report=None, error=None, status=200):
    with db_scope() as db:
        lists = _lists(db)
        rows = db.scalars(select(TracingContact).where(TracingContact.status == "unreachable")
                          .order_by(TracingContact.unreachable_at).limit(UNREACHABLE_SHOWN)).all()
        unreachable = [{"c": c, "name": name_for("tracing.personal", c.name),
                        "phone": phone_for("tracing.personal", c.phone)} for c in rows]
    if unreachable and can(g.staff, "tracing.personal"):
        record("tracing.unreachable.view", rows=len(unreachable))  # full names and numbers were shown
    return render_template("console/tracing.html", lists=lists, unreachable=unreachable, report=report,
                           error=error, paused_since=dialer.paused_since(settings())), status


@bp.get("/tracing")
@page("tracing.read")
def tracing():
    """Lists' progress, the unreachable queue and the upload form."""
    return _page()


@bp.post("/tracing/upload")
@page("tracing.write")
def upload():
    """Import an uploaded CSV or .xlsx list; the page shows what went in and every refused row with its reason."""
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        return _page(error=_("Choose a CSV or Excel file."), status=400)
    name = request.form.get("list", "").strip() or Path(sent.filename).stem
    data = sent.read()
    try:
        if sent.filename.lower().endswith(".xlsx"):
            result = import_rows(settings(), name, xlsx_rows(data), first_row=2)
        else:
            result = import_csv(settings(), sent.filename, name, text=data)
    except ImportRefused as exc:
        return _page(error=_("The file was refused: %(reason)s", reason=exc.reason), status=400)
    record("tracing.import", "tracing_list", result.list_id, imported=result.imported,
           errors=len(result.errors), filename=sent.filename[:200])
    return _page(report=result)


@bp.post("/tracing/contacts/<int:contact_id>/close")
@page("tracing.write")
def close_contact(contact_id: int):
    """Close a case (a tracer reached the person another way): no more calls or follow-ups."""
    if close_case(settings(), contact_id):
        record("tracing.close", "tracing_contact", contact_id)
        flash(_("Case closed."))
    return redirect(url_for("console.tracing"))


@bp.post("/tracing/dialer/<any(pause, resume):action>")
@page("tracing.dialer")
def dialer_switch(action: str):
    """Pause every tracing call (calls under way finish) or start calling again."""
    if action == "pause":
        dialer.pause(settings(), by=g.staff.name)
    else:
        dialer.resume(settings())
    record(f"tracing.dialer.{action}")
    flash(_("Calling is paused.") if action == "pause" else _("Calling has resumed."))
    return redirect(url_for("console.tracing"))


@bp.post("/tracing/lists/<int:list_id>/<any(pause, resume):action>")
@page("tracing.dialer")
def list_switch(list_id: int, action: str):
    """Pause or resume one list (the other lists go on)."""
    with db_scope() as db:
        db.get(TracingList, list_id) or abort(404)
    if action == "pause":
        dialer.pause(settings(), list_id=list_id, by=g.staff.name)
    else:
        dialer.resume(settings(), list_id=list_id)
    record(f"tracing.list.{action}", "tracing_list", list_id)
    return redirect(url_for("console.tracing"))
