"""Conversations: citizens who asked for a person (hand-offs, bot/handoffs.py). Staff take one, read the whole
thread (refreshed live), reply in the citizen's own channel, and hand it back to the bot by closing it."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for

from bot import handoffs
from bot.handoff_models import Handoff
from console.access import db_scope, page, record, settings
from console.blueprint import bp
from console.i18n import gettext as _

MAX_REPLY = 2000


@bp.get("/conversations")
@page("conversations.work")
def conversations():
    """The hand-offs waiting for staff, oldest first."""
    with db_scope() as db:
        rows = handoffs.queue(db)
    return render_template("console/conversations.html", rows=rows)


def _thread(handoff_id: int):
    with db_scope() as db:
        found = db.get(Handoff, handoff_id) or abort(404)
        lines = handoffs.thread(db, handoff_id)
    return found, lines


@bp.get("/conversations/<int:handoff_id>")
@page("conversations.work", audit_as="handoff.view", target=("handoff", "handoff_id"))
def conversation(handoff_id: int):
    """One hand-off with its whole thread, the reply box, take and close."""
    found, lines = _thread(handoff_id)
    return render_template("console/conversation.html", h=found, lines=lines)


@bp.get("/conversations/<int:handoff_id>/thread")
@page("conversations.work")
def conversation_thread(handoff_id: int):
    """The thread fragment htmx refreshes while the page is open (the citizen may write meanwhile)."""
    found, lines = _thread(handoff_id)
    return render_template("console/_thread.html", h=found, lines=lines)


@bp.post("/conversations/<int:handoff_id>/<any(hold, close):move>")
@page("conversations.work")
def conversation_move(handoff_id: int, move: str):
    """Take the hand-off (others see who answers) or close it (the bot answers the citizen again)."""
    try:
        with db_scope() as db:
            (handoffs.hold if move == "hold" else handoffs.close)(db, handoff_id, g.staff.name)
    except handoffs.HandoffClosed as exc:
        flash(str(exc))
    else:
        record(f"handoff.{move}", "handoff", handoff_id)
    if move == "close":
        return redirect(url_for("console.conversations"))
    return redirect(url_for("console.conversation", handoff_id=handoff_id))


@bp.post("/conversations/<int:handoff_id>/reply")
@page("conversations.work")
def conversation_reply(handoff_id: int):
    """Send a staff answer to the citizen on their channel (Zalo, Telegram, SMS)."""
    text = request.form.get("text", "").strip()[:MAX_REPLY]
    if text:
        try:
            sent = handoffs.send_staff_reply(settings(), handoff_id, g.staff.name, text)
        except handoffs.HandoffClosed as exc:
            flash(str(exc))
        else:
            record("handoff.reply", "handoff", handoff_id, sent=sent)
            if not sent:
                flash(_("The answer is saved but the channel refused it; the citizen did not get it."))
    return redirect(url_for("console.conversation", handoff_id=handoff_id))
