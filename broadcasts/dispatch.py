"""Broadcast dispatch, the part the campaigns API calls: launch a campaign (plan its rows, enqueue one RQ job
per chunk, start its watch) and read its live counters.

How a campaign goes out: broadcasts.dispatch_chunk (claim, send concurrently, one write-back per chunk),
broadcasts.dispatch_send (the per-recipient rules), broadcasts.buckets (shared pacing), broadcasts.dispatch_watch
(leases, retries, resume, cancel, finish), broadcasts.autopause, broadcasts.callbacks (receipts).
"""
from __future__ import annotations

import logging

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from broadcasts import leases
from broadcasts.dispatch_chunk import knobs
from broadcasts.dispatch_watch import enqueue_chunks, ensure_watch, remember_knobs, stored_knobs
from broadcasts.models import Campaign, Delivery
from core.db import session_factory
from core.models import utcnow
from core.settings import Settings

log = logging.getLogger(__name__)


def launch(settings: Settings, campaign_id: int) -> int:
    """Plan the campaign's rows if not yet planned, mark it running and enqueue its chunks; returns rows planned."""
    from broadcasts.planning import plan  # lazy: planning belongs to the campaigns side, which imports us

    overrides = knobs(settings)
    with session_factory(settings.database_url)() as db:
        campaign = db.get(Campaign, campaign_id)
        if campaign is None:
            raise LookupError(f"campaign {campaign_id} does not exist")
        if campaign.state in ("finished", "cancelled"):
            raise ValueError(f"campaign {campaign_id} is {campaign.state}")
        planned = plan(db, campaign_id, chunk_size=settings.broadcast_chunk_size)  # once: a replan is a no-op
        # Only a launching (scheduled) or running campaign runs: one cancelled meanwhile stays cancelled.
        db.execute(update(Campaign).where(Campaign.id == campaign_id, Campaign.state.in_(("scheduled", "running")))
                   .values(state="running", planned_count=planned, updated_at=utcnow(),
                           started_at=func.coalesce(Campaign.started_at, utcnow())))
        db.commit()
        if db.scalar(select(Campaign.state).where(Campaign.id == campaign_id)) != "running":
            return planned
        chunks = leases.due_chunks(db, campaign_id)
    remember_knobs(settings, campaign_id, overrides)
    queued = enqueue_chunks(settings, campaign_id, chunks, overrides)
    ensure_watch(settings, campaign_id, overrides, delay=1.0)
    log.info("campaign %s launched: %d rows in %d chunk jobs", campaign_id, planned, queued)
    return planned


def resume(settings: Settings, campaign_id: int) -> int:
    """A paused campaign runs again: enqueue its chunks that still hold queued rows (sent rows stay sent)."""
    with session_factory(settings.database_url)() as db:
        chunks = leases.due_chunks(db, campaign_id)
    queued = enqueue_chunks(settings, campaign_id, chunks, stored_knobs(settings, campaign_id))
    ensure_watch(settings, campaign_id, None)
    return queued


def cancel(settings: Settings, campaign_id: int) -> None:
    """A cancelled campaign: its watch marks what is left and ends once rows in flight have their outcome."""
    ensure_watch(settings, campaign_id, None)


def counters(session: Session, campaign_id: int) -> dict:
    """Live counts: rows per status, failed rows per reason, and the rows that were in flight on a dead worker."""
    by_status = {status: 0 for status in ("queued", "sending", "sent", "delivered", "seen", "failed")}
    by_reason: dict[str, int] = {}
    by_channel: dict[str, int] = {}
    rows = session.execute(select(Delivery.status, Delivery.reason, Delivery.channel, func.count())
                           .where(Delivery.campaign_id == campaign_id)
                           .group_by(Delivery.status, Delivery.reason, Delivery.channel)).all()
    for status, reason, channel, count in rows:
        by_status[status] = by_status.get(status, 0) + count
        by_channel[channel] = by_channel.get(channel, 0) + count
        if status == "failed":
            key = reason or "unknown"
            by_reason[key] = by_reason.get(key, 0) + count
    lost = session.scalar(select(Campaign.in_flight_lost).where(Campaign.id == campaign_id)) or 0
    return {"total": sum(by_status.values()), "by_status": by_status, "failed_by_reason": by_reason,
            "by_channel": by_channel, "in_flight_lost": lost}
