"""Sending replies through a channel adapter and acting on the closed set of send errors.

Throttled / ConnectionFailed / AuthFailed: the unsent replies (never the engine step) go to a delayed
`send_later` job, and the citizen's inbox is held so later answers cannot overtake them.
ContactStopped: the identity is marked stopped, the rest dropped. MessageInvalid: recorded, skipped.
"""
from __future__ import annotations

import inspect
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from bot import inbox
from bot.channels import get_adapter
from bot.channels.errors import ContactStopped, MessageInvalid, SendError
from bot.message_log import mark_stopped, outbound_rows
from bot.messages import Inbound, Reply
from core.db import session_scope
from core.models import MessageLog
from core.redis_conn import get_queue, get_redis
from core.settings import Settings

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
BACKOFF_S = (2, 5, 15, 60, 180, 600)
SEND_LATER_JOB = "bot.outbox.send_later"


@dataclass
class Delivery:
    """What happened to a batch of replies: rows to log, whether some wait for a retry, a stop reason."""

    rows: list[MessageLog] = field(default_factory=list)
    deferred: bool = False
    stopped: str | None = None


def _send(adapter, user_id: str, reply: Reply, reply_to: Inbound | None) -> list[str]:
    # Adapters other parts register may not take the `reply_to` context; it is optional.
    if reply_to is not None and "reply_to" in inspect.signature(adapter.send).parameters:
        return adapter.send(user_id, [reply], reply_to=reply_to)
    return adapter.send(user_id, [reply])


def deliver(settings: Settings, channel: str, user_id: str, replies: list[Reply], reply_to: Inbound | None = None,
            attempt: int = 0) -> Delivery:
    """Send replies one by one; on a retryable error schedule the rest for later. Rows are not yet saved."""
    adapter = get_adapter(channel, settings)
    result = Delivery()
    for index, reply in enumerate(replies):
        try:
            ids = _send(adapter, user_id, reply, reply_to)
        except ContactStopped as exc:
            log.info("%s contact %s stopped: %s", channel, user_id, exc)
            result.rows += outbound_rows(channel, user_id, reply, [], error=f"{exc.kind}: {exc}")
            result.stopped = str(exc)
            return result
        except MessageInvalid as exc:
            log.warning("%s message to %s refused: %s", channel, user_id, exc)
            result.rows += outbound_rows(channel, user_id, reply, [], error=f"{exc.kind}: {exc}")
            continue
        except SendError as exc:  # retryable: connection failed, throttled, auth
            if not defer(settings, channel, user_id, replies[index:], attempt + 1, exc):
                result.rows += [row for r in replies[index:]
                                for row in outbound_rows(channel, user_id, r, [], error=f"{exc.kind}: gave up")]
                return result
            result.deferred = True
            return result
        result.rows += outbound_rows(channel, user_id, reply, ids)
    return result


def defer(settings: Settings, channel: str, user_id: str, replies: list[Reply], attempt: int, exc: SendError) -> bool:
    """Schedule `send_later` for unsent replies and hold the inbox; False when out of attempts."""
    if attempt > MAX_ATTEMPTS:
        log.error("%s send to %s abandoned after %d attempts: %s", channel, user_id, attempt - 1, exc)
        return False
    delay = exc.retry_after if exc.retry_after else BACKOFF_S[min(attempt, len(BACKOFF_S)) - 1]
    keys = inbox.InboxKeys(channel, user_id)
    get_redis(settings).set(keys.key("hold"), str(attempt), ex=int(delay) + 300)
    get_queue("inbound", settings).enqueue_in(
        timedelta(seconds=delay), SEND_LATER_JOB, channel, user_id, [r.to_dict() for r in replies], attempt,
        result_ttl=30, failure_ttl=7 * 24 * 3600)
    log.info("%s send to %s deferred %.1fs (attempt %d): %s", channel, user_id, delay, attempt, exc)
    return True


def save(settings: Settings, delivery: Delivery, channel: str, user_id: str, extra_rows: tuple = ()) -> None:
    """Write the delivery's rows (and any others) in one transaction; mark the identity stopped if it was."""
    with session_scope(settings.database_url) as db:
        db.add_all([*extra_rows, *delivery.rows])
        if delivery.stopped:
            mark_stopped(db, channel, user_id, delivery.stopped)


def send_later(channel: str, user_id: str, replies: list[dict], attempt: int) -> None:
    """RQ job: retry sending replies that failed with a retryable error, then let the inbox continue."""
    from bot.inbound import current_settings

    settings = current_settings()
    delivery = deliver(settings, channel, user_id, [Reply.from_dict(r) for r in replies], attempt=attempt)
    save(settings, delivery, channel, user_id)
    if not delivery.deferred:
        keys = inbox.InboxKeys(channel, user_id)
        get_redis(settings).delete(keys.key("hold"))
        inbox.kick(settings, keys)
