"""The inbound job: drain one citizen's inbox in order, ask the engine, send the replies, log both ways.

The webhook only appends to `loa:inbox:{channel}:{user_id}` and enqueues `drain_inbox` (queue "inbound").
Several workers may run drains; a per-citizen lock keeps each citizen's messages in order, and each item
is moved (LMOVE) to a processing list while it is worked on, so a killed worker loses nothing: the next
holder of the lock finishes the stranded item first.
"""
from __future__ import annotations

import importlib
import json
import logging
import math
from functools import lru_cache

from bot import dead_letters, inbox, outbox
from bot.channels import get_adapter
from bot.message_log import apply_receipt, inbound_row
from bot.messages import Inbound, Reply
from bot.session import ConversationSession
from core.db import session_scope
from core.i18n import gettext
from core.redis_conn import get_redis
from core.settings import Settings

log = logging.getLogger(__name__)
RECEIPTS = ("delivered", "seen")


@lru_cache(maxsize=1)
def current_settings() -> Settings:
    """The worker's settings, read from the environment once per process."""
    return Settings.from_env()


@lru_cache(maxsize=8)
def resolve_handler(path: str):
    """The engine function named by a dotted path ("bot.engine.handle")."""
    module_name, _, attr = path.rpartition(".")
    return getattr(importlib.import_module(module_name), attr)


def drain_inbox(channel: str, user_id: str, handler: str | None = None) -> int:
    """RQ job: process this citizen's waiting messages in order; returns how many were handled."""
    return drain(current_settings(), channel, user_id, handler)


def drain(settings: Settings, channel: str, user_id: str, handler: str | None = None) -> int:
    """Drain one inbox under its lock, re-checking after release so nothing is left behind."""
    r = get_redis(settings)
    keys = inbox.InboxKeys(channel, user_id)
    engine = resolve_handler(handler or settings.bot_handler)
    handled = 0
    while True:
        token = inbox.begin(r, keys, settings.inbox_lock_ttl_s)
        if token is None:
            # The holder re-checks after releasing; this late look only matters if the holder died.
            # RQ schedules in whole seconds (rounding down), so wait a whole second more than the lock has
            # left; should this look still come too early, the workers' periodic sweep restarts the inbox.
            wait = math.ceil(inbox.lock_remaining_s(r, keys)) + 1
            if r.set(keys.key("recheck"), "1", nx=True, ex=wait):
                inbox.enqueue_drain(settings, keys, handler, delay_s=wait)
            break
        try:
            handled += _drain_locked(settings, r, keys, token, engine)
        finally:
            more = inbox.finish(r, keys, token)
        if not more:
            break
    inbox.sweep(settings)
    return handled


def _drain_locked(settings: Settings, r, keys: inbox.InboxKeys, token: str, engine) -> int:
    handled = 0
    while True:
        ours, raw = inbox.step(r, keys, token, settings.inbox_lock_ttl_s, pop_previous=handled > 0)
        if not ours:
            log.warning("inbox lock of %s lapsed; leaving the rest to its new holder", keys.member)
            break
        if raw is None:  # empty, or held while a delayed send is pending
            break
        try:
            with inbox.lock_kept(r, keys, token, settings.inbox_lock_ttl_s):
                process(settings, Inbound.from_dict(json.loads(raw)), engine)
        except RetryLater as later:
            # The item stays first in line: the inbox is held (later messages wait, in order) until it is retried.
            r.set(keys.key("hold"), "retry", ex=max(int(later.delay_s), 1))
            inbox.enqueue_drain(settings, keys, delay_s=int(later.delay_s) + 1)
            break
        handled += 1
    return handled


class RetryLater(Exception):
    """Processing failed for a reason that may pass (database down, a bug being fixed): try again later."""

    def __init__(self, delay_s: float):
        super().__init__(f"retry in {delay_s:.0f}s")
        self.delay_s = delay_s


def apology(settings: Settings, inbound: Inbound) -> Reply:
    """'Something went wrong, try again' in the citizen's session language (else the default one)."""
    try:
        lang = ConversationSession.load(get_redis(settings), inbound.channel, inbound.user_id).lang
    except Exception:  # noqa: BLE001 - the apology must not fail too
        lang = None
    lang = lang or settings.default_language
    return Reply(gettext(lang, "Sorry, something went wrong on our side. Please try again, or type 'menu'."))


def broadcast_receipt(db, inbound: Inbound) -> int:
    """A receipt for no chat message: maybe a broadcast's. Named by path, like core.app's blueprints, so bot
    does not import the broadcasts feature that sits above it."""
    module = importlib.import_module("broadcasts.callbacks")
    return module.apply_inbound_receipt(db, inbound)


def process(settings: Settings, inbound: Inbound, engine) -> None:
    """One item: receipts update the log; anything else goes to the engine and its replies out.

    The item's progress is kept in Redis (bot.dead_letters.item_state_key): the engine's replies once computed,
    then "sent". A worker killed after the engine ran re-sends those replies without running the engine again;
    one killed after sending sends nothing twice. A failing engine is retried with backoff (RetryLater), then the
    message goes to the dead letters with one apology to the citizen."""
    r = get_redis(settings)
    state_key = dead_letters.item_state_key(inbound)
    if inbound.kind in RECEIPTS:
        try:
            with session_scope(settings.database_url) as db:
                if not apply_receipt(db, inbound) and inbound.channel == "zalo":
                    broadcast_receipt(db, inbound)
        except Exception as exc:  # noqa: BLE001 - a receipt is bookkeeping: retried, then dropped to dead letters
            _failed(settings, r, state_key, inbound, exc, apologise=False)
        return
    state = {k.decode(): v for k, v in r.hgetall(state_key).items()}
    if b"sent" == state.get("sent"):
        return  # replied before a crash: the acknowledgement is all that was missing
    if "replies" in state:
        replies = [Reply.from_dict(item) for item in json.loads(state["replies"])]
    else:
        try:
            replies = engine(settings, inbound) or []
        except Exception as exc:  # noqa: BLE001 - one bad message must not block the citizen's inbox
            log.exception("engine failed on %s %s message %s", inbound.channel, inbound.kind, inbound.msg_id)
            _failed(settings, r, state_key, inbound, exc, apologise=True)
            return
        r.hset(state_key, "replies", json.dumps([reply.to_dict() for reply in replies], ensure_ascii=False))
        r.expire(state_key, ITEM_STATE_TTL_S)
    adapter = get_adapter(inbound.channel, settings)
    if hasattr(adapter, "acknowledge"):
        adapter.acknowledge(inbound)
    delivery = outbox.deliver(settings, inbound.channel, inbound.user_id, replies, reply_to=inbound)
    r.hset(state_key, "sent", "sent")
    try:
        outbox.save(settings, delivery, inbound.channel, inbound.user_id, extra_rows=(inbound_row(inbound),))
    except Exception:  # noqa: BLE001 - the replies are out; only their log rows are lost (never a second send)
        log.exception("message log of %s %s not saved", inbound.channel, inbound.msg_id)


ITEM_STATE_TTL_S = 24 * 3600
RETRY_BACKOFF_S = (2, 5, 15, 30, 60)


def _failed(settings: Settings, r, state_key: str, inbound: Inbound, exc: Exception, apologise: bool) -> None:
    """Retry later while attempts remain; then keep the item as a dead letter and apologise once."""
    attempts = r.hincrby(state_key, "attempts", 1)
    r.expire(state_key, ITEM_STATE_TTL_S)
    if attempts < settings.inbound_max_attempts:
        raise RetryLater(RETRY_BACKOFF_S[min(attempts, len(RETRY_BACKOFF_S)) - 1])
    dead_letters.add(settings, inbound, f"{type(exc).__name__}: {exc}", attempts)
    log.error("%s %s message %s moved to the dead letters after %d attempts", inbound.channel, inbound.kind,
              inbound.msg_id, attempts)
    if not apologise:
        return
    # The citizen is never left without an answer: one apology, in their language when it is known.
    delivery = outbox.deliver(settings, inbound.channel, inbound.user_id, [apology(settings, inbound)])
    try:
        outbox.save(settings, delivery, inbound.channel, inbound.user_id,
                    extra_rows=(inbound_row(inbound, error=f"engine: {type(exc).__name__}"),))
    except Exception:  # noqa: BLE001 - the database may be what failed
        log.warning("log of the apology to %s %s not saved", inbound.channel, inbound.msg_id)
