"""MessageLog rows for what comes in and goes out, receipts, and stopped contacts; phones masked."""
from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.messages import Inbound, Reply
from core.models import ChannelIdentity, MessageLog, utcnow
from core.privacy import mask_phone

# A receipt may only move a message forward: a late "delivered" never undoes "seen".
EARLIER = {"delivered": ("sent",), "seen": ("sent", "delivered")}


def _clip(text: str | None, size: int) -> str | None:
    return None if text is None else text[:size]


def inbound_row(inbound: Inbound, error: str | None = None) -> MessageLog:
    """The 'in' row for a citizen's message (a shared phone number is stored masked)."""
    text = inbound.text or inbound.payload or ""
    if inbound.kind == "contact" and inbound.phone:
        text = inbound.phone
    elif inbound.kind == "location" and inbound.latitude is not None:
        text = f"[location {inbound.latitude:.5f},{inbound.longitude:.5f}]"
    elif not text:
        text = f"[{inbound.kind}]"
    return MessageLog(channel=inbound.channel, external_id=inbound.user_id, direction="in",
                      text=mask_phone(text), provider_msg_id=_clip(inbound.msg_id, 64),
                      status="failed" if error else "received", error=_clip(error, 200))


def outbound_rows(channel: str, user_id: str, reply: Reply, ids: list[str], error: str | None = None) -> list[MessageLog]:
    """'out' rows for one reply: one per provider message id (the text on the first), or one failed row."""
    text = mask_phone(reply.text)
    if error or not ids:
        return [MessageLog(channel=channel, external_id=user_id, direction="out", text=text, status="failed",
                           error=_clip(error or "no message id", 200))]
    return [MessageLog(channel=channel, external_id=user_id, direction="out", text=text if i == 0 else None,
                       provider_msg_id=_clip(mid, 64), status="sent") for i, mid in enumerate(ids)]


def apply_receipt(db: Session, inbound: Inbound) -> int:
    """Move our sent message to delivered/seen by its provider id; returns rows changed."""
    result = db.execute(update(MessageLog)
                        .where(MessageLog.channel == inbound.channel, MessageLog.provider_msg_id == inbound.msg_id,
                               MessageLog.direction == "out", MessageLog.status.in_(EARLIER[inbound.kind]))
                        .values(status=inbound.kind))
    return result.rowcount or 0


def mark_stopped(db: Session, channel: str, user_id: str, reason: str) -> int:
    """The provider says this address can no longer be reached: remember when and why."""
    result = db.execute(update(ChannelIdentity)
                        .where(ChannelIdentity.channel == channel, ChannelIdentity.external_id == user_id)
                        .values(stopped_at=utcnow(), stopped_reason=reason[:200]))
    return result.rowcount or 0
