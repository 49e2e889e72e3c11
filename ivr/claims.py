"""Claiming the next person to call: a conditional UPDATE per person, so two dialers never call the same
person at once, and a partial unique index on phone, so one number is never in two calls at once even
when it is on two lists (PostgreSQL's READ COMMITTED lets two claimers pass the NOT EXISTS check together).

Two rounds share the queue: a tracing round (`status` pending -> calling) and an F1's daily check call
(`followup_status` pending -> calling, while `status` stays reached).
"""
from __future__ import annotations

from sqlalchemy import exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from core import clock
from core.db import session_scope
from core.settings import Settings
from ivr import pauses, store
from ivr.models import CallAttempt, TracingContact


def _due(session, now, paused_lists: list[int] = ()) -> list[tuple[int, str, str]]:
    """(id, phone, purpose) of up to 20 people whose call is due: tracing rounds and F1 check calls, outside the
    lists staff paused."""
    rows = []
    for purpose, column, state in (("tracing", TracingContact.status, "pending"),
                                   ("followup", TracingContact.followup_status, "pending")):
        # Two index-friendly queries rather than one OR (each has its own (state, next_attempt_at) index).
        query = select(TracingContact.id, TracingContact.phone, TracingContact.next_attempt_at).where(
            column == state, TracingContact.next_attempt_at <= now)
        if purpose == "followup":
            query = query.where(TracingContact.status == "reached")
        if paused_lists:
            query = query.where(TracingContact.list_id.not_in(paused_lists))
        rows += [(at, cid, phone, purpose) for cid, phone, at in
                 session.execute(query.order_by(TracingContact.next_attempt_at, TracingContact.id).limit(20))]
    rows.sort(key=lambda r: (clock.as_utc(r[0]), r[1]))
    return [(cid, phone, purpose) for _at, cid, phone, purpose in rows[:20]]


def _claim(session, contact_id: int, purpose: str, now) -> bool:
    """The conditional UPDATE that is the claim: only one claimer can still see the person due."""
    other = aliased(TracingContact)
    busy = exists().where(other.phone == TracingContact.phone, other.id != TracingContact.id,
                          or_(other.status == "calling", other.followup_status == "calling"))
    if purpose == "tracing":
        where, values = [TracingContact.status == "pending"], {"status": "calling"}
    else:
        where = [TracingContact.status == "reached", TracingContact.followup_status == "pending"]
        values = {"followup_status": "calling"}
    try:
        # A number being called (maybe on another list) is left for later. Under PostgreSQL's READ
        # COMMITTED two claimers can both pass that check; the partial unique index on phone (DIALING)
        # then fails the second one, inside a savepoint so the rest of the transaction survives.
        with session.begin_nested():
            return session.execute(
                update(TracingContact).where(TracingContact.id == contact_id, *where, ~busy)
                .values(**values, purpose=purpose, attempts=TracingContact.attempts + 1, claimed_at=now)
            ).rowcount == 1
    except IntegrityError:
        return False


def claim_next(settings: Settings):
    """Atomically move one due contact to calling and record its attempt, or None."""
    now = clock.now(settings)
    paused = pauses.paused_lists(settings)
    with session_scope(settings.database_url) as session:
        due = _due(session, now, paused)
        blocked = store.opted_out(session, [phone for _id, phone, _purpose in due])
        for contact_id, phone, purpose in due:
            if phone in blocked:
                if purpose == "tracing":
                    session.execute(update(TracingContact).where(TracingContact.id == contact_id,
                                                                 TracingContact.status == "pending")
                                    .values(status="opted_out", last_outcome="opted_out"))
                else:
                    session.execute(update(TracingContact).where(TracingContact.id == contact_id,
                                                                 TracingContact.followup_status == "pending")
                                    .values(followup_status="stopped", last_outcome="opted_out"))
                continue
            if not _claim(session, contact_id, purpose, now):
                continue
            contact = session.get(TracingContact, contact_id)
            session.refresh(contact)
            attempt = CallAttempt(contact_id=contact.id, attempt_no=contact.attempts, purpose=purpose,
                                  to_phone=contact.phone, from_number=settings.twilio_from_number,
                                  status="creating", started_at=now)
            session.add(attempt)
            session.flush()
            return contact, attempt
    return None
