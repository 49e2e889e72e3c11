"""Auto-pause: when more than BROADCAST_PAUSE_FAILURE_RATE of the last minute's sends failed (at least 50
sends), the campaign pauses itself and staff get an Alert with the top reasons.

Every worker adds its sends to per-second Redis counters (loa:bcast:stats:<campaign>:<second>), so the
minute is the campaign's, whichever workers sent it.
"""
from __future__ import annotations

import logging
import time
from collections import Counter

from sqlalchemy import update

from broadcasts.models import Campaign
from core.db import session_scope
from core.models import Alert, utcnow
from core.settings import Settings

log = logging.getLogger(__name__)
WINDOW_S = 60
MIN_SENDS = 50
TOP = 3


def stats_key(campaign_id: int, second: int) -> str:
    """The counters of one campaign's sends in one second."""
    return f"loa:bcast:stats:{campaign_id}:{second}"


async def record(redis, campaign_id: int, sent: int, failed: Counter) -> None:
    """Add a batch of outcomes to this second's counters (one pipeline)."""
    if not sent and not failed:
        return
    key = stats_key(campaign_id, int(time.time()))
    pipe = redis.pipeline(transaction=False)
    pipe.hincrby(key, "sent", sent)
    pipe.hincrby(key, "failed", sum(failed.values()))
    for reason, count in failed.items():
        pipe.hincrby(key, f"r:{reason}", count)
    pipe.expire(key, WINDOW_S * 2)
    await pipe.execute()


def _queue_minute(pipe, campaign_id: int):
    now = int(time.time())
    for second in range(now - WINDOW_S + 1, now + 1):
        pipe.hgetall(stats_key(campaign_id, second))
    return pipe


def _sum(rows: list[dict]) -> tuple[int, int, Counter]:
    sent, failed, reasons = 0, 0, Counter()
    for counts in rows:
        for name, value in counts.items():
            name = name.decode() if isinstance(name, bytes) else name
            if name == "sent":
                sent += int(value)
            elif name == "failed":
                failed += int(value)
            elif name.startswith("r:"):
                reasons[name[2:]] += int(value)
    return sent + failed, failed, reasons


async def last_minute(redis, campaign_id: int) -> tuple[int, int, Counter]:
    """(sends, failures, failures by reason) over the last minute (asyncio Redis client)."""
    return _sum(await _queue_minute(redis.pipeline(transaction=False), campaign_id).execute())


def last_minute_sync(redis, campaign_id: int) -> tuple[int, int, Counter]:
    """The same with a blocking Redis client."""
    return _sum(_queue_minute(redis.pipeline(transaction=False), campaign_id).execute())


def should_pause(settings: Settings, total: int, failed: int) -> bool:
    """True when the minute's failure rate is over the limit with enough sends to judge."""
    return total >= MIN_SENDS and failed > settings.broadcast_pause_failure_rate * total


def pause(settings: Settings, campaign_id: int, total: int, failed: int, reasons: Counter) -> bool:
    """Pause a running campaign and alert staff; False when it was no longer running (someone else acted)."""
    top = reasons.most_common(TOP)
    summary = "; ".join(f"{reason} ({count})" for reason, count in top)
    with session_scope(settings.database_url) as db:
        changed = db.execute(update(Campaign).where(Campaign.id == campaign_id, Campaign.state == "running")
                             .values(state="paused", paused_reason=f"auto-pause: {summary}"[:500],
                                     updated_at=utcnow())).rowcount
        if not changed:
            return False
        db.add(Alert(kind="broadcast_paused", severity="high",
                     summary=f"Campaign {campaign_id} paused itself: {failed} of {total} sends failed in the "
                             f"last minute",
                     details={"campaign_id": campaign_id, "sends": total, "failed": failed,
                              "top_reasons": [{"reason": r, "count": c} for r, c in top]}))
    log.warning("campaign %s auto-paused: %d/%d failed (%s)", campaign_id, failed, total, summary)
    return True
