"""Per-citizen inboxes in Redis: accept (dedupe + append + enqueue), the inbox lock, and stranded-work rescue.

Keys, per channel and user: `loa:inbox:{ch}:{uid}` (waiting items, JSON Inbounds), `loa:processing:{ch}:{uid}`
(the item being worked on, so a killed worker loses nothing), `loa:lock:inbox:{ch}:{uid}` (one drainer at a
time), `loa:queued:{ch}:{uid}` (a drain job is queued and not yet started: no second one is needed),
`loa:hold:{ch}:{uid}` (a delayed send is pending: later replies wait so the citizen reads them in order).
`loa:inbox-due` is a sorted set of inboxes with work, by the time the work arrived; a sweep restarts any
of them whose lock has lapsed.
"""
from __future__ import annotations

import json
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import redis

from bot.messages import Inbound
from core.redis_conn import get_queue, get_redis
from core.settings import Settings

DUE = "loa:inbox-due"
SWEEP_KEY = "loa:inbox-sweep"
DRAIN_JOB = "bot.inbound.drain_inbox"
STALE_AFTER_S = 5.0  # an inbox with work this old and no lock holder is stranded

# Dedupe, append and "is a drain job needed?" in one round trip, atomically.
_ACCEPT = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) == false then return -1 end
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[3], 'NX', ARGV[4], ARGV[3])
if redis.call('SET', KEYS[4], '1', 'NX', 'EX', ARGV[5]) then return 1 end
return 0
"""
# Take the lock (and clear "a job is queued": this job is that job).
_BEGIN = """
redis.call('DEL', KEYS[1])
return redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2])
"""
# One step of a drain: drop the item just handled, renew the lock, hand out the next item (a stranded
# one first). Returns {lock still ours, item or nothing}. Nothing is popped once the lock is lost, so
# the new holder redoes that item rather than losing it.
_STEP = """
if redis.call('GET', KEYS[4]) ~= ARGV[1] then return {0} end
if ARGV[3] == '1' then redis.call('LPOP', KEYS[1]) end
redis.call('PEXPIRE', KEYS[4], ARGV[2])
if redis.call('EXISTS', KEYS[3]) == 1 then return {1} end
local item = redis.call('LINDEX', KEYS[1], 0)
if not item then item = redis.call('LMOVE', KEYS[2], KEYS[1], 'LEFT', 'RIGHT') end
if not item then return {1} end
return {1, item}
"""
# Let go of the lock; 1 if work is left for someone, else the inbox leaves the due set.
_FINISH = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
if redis.call('EXISTS', KEYS[5]) == 1 then return 0 end
if redis.call('LLEN', KEYS[2]) + redis.call('LLEN', KEYS[3]) > 0 then return 1 end
redis.call('ZREM', KEYS[4], ARGV[2])
return 0
"""
# Push the lock's expiry back, only while it is still ours.
_RENEW = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])
"""
_scripts: dict[tuple[int, str], object] = {}
_last_sweep = 0.0


def _script(r: redis.Redis, source: str):
    """A registered script (EVALSHA, loaded once) for this client."""
    key = (id(r), source)
    script = _scripts.get(key)
    if script is None:
        script = _scripts[key] = r.register_script(source)
    return script


@dataclass(frozen=True)
class InboxKeys:
    """The Redis keys of one citizen's inbox."""

    channel: str
    user_id: str

    @property
    def member(self) -> str:
        """This inbox's name in the due set."""
        return f"{self.channel}:{self.user_id}"

    def key(self, kind: str) -> str:
        """`loa:{kind}:{channel}:{user_id}`."""
        return f"loa:{kind}:{self.channel}:{self.user_id}"

    @property
    def inbox(self) -> str:
        """The list of waiting items."""
        return self.key("inbox")

    @property
    def processing(self) -> str:
        """The list holding the item being worked on."""
        return self.key("processing")


def accept(settings: Settings, inbounds: list[Inbound], handler: str | None = None) -> int:
    """Dedupe, append to each citizen's inbox and enqueue a drain job when none is waiting; returns how many were new."""
    r = get_redis(settings)
    script = _script(r, _ACCEPT)
    flag_ttl = max(settings.inbox_lock_ttl_s * 2, 10)
    new = 0
    for inbound in inbounds:
        keys = InboxKeys(inbound.channel, inbound.user_id)
        event_id = inbound.extra.get("event_id") or uuid.uuid4().hex
        outcome = script(keys=[f"loa:dedupe:{inbound.channel}:{event_id}", keys.inbox, DUE, keys.key("queued")],
                         args=[settings.dedupe_ttl_s, json.dumps(inbound.to_dict()), keys.member, time.time(),
                               flag_ttl])
        if outcome == -1:
            continue  # a provider retry of something already accepted
        new += 1
        if outcome == 1:
            try:
                enqueue_drain(settings, keys, handler)
            except redis.RedisError:
                # The item is stored; the sweep restarts this inbox, so only the flag is undone.
                r.delete(keys.key("queued"))
    return new


def enqueue_drain(settings: Settings, keys: InboxKeys, handler: str | None = None, delay_s: float = 0) -> None:
    """Queue a drain job for this inbox (now, or after `delay_s`)."""
    queue = get_queue("inbound", settings)
    args = (keys.channel, keys.user_id, handler) if handler else (keys.channel, keys.user_id)
    options = dict(result_ttl=30, failure_ttl=7 * 24 * 3600, job_timeout=max(settings.inbox_lock_ttl_s * 4, 60))
    if delay_s > 0:
        queue.enqueue_in(timedelta(seconds=delay_s), DRAIN_JOB, *args, **options)
    else:
        queue.enqueue(DRAIN_JOB, *args, **options)


def kick(settings: Settings, keys: InboxKeys, handler: str | None = None) -> None:
    """Make sure a drain job will run for this inbox soon (no second one if one is already queued)."""
    r = get_redis(settings)
    if r.set(keys.key("queued"), "1", nx=True, ex=max(settings.inbox_lock_ttl_s * 2, 10)):
        enqueue_drain(settings, keys, handler)


def begin(r: redis.Redis, keys: InboxKeys, ttl_s: int) -> str | None:
    """Start a drain: clear the queued flag and take the inbox lock; its token, or None when held."""
    token = uuid.uuid4().hex
    ok = _script(r, _BEGIN)(keys=[keys.key("queued"), keys.key("lock:inbox")], args=[token, int(ttl_s * 1000)])
    return token if ok else None


def step(r: redis.Redis, keys: InboxKeys, token: str, ttl_s: int, pop_previous: bool) -> tuple[bool, bytes | None]:
    """Finish the previous item and get the next: (lock still ours, next item or None)."""
    out = _script(r, _STEP)(keys=[keys.processing, keys.inbox, keys.key("hold"), keys.key("lock:inbox")],
                            args=[token, int(ttl_s * 1000), "1" if pop_previous else "0"])
    return bool(out[0]), (out[1] if len(out) > 1 else None)


def finish(r: redis.Redis, keys: InboxKeys, token: str) -> bool:
    """Release the lock; True when items wait (and no delayed send holds them)."""
    return bool(_script(r, _FINISH)(keys=[keys.key("lock:inbox"), keys.inbox, keys.processing, DUE, keys.key("hold")],
                                    args=[token, keys.member]))


def renew(r: redis.Redis, keys: InboxKeys, token: str, ttl_s: int) -> bool:
    """Push the inbox lock's expiry back while it is ours; False once it was lost."""
    return bool(_script(r, _RENEW)(keys=[keys.key("lock:inbox")], args=[token, int(ttl_s * 1000)]))


@contextmanager
def lock_kept(r: redis.Redis, keys: InboxKeys, token: str, ttl_s: int):
    """Renew the inbox lock every third of its life while the body runs (a slow send or a token refresh must
    not outlive it, or a second worker would take the citizen's next message out of order)."""
    stop = threading.Event()

    def keep() -> None:
        while not stop.wait(ttl_s / 3):
            try:
                if not renew(r, keys, token, ttl_s):
                    return
            except redis.RedisError:
                continue  # Redis away for a moment: try again at the next tick

    thread = threading.Thread(target=keep, name=f"lock:{keys.member}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=1)


def lock_remaining_s(r: redis.Redis, keys: InboxKeys) -> float:
    """Seconds until the current holder's lock lapses (0 when nobody holds it)."""
    return max(r.pttl(keys.key("lock:inbox")), 0) / 1000.0


def sweep(settings: Settings, limit: int = 50) -> int:
    """Restart drains of inboxes whose work is old and whose lock lapsed (a killed worker); at most once a second."""
    global _last_sweep
    now = time.monotonic()
    if now - _last_sweep < 1.0:  # most drains skip the sweep without a round trip
        return 0
    _last_sweep = now
    r = get_redis(settings)
    if not r.set(SWEEP_KEY, "1", nx=True, px=1000):
        return 0
    restarted = 0
    for member in r.zrangebyscore(DUE, "-inf", time.time() - STALE_AFTER_S, start=0, num=limit):
        channel, _, user_id = member.decode().partition(":")
        keys = InboxKeys(channel, user_id)
        if r.exists(keys.key("lock:inbox"), keys.key("hold"), keys.key("queued")):
            continue
        if r.llen(keys.inbox) + r.llen(keys.processing) == 0:
            r.zrem(DUE, member)
            continue
        kick(settings, keys)
        restarted += 1
    return restarted
