"""Pacing shared by every dialer process: a Redis token bucket (calls per second) and an in-progress
semaphore whose slots are leases, so the slots of a dead worker come back on their own."""
from __future__ import annotations

import time
import uuid

import redis

BUCKET_KEY = "loa:dial:bucket"
SLOTS_KEY = "loa:dial:inprogress"

# Refill by elapsed Redis time (one clock for every host). A small capacity (2) lets a dialer that
# was held up for a moment catch up without ever beating the rate over time: a fresh bucket holds
# one token, so n calls always take at least (n - 1) / rate seconds. A taker who finds the bucket
# empty books a token in the future (the balance goes negative) and is told how long to wait.
_TAKE = """
local rate = tonumber(ARGV[1])
local cap = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(b[1]) or math.min(cap, 1)
local ts = tonumber(b[2]) or now
tokens = math.min(cap, tokens + math.max(0, now - ts) * rate / 1000)
tokens = tokens - 1
local wait = 0
if tokens < 0 then wait = math.ceil(-tokens * 1000 / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], 60000)
return wait
"""

# Drop expired leases, then admit `member` only while fewer than `limit` leases are live.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
  return 1
end
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
  return 1
end
return 0
"""

# Renew or rename a lease only if it is still live (an expired one may already be reused).
_RENEW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) < now then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
return 1
"""


class TokenBucket:
    """Calls per second across every worker: `take()` blocks until a token is ours."""

    def __init__(self, client: redis.Redis, rate: float, capacity: float = 2.0, key: str = BUCKET_KEY):
        self.client, self.rate, self.capacity, self.key = client, rate, capacity, key
        self._script = client.register_script(_TAKE)

    def try_take(self) -> float:
        """Book one token; returns the seconds to wait before using it (0: use it now)."""
        return int(self._script(keys=[self.key], args=[self.rate, self.capacity])) / 1000.0

    def take(self) -> None:
        """Block until one token is ours."""
        wait = self.try_take()
        if wait > 0:
            # The script already booked our token in the future; just wait for that moment.
            time.sleep(wait)


class Slots:
    """At most `limit` calls in progress; each slot is a lease renewed while its call lives."""

    def __init__(self, client: redis.Redis, limit: int, key: str = SLOTS_KEY):
        self.client, self.limit, self.key = client, limit, key
        self._acquire = client.register_script(_ACQUIRE)
        self._renew = client.register_script(_RENEW)

    def acquire(self, member: str | None = None, lease_s: float = 30.0) -> str | None:
        """A slot named `member` (a fresh one if None), or None when every slot is taken."""
        member = member or f"tmp:{uuid.uuid4().hex}"
        ok = self._acquire(keys=[self.key], args=[member, int(lease_s * 1000), self.limit])
        return member if ok else None

    def renew(self, member: str, lease_s: float, new_member: str | None = None) -> bool:
        """Extend (and optionally rename) a live lease; False when it had already expired."""
        args = [member, new_member or member, int(lease_s * 1000)]
        return bool(self._renew(keys=[self.key], args=args))

    def release(self, member: str) -> None:
        """Give the slot back."""
        self.client.zrem(self.key, member)

    def live(self) -> int:
        """How many unexpired leases there are now."""
        sec, usec = self.client.time()
        now_ms = sec * 1000 + usec // 1000
        return int(self.client.zcount(self.key, now_ms, "+inf"))
