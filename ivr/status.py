"""Twilio status callbacks (POST /voice/status): applied in SequenceNumber order, stale ones ignored,
the first outcome of a call kept for good; then the retry decision for the person called."""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import Blueprint, current_app, request
from sqlalchemy import func, select, update

from bot.channels import ParseError
from bot.channels.schema import check
from bot.channels.twilio_forms import CallStatusCallback, multidict_fields
from core import clock
from core.db import session_scope
from core.redis_conn import get_queue
from core.settings import Settings
from ivr import dialer
from ivr.models import CallAttempt, TracingContact
from ivr.signature import twilio_signed
from ivr.window import next_opening

log = logging.getLogger(__name__)
bp = Blueprint("ivr_status", __name__)

TERMINAL = ("completed", "busy", "no-answer", "failed", "canceled")
FINAL = TERMINAL + ("abandoned",)
STATUS_OUTCOME = {"busy": "busy", "no-answer": "no_answer", "failed": "failed", "canceled": "canceled"}
# Outcomes that end the tracing round without a retry.
NO_RETRY = {"reached": "reached", "wrong_person": "unreachable", "invalid_number": "unreachable",
            "opted_out": "opted_out"}


def retry_delay_s(settings: Settings, outcome: str) -> int:
    """How long to wait before calling again after `outcome` (each delay is a setting)."""
    return {
        "busy": settings.retry_busy_s, "no_answer": settings.retry_no_answer_s,
        "no_confirmation": settings.retry_no_answer_s, "failed": settings.retry_failed_s,
        "canceled": settings.retry_failed_s, "machine": settings.retry_machine_s,
    }.get(outcome, settings.retry_no_answer_s)


def set_outcome(session, attempt_id: int, outcome: str) -> bool:
    """Record why a call ended, unless a reason is already recorded (it is never overwritten)."""
    return bool(session.execute(update(CallAttempt).where(CallAttempt.id == attempt_id, CallAttempt.outcome.is_(None))
                                .values(outcome=outcome)).rowcount)


def _find(session, attempt_id: int | None, call_sid: str | None) -> CallAttempt | None:
    if call_sid:
        found = session.scalar(select(CallAttempt).where(CallAttempt.call_sid == call_sid))
        if found:
            return found
    # The callback can beat the dialer's own write of the sid: the attempt id in the URL finds it.
    found = session.get(CallAttempt, attempt_id) if attempt_id else None
    if found is not None and found.call_sid not in (None, call_sid) and call_sid:
        return None
    return found


def apply_callback(settings: Settings, attempt_id: int | None, call_sid: str | None, status: str,
                   sequence: int | None, answered_by: str | None = None, duration: int | None = None) -> str:
    """Apply one status callback: 'applied', 'stale' (older than what we have) or 'unknown'."""
    sms_for = None
    with session_scope(settings.database_url) as session:
        attempt = _find(session, attempt_id, call_sid)
        if attempt is None:
            return "unknown"
        conditions = [CallAttempt.id == attempt.id, CallAttempt.status.not_in(FINAL)]
        values = {"status": status}
        if sequence is not None:
            conditions.append(CallAttempt.last_sequence_number < sequence)
            values["last_sequence_number"] = sequence
        if call_sid:
            values["call_sid"] = func.coalesce(CallAttempt.call_sid, call_sid)
        if answered_by:
            values["answered_by"] = func.coalesce(CallAttempt.answered_by, answered_by)
        if not session.execute(update(CallAttempt).where(*conditions).values(**values)).rowcount:
            return "stale"
        if status in TERMINAL:
            sms_for = _finish(settings, session, attempt.id, status, duration)
    if status in TERMINAL:
        _after_final(settings, attempt.id, sms_for)
    else:
        dialer.slots(settings).renew(dialer.slot_name(attempt.id), dialer.CALL_LEASE_S)
    return "applied"


def settle(settings: Settings, attempt_id: int, status: str, outcome: str) -> None:
    """End an attempt from our side (Twilio refused the call) with a given outcome."""
    with session_scope(settings.database_url) as session:
        set_outcome(session, attempt_id, outcome)
        done = session.execute(update(CallAttempt).where(CallAttempt.id == attempt_id,
                                                         CallAttempt.status.not_in(FINAL))
                               .values(status=status)).rowcount
        sms_for = _finish(settings, session, attempt_id, status, None) if done else None
    _after_final(settings, attempt_id, sms_for)


def _after_final(settings: Settings, attempt_id: int, sms_for: int | None) -> None:
    dialer.slots(settings).release(dialer.slot_name(attempt_id))
    if sms_for:
        from rq import Retry

        from ivr.notify import send_unreachable_sms

        get_queue("calls", settings).enqueue(send_unreachable_sms, sms_for, retry=Retry(max=3, interval=[30, 120, 600]),
                                             result_ttl=0)
    dialer.kick(settings)


def _finish(settings: Settings, session, attempt_id: int, status: str, duration: int | None) -> int | None:
    """Close the attempt and decide the person's next state; returns a contact id that needs the SMS."""
    now = clock.now(settings)
    attempt = session.get(CallAttempt, attempt_id)
    session.refresh(attempt)
    machine = (attempt.answered_by or "").startswith(("machine", "fax"))
    set_outcome(session, attempt_id, "machine" if machine and status == "completed"
                else STATUS_OUTCOME.get(status, "no_confirmation"))
    session.execute(update(CallAttempt).where(CallAttempt.id == attempt_id).values(ended_at=now, duration_s=duration))
    session.refresh(attempt)
    contact = session.get(TracingContact, attempt.contact_id)
    session.refresh(contact)
    # Each round has its own state column: a follow-up call never moves `status` (reached stays reached).
    column = TracingContact.status if attempt.purpose == "tracing" else TracingContact.followup_status
    if getattr(contact, column.key) != "calling":
        return None  # staff closed the case (or an opt-out) while the call was under way
    if attempt.purpose == "tracing":
        values, needs_sms = decide(settings, contact, attempt.outcome, now)
    else:
        values, needs_sms = decide_followup(settings, contact, attempt.outcome, now), False
    changed = session.execute(update(TracingContact).where(TracingContact.id == contact.id, column == "calling")
                              .values(**values)).rowcount
    return contact.id if changed and needs_sms else None


def decide(settings: Settings, contact: TracingContact, outcome: str, now) -> tuple[dict, bool]:
    """The contact's new values after a tracing call ending in `outcome`, and whether to send the unreachable SMS."""
    values = {"last_outcome": outcome, "claimed_at": None}
    final = NO_RETRY.get(outcome)
    if final == "reached":
        from ivr.followup import reached_values

        return {**values, **reached_values(settings, contact, now)}, False
    if final:
        extra = {"unreachable_at": now} if final == "unreachable" else {}
        return {**values, "status": final, **extra}, False
    if contact.attempts >= settings.max_call_attempts:
        return {**values, "status": "unreachable", "unreachable_at": now}, True
    return {**values, "status": "pending", "next_attempt_at": _retry_at(settings, outcome, now)}, False


def decide_followup(settings: Settings, contact: TracingContact, outcome: str, now) -> dict:
    """The contact's new values after today's F1 check call ended in `outcome` (its `status` is left alone)."""
    values = {"last_outcome": outcome, "claimed_at": None}
    if outcome == "reached":
        return {**values, "followup_status": "done", "attempts": 0}
    if outcome in ("opted_out", "invalid_number"):
        return {**values, "followup_status": "stopped"}
    if outcome == "wrong_person" or contact.attempts >= settings.max_call_attempts:
        # Today's check is missed; tomorrow's is scheduled as usual (the tracing result still stands).
        return {**values, "followup_status": "missed"}
    return {**values, "followup_status": "pending", "next_attempt_at": _retry_at(settings, outcome, now)}


def _retry_at(settings: Settings, outcome: str, now):
    due = now + timedelta(seconds=retry_delay_s(settings, outcome))
    # A retry that would land outside the calling window waits for the next opening.
    return next_opening(settings, due)


@bp.post("/voice/status")
@twilio_signed
def status_callback():
    """Twilio's call progress events for our outbound calls."""
    settings = current_app.config["LOA_SETTINGS"]
    try:
        form = check(CallStatusCallback, multidict_fields(request.form))
    except ParseError as exc:
        log.warning("malformed status callback: %s", exc)
        return f"bad request: {exc}", 400, {"Content-Type": "text/plain"}
    sequence = int(form.SequenceNumber) if form.SequenceNumber is not None else None
    duration = int(form.CallDuration) if form.CallDuration is not None else None
    result = apply_callback(settings, request.args.get("attempt", type=int), form.CallSid,
                            form.CallStatus, sequence, form.AnsweredBy, duration)
    if result == "unknown":
        log.info("status callback for an unknown call %s", form.CallSid)
    return "", 204
