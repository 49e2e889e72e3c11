"""Hand-off records: open one with a reference, add to its thread, and the functions staff (the console) use:
the queue, the whole thread, hold, reply and close."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.handoff_models import Handoff, HandoffMessage
from bot.messages import Reply
from core import clock
from core.models import Citizen, MessageLog, utcnow
from core.privacy import mask_phone
from core.settings import Settings

ACTIVE = ("open", "held")
STREAM = "loa:handoffs"  # one entry per new message in a thread: the console refreshes the thread it shows
CONTEXT_HOURS = 24  # what the citizen said before asking, shown with the thread


class HandoffClosed(ValueError):
    """The hand-off is closed (or does not exist): nothing more can be added by staff."""


def active_for(db: Session, channel: str, user_id: str) -> Handoff | None:
    """The open or held hand-off of this channel address, if any."""
    return db.scalar(select(Handoff).where(Handoff.channel == channel, Handoff.user_id == user_id,
                                           Handoff.status.in_(ACTIVE)).order_by(Handoff.id.desc()).limit(1))


def open_handoff(db: Session, citizen_id: int, channel: str, user_id: str, reason: str = "asked") -> Handoff:
    """A new open hand-off with a fresh reference number (HT-XXXXXX) for the citizen to quote."""
    while True:
        reference = "HT-" + secrets.token_hex(3).upper()
        if db.scalar(select(Handoff.id).where(Handoff.reference == reference)) is None:
            break
    handoff = Handoff(citizen_id=citizen_id, channel=channel, user_id=user_id, reference=reference,
                      reason=reason[:32], status="open", opened_at=utcnow())
    db.add(handoff)
    db.flush()
    return handoff


def add_message(db: Session, handoff: Handoff, author: str, text: str | None, kind: str = "text",
                media_url: str | None = None) -> HandoffMessage:
    """Append one message to the hand-off's thread."""
    message = HandoffMessage(handoff_id=handoff.id, author=author[:100], kind=kind[:16], text=text,
                             media_url=(media_url or None) and media_url[:500], created_at=utcnow())
    db.add(message)
    db.flush()
    return message


def publish(client, handoff: Handoff, author: str) -> None:
    """Tell whoever follows the stream (the console) that a thread has a new message."""
    client.xadd(STREAM, {"handoff_id": handoff.id, "reference": handoff.reference, "author": author,
                         "status": handoff.status}, maxlen=10000)


def queue(db: Session, statuses: tuple[str, ...] = ACTIVE, limit: int = 200) -> list[Handoff]:
    """Hand-offs waiting for staff, oldest first."""
    return list(db.scalars(select(Handoff).where(Handoff.status.in_(statuses))
                           .order_by(Handoff.opened_at, Handoff.id).limit(limit)))


@dataclass(frozen=True)
class ThreadLine:
    """One line of a thread as staff read it; `before` marks what the citizen said before asking for staff."""

    at: datetime
    author: str  # citizen | bot | staff:<name>
    text: str
    kind: str = "text"
    before: bool = False


def thread(db: Session, handoff_id: int, context: int = 10) -> list[ThreadLine]:
    """The whole conversation staff see: the last `context` messages before the request, then the thread."""
    handoff = _get(db, handoff_id)
    since = handoff.opened_at - timedelta(hours=CONTEXT_HOURS)
    earlier = db.scalars(select(MessageLog).where(
        MessageLog.channel == handoff.channel, MessageLog.external_id == handoff.user_id,
        MessageLog.created_at >= since, MessageLog.created_at < handoff.opened_at, MessageLog.text.is_not(None))
        .order_by(MessageLog.id.desc()).limit(context))
    lines = [ThreadLine(clock.as_utc(row.created_at), "citizen" if row.direction == "in" else "bot",
                        mask_phone(row.text or ""), before=True) for row in reversed(list(earlier))]
    lines += [ThreadLine(clock.as_utc(m.created_at), m.author, m.text or m.media_url or f"[{m.kind}]", m.kind)
              for m in handoff.messages]
    return lines


def hold(db: Session, handoff_id: int, by: str) -> Handoff:
    """A staff member takes the hand-off (others see who is answering)."""
    handoff = _active(db, handoff_id)
    handoff.status, handoff.held_by = "held", by[:100]
    return handoff


def close(db: Session, handoff_id: int, by: str) -> Handoff:
    """Staff (or the citizen cancelling) close the hand-off: the citizen's next messages go to the bot again."""
    handoff = _get(db, handoff_id)
    if handoff.status != "closed":
        handoff.status, handoff.closed_at, handoff.closed_by = "closed", utcnow(), by[:100]
    return handoff


def staff_reply(db: Session, handoff_id: int, by: str, text: str) -> tuple[str, str, Reply]:
    """Record a staff member's answer (taking the hand-off if nobody holds it); returns (channel, user_id, reply)
    for the caller to send (send_staff_reply does both)."""
    handoff = _active(db, handoff_id)
    if handoff.status == "open":
        handoff.status, handoff.held_by = "held", by[:100]
    add_message(db, handoff, f"staff:{by}", text)
    language = handoff_language(db, handoff)
    return handoff.channel, handoff.user_id, Reply(text=text, language=language)


def send_staff_reply(settings: Settings, handoff_id: int, by: str, text: str) -> bool:
    """Record and send a staff answer to the citizen on their channel; False when the send failed for good."""
    from bot import outbox  # lazy: outbox pulls in every channel adapter, which record keeping does not need
    from core.db import session_scope

    with session_scope(settings.database_url) as db:
        channel, user_id, reply = staff_reply(db, handoff_id, by, text)
    delivery = outbox.deliver(settings, channel, user_id, [reply])
    outbox.save(settings, delivery, channel, user_id)
    return bool(delivery.deferred or any(row.status == "sent" for row in delivery.rows))


def handoff_language(db: Session, handoff: Handoff) -> str:
    """The citizen's language, for staff replies."""
    citizen = db.get(Citizen, handoff.citizen_id)
    return (citizen.language if citizen else None) or "vi"


def _get(db: Session, handoff_id: int) -> Handoff:
    handoff = db.get(Handoff, handoff_id)
    if handoff is None:
        raise HandoffClosed(f"no hand-off {handoff_id}")
    return handoff


def _active(db: Session, handoff_id: int) -> Handoff:
    handoff = _get(db, handoff_id)
    if handoff.status not in ACTIVE:
        raise HandoffClosed(f"hand-off {handoff.reference} is closed")
    return handoff
