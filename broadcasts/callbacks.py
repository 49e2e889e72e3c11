"""Delivery tracking: Zalo's received/seen events and Twilio's SMS status callbacks move delivery rows forward,
never back (a late or duplicated callback changes nothing).

A receipt can beat the chunk's write-back (the provider answers, then reports delivery, before the job has
stored the message id): such a receipt waits in Redis (loa:bcast:early:<id>, one hour) and the job applies it
right after its write-back.
"""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, request
from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from bot.channels import ParseError
from bot.channels.schema import check
from bot.channels.sms import SmsAdapter
from bot.channels.twilio_forms import SmsStatus, fields
from broadcasts.models import STATUS_ORDER, Delivery
from broadcasts.senders import SMS_STATUS_PATH
from core.db import session_scope
from core.models import utcnow
from core.redis_conn import get_redis

log = logging.getLogger(__name__)
bp = Blueprint("broadcast_callbacks", __name__)
EARLY_TTL_S = 3600
# Twilio's MessageStatus -> delivery status (queued/accepted/sending add nothing to "sent").
SMS_STATUS = {"sent": "sent", "delivered": "delivered", "read": "seen", "undelivered": "failed", "failed": "failed"}
T = Delivery.__table__


def earlier(status: str) -> list[str]:
    """The statuses a row may move to `status` from (after it was sent)."""
    rank = STATUS_ORDER[status]
    return [s for s, r in STATUS_ORDER.items() if r < rank and s not in ("queued", "sending")]


def _early_key(msg_id: str) -> str:
    return f"loa:bcast:early:{msg_id}"


def _forward(db: Session, msg_id: str, status: str, reason: str | None) -> int:
    values = {"status": status, "updated_at": utcnow()}
    if reason:
        values["reason"] = reason[:200]
    changed = db.execute(update(T).where(T.c.provider_msg_id == msg_id, T.c.status.in_(earlier(status)))
                         .values(**values)).rowcount or 0
    db.commit()
    return changed


def apply(db: Session, redis, msg_id: str, status: str, reason: str | None = None) -> int:
    """Move the row sent as `msg_id` forward to `status`; keep the receipt for later if no row has it yet."""
    if not msg_id or status not in STATUS_ORDER:
        return 0
    changed = _forward(db, msg_id, status, reason)
    if changed or db.scalar(select(T.c.id).where(T.c.provider_msg_id == msg_id).limit(1)) is not None:
        return changed
    # Not written back yet (or not a broadcast at all): keep the furthest status for the chunk job...
    key = _early_key(msg_id)
    previous = redis.hget(key, "status")
    if previous is None or STATUS_ORDER[previous.decode()] < STATUS_ORDER[status]:
        redis.hset(key, mapping={"status": status, "reason": reason or ""})
        redis.expire(key, EARLY_TTL_S)
    # ...and look again: a write-back that committed meanwhile read the stash before it was there.
    changed = _forward(db, msg_id, status, reason)
    if changed:
        redis.delete(key)
    return changed


def apply_early(db: Session, redis, msg_ids: list[str]) -> int:
    """Apply the receipts that arrived before these message ids were written back; one executemany."""
    if not msg_ids:
        return 0
    pipe = redis.pipeline(transaction=False)
    for mid in msg_ids:
        pipe.hgetall(_early_key(mid))
    found = [(mid, h) for mid, h in zip(msg_ids, pipe.execute()) if h]
    if not found:
        return 0
    changed = 0
    for status in ("delivered", "seen", "failed"):
        batch = [{"b_msg": mid, "b_reason": (h.get(b"reason") or b"").decode() or None}
                 for mid, h in found if h.get(b"status", b"").decode() == status]
        if batch:
            # OR of equalities: an expanding IN (...) cannot be executed many times in one go.
            result = db.execute(update(T).where(T.c.provider_msg_id == bindparam("b_msg"),
                                                or_(*(T.c.status == s for s in earlier(status))))
                                .values(status=status, updated_at=utcnow(),
                                        reason=func.coalesce(bindparam("b_reason"), T.c.reason)), batch)
            changed += result.rowcount or 0
    db.commit()
    redis.delete(*[_early_key(mid) for mid, _ in found])
    return changed


def apply_inbound_receipt(db: Session, inbound) -> int:
    """A Zalo/ZNS received or seen event that matched no chat message: a broadcast's receipt (bot.inbound)."""
    from bot.inbound import current_settings  # lazy: only the inbound worker calls this

    status = {"delivered": "delivered", "seen": "seen"}.get(inbound.kind)
    if status is None:
        return 0
    return apply(db, get_redis(current_settings()), str(inbound.msg_id or ""), status)


@bp.post(SMS_STATUS_PATH)
def sms_status():
    """Twilio's status callback for a broadcast SMS (signed like every Twilio webhook)."""
    settings = current_app.config["LOA_SETTINGS"]
    body = request.get_data()
    if not SmsAdapter(settings).verify(request.headers, body, path=SMS_STATUS_PATH):
        return {"error": "bad signature"}, 403
    try:
        form = check(SmsStatus, fields(body))  # the same checked shape as every other Twilio webhook
    except ParseError as exc:
        return {"error": "bad request", "description": str(exc)}, 400
    status, sid = SMS_STATUS.get(form.MessageStatus or ""), form.sid
    if status is None:
        return {"ok": True, "ignored": True}
    code = form.ErrorCode
    reason = f"sms {code}: {form.MessageStatus}" if status == "failed" else None
    with session_scope(settings.database_url) as db:
        changed = apply(db, get_redis(settings), sid, status, reason)
    return {"ok": True, "changed": changed}
