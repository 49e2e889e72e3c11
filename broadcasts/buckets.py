"""Per-channel send pacing shared by every worker on every machine: one Lua script over Redis keys loa:bucket:*.

Each channel is a GCRA bucket (evenly spaced sends, no bursts: the providers count sliding windows, so a
burst after an idle moment would cross them), paced at SAFETY of the configured rate so network jitter never
pushes two sends into the provider's same second. A 429 pauses the whole bucket until its retry-after; an
exhausted quota marks the channel so senders fall through to the next channel instead of waiting.
A sliding one-second window on top (at most SAFETY x rate sends in any second) absorbs jitter the same way.
Telegram also spaces the sends to one chat (1/s).
"""
from __future__ import annotations

import asyncio
import time
import uuid

from core.settings import Settings

SAFETY = 0.97
CHAT_INTERVAL_MS = 1050  # Telegram: at most one message a second to one chat
EXHAUSTED = -1

# KEYS: tat, pause, exhausted, window[, chat]. ARGV: interval ms, chat interval ms, most sends in any second,
# a unique member. Returns 0 (go), ms to wait, or -1 (quota exhausted).
TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
if redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return paused end
if KEYS[5] then
  local chat = redis.call('PTTL', KEYS[5])
  if chat > 0 then return chat end
end
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat > now then return math.max(1, math.ceil(tat - now)) end
-- The sends of the last second, counted like the providers count them: never more than ARGV[3].
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - 1000)
if redis.call('ZCARD', KEYS[4]) >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[4], 0, 0, 'WITHSCORES')
  return math.max(1, math.ceil(tonumber(oldest[2]) + 1000 - now))
end
-- A little late keeps the schedule (no drift from timer slack); idle longer than half an interval restarts it.
if now - tat > interval / 2 then tat = now end
redis.call('SET', KEYS[1], tostring(tat + interval), 'PX', 60000)
redis.call('ZADD', KEYS[4], now, ARGV[4])
redis.call('PEXPIRE', KEYS[4], 2000)
if KEYS[5] then redis.call('SET', KEYS[5], '1', 'PX', ARGV[2]) end
return 0
"""


def channel_rate(settings: Settings, channel: str) -> float:
    """Sends per second allowed on `channel` (0: no limit)."""
    return {"telegram": settings.broadcast_telegram_per_second, "zalo": settings.broadcast_zalo_per_second,
            "zns": settings.broadcast_zalo_per_second, "sms": settings.sms_per_second}.get(channel, 0.0)


def keys(channel: str) -> tuple[str, str, str, str]:
    """The bucket's Redis keys: schedule, pause, exhausted, last second's sends."""
    base = f"loa:bucket:{channel}"
    return f"{base}:tat", f"{base}:pause", f"{base}:exhausted", f"{base}:window"


class Buckets:
    """Async access to the shared buckets for one chunk job; one pacer per channel so waiting costs no Redis."""

    def __init__(self, settings: Settings, redis):
        self.settings = settings
        self.redis = redis  # redis.asyncio client
        self.script = redis.register_script(TAKE)
        self.locks: dict[str, asyncio.Lock] = {}
        self.clear_until: dict[str, float] = {}  # unpaced channels: last seen neither paused nor exhausted

    async def take(self, channel: str, chat: str | None = None) -> bool:
        """Wait until one send on `channel` is allowed; False when the channel's quota is exhausted."""
        rate = channel_rate(self.settings, channel)
        tat, pause, exhausted, window = keys(channel)
        if rate <= 0:  # limits lifted: only a 429's pause and an exhausted quota still apply
            return await self._unpaced(channel, pause, exhausted)
        interval = 1000.0 / (rate * SAFETY)
        most = max(1, int(rate * SAFETY))
        chat_keys = [f"loa:bucket:{channel}:chat:{chat}"] if chat and channel == "telegram" else []
        lock = self.locks.setdefault(channel, asyncio.Lock())
        async with lock:
            while True:
                wait = int(await self.script(keys=[tat, pause, exhausted, window, *chat_keys],
                                             args=[interval, CHAT_INTERVAL_MS, most, uuid.uuid4().hex]))
                if wait == 0:
                    return True
                if wait == EXHAUSTED:
                    return False
                await asyncio.sleep(wait / 1000.0)

    async def _unpaced(self, channel: str, pause: str, exhausted: str) -> bool:
        # Thousands of sends a second: look at the pause and quota keys at most every 100 ms, one look at a time.
        if time.monotonic() < self.clear_until.get(channel, 0.0):
            return True
        async with self.locks.setdefault(channel, asyncio.Lock()):
            return await self._look(channel, pause, exhausted)

    async def _look(self, channel: str, pause: str, exhausted: str) -> bool:
        if time.monotonic() < self.clear_until.get(channel, 0.0):
            return True  # another send looked while this one waited for the lock
        while True:
            if await self.redis.exists(exhausted):
                return False
            paused = await self.redis.pttl(pause)
            if paused <= 0:
                self.clear_until[channel] = time.monotonic() + 0.1
                return True
            await asyncio.sleep(paused / 1000.0)

    async def pause(self, channel: str, seconds: float) -> None:
        """Hold every sender of `channel` on every worker for `seconds` (a 429's retry-after)."""
        ms = max(1, int(seconds * 1000))
        key = keys(channel)[1]
        current = await self.redis.pttl(key)
        if current < ms:
            await self.redis.set(key, "1", px=ms)
        self.clear_until.pop(channel, None)

    async def exhaust(self, channel: str, seconds: float) -> None:
        """Mark `channel` out of quota for `seconds` (until the quota resets)."""
        await self.redis.set(keys(channel)[2], "1", px=max(1, int(seconds * 1000)))
