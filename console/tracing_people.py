"""Tracing, one person at a time: search by name or number, a person's calls and the answers they gave,
correct a wrong number (the person is called again), close the case."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import or_, select

from bot.phones import InvalidPhone, to_e164
from console.access import db_scope, page, record, settings
from console.blueprint import bp
from console.i18n import gettext as _
from core import clock
from core.models import Declaration
from ivr.dialer import kick
from ivr.models import CallAttempt, TracingContact, TracingList

FOUND_MAX = 50


def _phone_or_none(text: str) -> str | None:
    try:
        return to_e164(text)
    except InvalidPhone:
        return None


@bp.get("/tracing/people")
@page("tracing.personal")
def tracing_search():
    """People on the lists whose number or name matches ?q= (a number in any form, or part of a name)."""
    q = request.args.get("q", "").strip()[:100]
    rows = []
    if q:
        phone = _phone_or_none(q)
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        match = TracingContact.phone == phone if phone else TracingContact.name.ilike(like, escape="\\")
        with db_scope() as db:
            rows = db.execute(select(TracingContact, TracingList.name).join(TracingList)
                              .where(or_(match)).order_by(TracingContact.id.desc()).limit(FOUND_MAX)).all()
        record("tracing.search", found=len(rows))
    return render_template("console/tracing_people.html", q=q, rows=rows)


@bp.get("/tracing/contacts/<int:contact_id>")
@page("tracing.personal", audit_as="tracing.contact.view", target=("tracing_contact", "contact_id"))
def tracing_contact(contact_id: int):
    """One person: list, status, every call placed, the answers given on the calls."""
    with db_scope() as db:
        contact = db.get(TracingContact, contact_id) or abort(404)
        list_name = db.get(TracingList, contact.list_id).name
        calls = db.scalars(select(CallAttempt).where(CallAttempt.contact_id == contact_id)
                           .order_by(CallAttempt.id.desc()).limit(100)).all()
        answers = db.scalars(select(Declaration).where(Declaration.tracing_contact_id == contact_id)
                             .order_by(Declaration.id.desc()).limit(20)).all()
    return render_template("console/tracing_contact.html", c=contact, list_name=list_name, calls=calls,
                           answers=answers)


@bp.post("/tracing/contacts/<int:contact_id>/phone")
@page("tracing.write")
def correct_phone(contact_id: int):
    """Replace a wrong number; an unreachable person goes back to the calling queue with fresh attempts."""
    phone = _phone_or_none(request.form.get("phone", ""))
    if phone is None:
        flash(_("That is not a Vietnamese phone number."))
        return redirect(url_for("console.tracing_contact", contact_id=contact_id))
    with db_scope() as db:
        contact = db.get(TracingContact, contact_id, with_for_update=True) or abort(404)
        if contact.status == "calling":
            flash(_("A call to this person is under way; correct the number when it ends."))
            return redirect(url_for("console.tracing_contact", contact_id=contact_id))
        contact.phone = phone
        if contact.status in ("unreachable", "pending"):
            contact.status, contact.attempts, contact.unreachable_at = "pending", 0, None
            contact.next_attempt_at, contact.last_outcome = clock.now(settings()), None
    record("tracing.correct_phone", "tracing_contact", contact_id)
    kick(settings())
    flash(_("Number corrected."))
    return redirect(url_for("console.tracing_contact", contact_id=contact_id))
