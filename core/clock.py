"""The one clock Loa's schedules read (calling window, retries, follow-ups), movable in tests.

Real time plus an offset kept in Redis (`loa:clock:offset_s`), so the web process and every worker
see the same moved time. Rate limiting (pacing) deliberately uses real time, never this clock.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from core.redis_conn import get_redis
from core.settings import Settings

OFFSET_KEY = "loa:clock:offset_s"


def offset_s(settings: Settings) -> float:
    """Seconds the clock is moved ahead of real time (0 in production)."""
    raw = get_redis(settings).get(OFFSET_KEY)
    return float(raw) if raw else 0.0


def now(settings: Settings) -> datetime:
    """The current time (UTC, aware) as the schedules see it."""
    real = datetime.now(timezone.utc)
    shift = offset_s(settings)
    return real + timedelta(seconds=shift) if shift else real


def local_now(settings: Settings) -> datetime:
    """`now()` in the configured time zone (Asia/Ho_Chi_Minh)."""
    return now(settings).astimezone(ZoneInfo(settings.timezone))


def advance(settings: Settings, seconds: float) -> datetime:
    """Move the clock forward by `seconds` (tests and demos); returns the new now()."""
    get_redis(settings).incrbyfloat(OFFSET_KEY, seconds)
    return now(settings)


def set_now(settings: Settings, when: datetime) -> None:
    """Make now() read `when` (aware) from this moment on."""
    shift = (when - datetime.now(timezone.utc)).total_seconds()
    get_redis(settings).set(OFFSET_KEY, repr(shift))


def reset(settings: Settings) -> None:
    """Back to real time."""
    get_redis(settings).delete(OFFSET_KEY)


def as_utc(value: datetime | None) -> datetime | None:
    """Attach UTC to a naive datetime read back from SQLite (which drops the zone)."""
    if value is None or value.tzinfo:
        return value
    return value.replace(tzinfo=timezone.utc)
