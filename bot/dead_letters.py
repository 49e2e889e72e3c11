"""Messages whose processing kept failing: kept for staff to see and replay, never silently dropped.

A citizen's message whose engine run fails (database down, a bug) is retried with backoff a bounded number of
times (bot.inbound); then it moves here, the citizen gets one apology, and the rest of their inbox goes on.
Entries live in the Redis list `loa:dead-letter` (newest first): when the database is the thing that is down,
Redis is where the message can still be kept. A replay puts the message back at the end of the citizen's inbox.
"""
from __future__ import annotations

import hashlib
import json
import time
import uuid

from bot import inbox
from bot.messages import Inbound
from core.privacy import mask_phone
from core.redis_conn import get_redis
from core.settings import Settings

KEY = "loa:dead-letter"
MAX_KEPT = 5000


def item_state_key(inbound: Inbound) -> str:
    """The Redis hash that follows one inbound item through its attempts (replies computed, sent, attempts)."""
    ident = inbound.extra.get("event_id") or inbound.msg_id or \
        f"{inbound.kind}:{hashlib.sha256((inbound.text or '').encode()).hexdigest()[:16]}"  # same in every process
    return f"loa:item:{inbound.channel}:{inbound.user_id}:{ident}"


def add(settings: Settings, inbound: Inbound, error: str, attempts: int) -> str:
    """Keep a message that could not be processed; returns its dead-letter id."""
    entry_id = uuid.uuid4().hex[:12]
    entry = {"id": entry_id, "at": time.time(), "attempts": attempts, "error": error[:300],
             "inbound": inbound.to_dict()}
    client = get_redis(settings)
    client.lpush(KEY, json.dumps(entry, ensure_ascii=False))
    client.ltrim(KEY, 0, MAX_KEPT - 1)  # bounded: a flood of failures never fills Redis
    return entry_id


def _entries(settings: Settings) -> list[tuple[bytes, dict]]:
    return [(raw, json.loads(raw)) for raw in get_redis(settings).lrange(KEY, 0, -1)]


def listing(settings: Settings, personal: bool, limit: int = 200) -> list[dict]:
    """The dead letters, newest first; the citizen's address and text only with `personal`."""
    out = []
    for _raw, entry in _entries(settings)[:limit]:
        item = entry["inbound"]
        user = item["user_id"] if personal else mask_phone(item["user_id"])
        error = entry["error"] if personal else mask_phone(entry["error"])  # a database error may quote values
        out.append({"id": entry["id"], "at": entry["at"], "attempts": entry["attempts"], "error": error,
                    "channel": item["channel"], "user_id": user, "kind": item["kind"],
                    "text": item.get("text") if personal else None})
    return out


def replay(settings: Settings, entry_id: str) -> bool:
    """Put a dead letter back at the end of its citizen's inbox and start a drain; False when unknown."""
    r = get_redis(settings)
    for raw, entry in _entries(settings):
        if entry["id"] != entry_id:
            continue
        if not r.lrem(KEY, 1, raw):
            return False  # another replay took it first
        inbound = Inbound.from_dict(entry["inbound"])
        r.delete(item_state_key(inbound))  # a fresh set of attempts
        keys = inbox.InboxKeys(inbound.channel, inbound.user_id)
        r.rpush(keys.inbox, json.dumps(inbound.to_dict()))
        r.zadd(inbox.DUE, {keys.member: time.time()}, nx=True)
        inbox.kick(settings, keys)
        return True
    return False
