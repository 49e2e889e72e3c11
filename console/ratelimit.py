"""Sign-in attempts per address per minute, counted in Redis (shared by every web worker)."""
from __future__ import annotations

from core.redis_conn import get_redis
from core.settings import Settings


def too_many_signins(settings: Settings, address: str) -> bool:
    """Count one attempt from `address`; True once it made more than CONSOLE_SIGNIN_PER_MINUTE this minute."""
    client = get_redis(settings)
    key = f"loa:console:signin:{address}"
    count = client.incr(key)
    if count == 1:
        client.expire(key, 60)  # the first attempt opens the minute (the embedded Redis 6.2 has no EXPIRE NX)
    return count > settings.console_signin_per_minute
