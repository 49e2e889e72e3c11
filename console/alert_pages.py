"""Alerts: the live queue (htmx polls it every few seconds), one alert with its person, claim, note, resolve."""
from __future__ import annotations

from flask import abort, g, redirect, render_template, request, url_for
from sqlalchemy import case, select

from console.access import db_scope, page, record, settings
from console.blueprint import bp
from console.context import name_for, phone_for
from console.models import AlertNote, AlertWork
from core import clock
from core.models import Alert, Citizen, Declaration

SEVERITY_ORDER = case({"critical": 0, "high": 1}, value=Alert.severity, else_=2)
QUEUE_SIZE = 100


def open_alerts(db) -> list[tuple[Alert, AlertWork | None]]:
    """The open alerts, most severe then newest first, with their claim."""
    rows = db.execute(select(Alert, AlertWork).outerjoin(AlertWork, AlertWork.alert_id == Alert.id)
                      .where(Alert.acknowledged_at.is_(None))
                      .order_by(SEVERITY_ORDER, Alert.created_at.desc()).limit(QUEUE_SIZE))
    return [tuple(row) for row in rows]


@bp.get("/alerts")
@page("alerts.read")
def alerts():
    """The alerts page; its queue refreshes itself."""
    with db_scope() as db:
        rows = open_alerts(db)
    return render_template("console/alerts.html", rows=rows)


@bp.get("/alerts/queue")
@page("alerts.read")
def alert_queue():
    """The queue fragment htmx swaps in every few seconds."""
    with db_scope() as db:
        rows = open_alerts(db)
    return render_template("console/_alert_queue.html", rows=rows)


@bp.get("/alerts/<int:alert_id>")
@page("alerts.work", audit_as="alert.view", target=("alert", "alert_id"))
def alert(alert_id: int):
    """One alert with the person to call back, their declaration and the notes."""
    with db_scope() as db:
        found = db.get(Alert, alert_id) or abort(404)
        work = db.get(AlertWork, alert_id)
        citizen = db.get(Citizen, found.citizen_id) if found.citizen_id else None
        declaration = db.get(Declaration, found.declaration_id) if found.declaration_id else None
        notes = db.scalars(select(AlertNote).where(AlertNote.alert_id == alert_id).order_by(AlertNote.id)).all()
        phone = (declaration.phone if declaration else None) or (citizen.phone if citizen else None)
        name = (declaration.full_name if declaration else None) or (citizen.name if citizen else None)
    return render_template("console/alert.html", alert=found, work=work, notes=notes, declaration=declaration,
                           phone=phone_for("declarations.personal", phone),
                           name=name_for("declarations.personal", name))


def _work(db, alert_id: int) -> tuple[Alert, AlertWork]:
    found = db.get(Alert, alert_id, with_for_update=True) or abort(404)
    work = db.get(AlertWork, alert_id)
    if work is None:
        work = AlertWork(alert_id=alert_id)
        db.add(work)
    return found, work


@bp.post("/alerts/<int:alert_id>/claim")
@page("alerts.work")
def claim(alert_id: int):
    """Take an alert: the others see who is on it."""
    with db_scope() as db:
        found, work = _work(db, alert_id)
        if found.acknowledged_at is None:
            work.claimed_by, work.claimed_at = g.staff.name, clock.now(settings())
    record("alert.claim", "alert", alert_id)
    return _back(alert_id)


@bp.post("/alerts/<int:alert_id>/note")
@page("alerts.work")
def add_note(alert_id: int):
    """Add a note (what was done, what the citizen said)."""
    text = request.form.get("text", "").strip()[:2000]
    if text:
        with db_scope() as db:
            db.get(Alert, alert_id) or abort(404)
            db.add(AlertNote(alert_id=alert_id, author=g.staff.name, text=text))
        record("alert.note", "alert", alert_id)
    return _back(alert_id)


@bp.post("/alerts/<int:alert_id>/resolve")
@page("alerts.work")
def resolve(alert_id: int):
    """Close an alert: it leaves the queue (and the Today count)."""
    with db_scope() as db:
        found, work = _work(db, alert_id)
        if found.acknowledged_at is None:
            now = clock.now(settings())
            found.acknowledged_at, found.acknowledged_by = now, g.staff.name
            work.resolved_at, work.resolved_by = now, g.staff.name
            work.claimed_by = work.claimed_by or g.staff.name
    record("alert.resolve", "alert", alert_id)
    return redirect(url_for("console.alerts"))


def _back(alert_id: int):
    return redirect(url_for("console.alert", alert_id=alert_id))
