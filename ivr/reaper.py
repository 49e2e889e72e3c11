"""Housekeeping for calls a crash left behind: nobody stays 'calling' for ever, nobody is lost.

Run from the dialer's tick every few seconds (one process at a time, by a Redis key).
"""
from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from core import clock
from core.db import session_scope
from core.redis_conn import get_redis
from core.settings import Settings
from ivr import dialer, twilio_client
from ivr.models import CallAttempt

log = logging.getLogger(__name__)
REAP_KEY = "loa:dial:reap"
REAP_EVERY_S = 5
# A placed call reports 'initiated' within seconds; an attempt still 'creating' after this was
# never placed (the dialer died before or during calls.create), so the person goes back in the queue.
CREATING_GRACE_S = 30
IN_FLIGHT = ("queued", "initiated", "ringing", "in-progress")


def maybe_reap(settings: Settings) -> dict | None:
    """Reap unless another process did so in the last few seconds."""
    if not get_redis(settings).set(REAP_KEY, "1", nx=True, ex=REAP_EVERY_S):
        return None
    try:
        return reap(settings)
    except Exception:  # noqa: BLE001 - housekeeping must never stop the dialer
        log.exception("reaper failed")
        return None


def reap(settings: Settings) -> dict:
    """Release never-placed attempts and settle calls whose final callback never came."""
    now = clock.now(settings)
    with session_scope(settings.database_url) as session:
        unplaced = list(session.scalars(select(CallAttempt.id).where(
            CallAttempt.status == "creating", CallAttempt.started_at < now - timedelta(seconds=CREATING_GRACE_S))))
        stuck = session.execute(select(CallAttempt.id, CallAttempt.call_sid).where(
            CallAttempt.status.in_(IN_FLIGHT),
            CallAttempt.started_at < now - timedelta(seconds=dialer.CALL_LEASE_S))).all()
    for attempt_id in unplaced:
        dialer.release_unplaced(settings, attempt_id)
    settled = 0
    for attempt_id, sid in stuck:
        settled += _reconcile(settings, attempt_id, sid)
    if unplaced or settled:
        log.warning("reaper: %d unplaced attempts released, %d stuck calls settled", len(unplaced), settled)
    return {"unplaced": len(unplaced), "settled": settled}


def _reconcile(settings: Settings, attempt_id: int, sid: str | None) -> int:
    """Ask Twilio how a call ended and apply it as a final callback."""
    from ivr.status import apply_callback

    if not sid:
        return 0
    try:
        call = twilio_client.client(settings).calls(sid).fetch()
    except Exception as exc:  # noqa: BLE001
        log.info("reaper could not fetch call %s: %s", sid, exc)
        return 0
    if call.status not in ("completed", "busy", "no-answer", "failed", "canceled"):
        return 0
    duration = int(call.duration) if call.duration else None
    return int(apply_callback(settings, attempt_id, sid, call.status, None, call.answered_by, duration) == "applied")
