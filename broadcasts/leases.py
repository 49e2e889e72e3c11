"""Delivery rows in flight: claim a chunk under a lease, write its results back in one statement, reclaim the
rows of a worker that died (they may have been sent: the campaign counts them as in_flight_lost).

The lease's expiry time doubles as the claim's token: a worker writes back only rows still carrying its own
lease, so a chunk taken over after a lease expired is never overwritten by the worker that lost it.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from broadcasts.models import Campaign, Delivery
from core.models import ChannelIdentity, Citizen, utcnow

T = Delivery.__table__
STOP_CHANNELS = {"zalo": ("zalo",), "zns": ("phone", "sms"), "sms": ("phone", "sms"), "telegram": ("telegram",)}


def claim(db: Session, campaign_id: int, chunk: int, lease_s: int) -> tuple[datetime, list[dict]]:
    """Take the chunk's due queued rows (queued -> sending); returns the lease and the rows with the phone."""
    now = utcnow()
    lease = now + timedelta(seconds=lease_s)
    due = or_(T.c.next_attempt_at.is_(None), T.c.next_attempt_at <= now)
    ids = [row[0] for row in db.execute(
        update(T).where(T.c.campaign_id == campaign_id, T.c.chunk == chunk, T.c.status == "queued", due)
        .values(status="sending", lease_until=lease, attempts=T.c.attempts + 1, updated_at=now)
        .returning(T.c.id))]
    db.commit()
    if not ids:
        return lease, []
    rows = db.execute(
        select(T.c.id, T.c.channel, T.c.address, T.c.language, T.c.attempts, T.c.identity_id, T.c.citizen_id,
               Citizen.phone).select_from(T.outerjoin(Citizen.__table__, Citizen.id == T.c.citizen_id))
        .where(T.c.id.in_(ids))).mappings().all()
    return lease, [dict(r) for r in rows]


def extend(db: Session, ids: list[int], old: datetime, lease_s: int) -> datetime:
    """Push the lease of rows still in flight further out (a long chunk waiting on a paused bucket)."""
    new = utcnow() + timedelta(seconds=lease_s)
    db.execute(update(T).where(T.c.id.in_(ids), T.c.status == "sending", T.c.lease_until == old)
               .values(lease_until=new))
    db.commit()
    return new


def write_back(db: Session, lease: datetime, results: list[dict]) -> int:
    """Every row's outcome in one executemany UPDATE, only where this worker still holds the lease."""
    if not results:
        return 0
    stmt = (update(T).where(and_(T.c.id == bindparam("b_id"), T.c.status == "sending",
                                 T.c.lease_until == bindparam("b_lease")))
            .values(status=bindparam("b_status"), channel=bindparam("b_channel"), address=bindparam("b_address"),
                    reason=bindparam("b_reason"), provider_msg_id=bindparam("b_msg"),
                    attempts=bindparam("b_attempts"), next_attempt_at=bindparam("b_next"), lease_until=None,
                    sent_at=bindparam("b_sent"), updated_at=bindparam("b_now")))
    now = utcnow()
    params = [{"b_id": r["id"], "b_lease": lease, "b_status": r["status"], "b_channel": r["channel"],
               "b_address": r["address"], "b_reason": (r.get("reason") or None) and r["reason"][:200],
               "b_msg": r.get("msg_id"), "b_attempts": r["attempts"], "b_next": r.get("next_attempt_at"),
               "b_sent": now if r["status"] == "sent" else None, "b_now": now} for r in results]
    result = db.execute(stmt, params)
    db.commit()
    return result.rowcount or 0


def mark_stopped(db: Session, stops: list[tuple[str, str, str]]) -> None:
    """Addresses the provider refused for good (blocked, unfollowed, STOP): one executemany per channel."""
    now = utcnow()
    for channel, names in STOP_CHANNELS.items():
        batch = [{"b_addr": a, "b_reason": r[:200]} for c, a, r in stops if c == channel]
        if batch:
            db.execute(update(ChannelIdentity.__table__)
                       .where(ChannelIdentity.external_id == bindparam("b_addr"),
                              or_(*(ChannelIdentity.channel == name for name in names)))
                       .values(stopped_at=now, stopped_reason=bindparam("b_reason")), batch)
    db.commit()


def reclaim(db: Session, campaign_id: int) -> tuple[int, set[int]]:
    """The campaign's rows whose lease ran out go back to the queue, counted as in flight when lost;
    returns (rows, their chunks)."""
    now = utcnow()
    chunks = [c for (c,) in db.execute(
        update(T).where(T.c.campaign_id == campaign_id, T.c.status == "sending", T.c.lease_until < now)
        .values(status="queued", lease_until=None, next_attempt_at=None, updated_at=now).returning(T.c.chunk))]
    if chunks:
        db.execute(update(Campaign).where(Campaign.id == campaign_id)
                   .values(in_flight_lost=func.coalesce(Campaign.in_flight_lost, 0) + len(chunks)))
    db.commit()
    return len(chunks), set(chunks)


def due_chunks(db: Session, campaign_id: int) -> list[int]:
    """Chunks holding queued rows that may be sent now."""
    now = utcnow()
    return [c for (c,) in db.execute(
        select(T.c.chunk).where(T.c.campaign_id == campaign_id, T.c.status == "queued",
                                or_(T.c.next_attempt_at.is_(None), T.c.next_attempt_at <= now)).distinct())]


def unfinished(db: Session, campaign_id: int) -> int:
    """Rows still queued or in flight."""
    return db.scalar(select(func.count()).select_from(T).where(
        T.c.campaign_id == campaign_id, T.c.status.in_(("queued", "sending")))) or 0
