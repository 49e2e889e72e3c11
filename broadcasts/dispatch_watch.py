"""The campaign's watch (a short RQ job re-enqueued every second while the campaign lives): takes back the rows
of dead workers after their lease, re-enqueues chunks whose rows are due again (retries, resume), marks a
cancelled campaign's unsent rows, checks the failure rate, and finishes the campaign when nothing is left.

One watch chain per campaign, kept by a Redis guard key: chunk jobs and the worker's maintenance round
restart a chain whose job died with its worker (the guard then expires).
"""
from __future__ import annotations

import json
import logging
from datetime import timedelta

from sqlalchemy import select, update

from broadcasts import autopause, leases
from broadcasts.dispatch_chunk import job_settings, run_chunk
from broadcasts.models import Campaign, Delivery
from broadcasts.quiet_hours import sending_allowed_now
from core.db import session_factory
from core.models import utcnow
from core.redis_conn import get_queue, get_redis
from core.settings import Settings

log = logging.getLogger(__name__)
WATCH_S = 1.0
PAUSED_WATCH_S = 2.0
GUARD_TTL_S = 20
LIVE = ("running", "paused")
CHUNK_JOB_TIMEOUT_S = 3600


def _guard(campaign_id: int) -> str:
    return f"loa:bcast:watch:{campaign_id}"


def _chunk_guard(campaign_id: int, chunk: int) -> str:
    return f"loa:bcast:chunk:{campaign_id}:{chunk}"


def enqueue_chunks(settings: Settings, campaign_id: int, chunks: list[int], overrides: dict | None) -> int:
    """Enqueue one job per chunk not already queued or running (a Redis guard per chunk); returns how many."""
    redis, queue = get_redis(settings), get_queue("broadcasts", settings)
    pipe = redis.pipeline(transaction=False)
    for chunk in chunks:
        # Held until the job ends (chunk_done) or its rows are reclaimed from a dead worker (watch).
        pipe.set(_chunk_guard(campaign_id, chunk), "1", nx=True, ex=CHUNK_JOB_TIMEOUT_S)
    fresh = [c for c, ok in zip(chunks, pipe.execute()) if ok]
    jobs = [queue.prepare_data(run_chunk, (campaign_id, chunk, overrides), timeout=CHUNK_JOB_TIMEOUT_S,
                               result_ttl=0, failure_ttl=24 * 3600) for chunk in fresh]
    for start in range(0, len(jobs), 500):
        queue.enqueue_many(jobs[start:start + 500])
    return len(fresh)


def chunk_done(settings: Settings, campaign_id: int, chunk: int, overrides: dict | None) -> None:
    """A chunk job ended (however): free its guard and make sure the campaign's watch is alive."""
    get_redis(settings).delete(_chunk_guard(campaign_id, chunk))
    ensure_watch(settings, campaign_id, overrides)


def remember_knobs(settings: Settings, campaign_id: int, overrides: dict) -> None:
    """Keep the launch's dispatch settings, so a watch restarted by any worker uses them too."""
    get_redis(settings).set(f"loa:bcast:knobs:{campaign_id}", json.dumps(overrides), ex=30 * 24 * 3600)


def stored_knobs(settings: Settings, campaign_id: int) -> dict | None:
    """The dispatch settings the campaign was launched with (None: the worker's own)."""
    stored = get_redis(settings).get(f"loa:bcast:knobs:{campaign_id}")
    return json.loads(stored) if stored else None


def ensure_watch(settings: Settings, campaign_id: int, overrides: dict | None, delay: float = 0.0) -> bool:
    """Start the campaign's watch chain unless one is alive; True when this call started it."""
    redis = get_redis(settings)
    if not redis.set(_guard(campaign_id), "1", nx=True, ex=GUARD_TTL_S):
        return False
    if overrides is None:
        overrides = stored_knobs(settings, campaign_id)
    _schedule(settings, campaign_id, overrides, delay)
    return True


def _schedule(settings: Settings, campaign_id: int, overrides: dict | None, delay: float) -> None:
    queue = get_queue("broadcasts", settings)
    # At the front: a campaign's thousands of queued chunks must not delay its lease sweep and finish.
    kwargs = dict(job_timeout=120, result_ttl=0, failure_ttl=3600, at_front=True)
    if delay > 0:
        queue.enqueue_in(timedelta(seconds=delay), watch, campaign_id, overrides, **kwargs)
    else:
        queue.enqueue(watch, campaign_id, overrides, **kwargs)


def watch(campaign_id: int, overrides: dict | None = None) -> str:
    """RQ job: one round of the campaign's watch; schedules the next round while the campaign lives."""
    settings = job_settings(overrides)
    redis = get_redis(settings)
    redis.set(_guard(campaign_id), "1", ex=GUARD_TTL_S)
    with session_factory(settings.database_url)() as db:
        lost, chunks = leases.reclaim(db, campaign_id)
        if lost:
            log.warning("campaign %s: %d rows in flight on a dead worker go back to the queue", campaign_id, lost)
            redis.delete(*[_chunk_guard(campaign_id, chunk) for chunk in chunks])  # their job died too
        campaign = db.get(Campaign, campaign_id)
        state = campaign.state if campaign else "missing"
        if state == "running":
            _running(settings, db, campaign, redis, overrides)
            state = db.scalar(select(Campaign.state).where(Campaign.id == campaign_id))
        elif state == "cancelled":
            _cancelled(db, campaign_id)
            if leases.unfinished(db, campaign_id):
                state = "paused"  # rows still in flight: keep watching until their lease or result
    if state not in LIVE:
        redis.delete(_guard(campaign_id))
        return state
    _schedule(settings, campaign_id, overrides, WATCH_S if state == "running" else PAUSED_WATCH_S)
    return state


def _running(settings: Settings, db, campaign: Campaign, redis, overrides: dict | None) -> None:
    total, failed, reasons = autopause.last_minute_sync(redis, campaign.id)
    if autopause.should_pause(settings, total, failed):
        autopause.pause(settings, campaign.id, total, failed, reasons)
        return
    if not sending_allowed(campaign, settings):
        return
    chunks = leases.due_chunks(db, campaign.id)
    if chunks:
        enqueue_chunks(settings, campaign.id, chunks, overrides)
    elif not leases.unfinished(db, campaign.id):
        db.execute(update(Campaign).where(Campaign.id == campaign.id, Campaign.state == "running")
                   .values(state="finished", finished_at=utcnow(), updated_at=utcnow()))
        db.commit()
        log.info("campaign %s finished", campaign.id)


def _cancelled(db, campaign_id: int) -> None:
    """A cancelled campaign's unsent rows end as failed "cancelled" (rows in flight finish their send)."""
    db.execute(update(Delivery).where(Delivery.campaign_id == campaign_id, Delivery.status == "queued")
               .values(status="failed", reason="cancelled", updated_at=utcnow()))
    db.commit()


def sending_allowed(campaign: Campaign, settings: Settings) -> bool:
    """Outside quiet hours, or urgent (broadcasts.quiet_hours)."""
    return sending_allowed_now(campaign, settings)


def sweep(settings: Settings) -> int:
    """Restart the watch of every live campaign whose chain died (the worker's maintenance round)."""
    with session_factory(settings.database_url)() as db:
        ids = db.scalars(select(Campaign.id).where(Campaign.state.in_(("running", "paused")))).all()
    return sum(ensure_watch(settings, cid, None) for cid in ids)
