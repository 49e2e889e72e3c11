"""Redis connections and the RQ queues (inbound, calls, broadcasts, default)."""
from __future__ import annotations

import threading

import redis
from rq import Queue

from core.settings import Settings

QUEUES = ("inbound", "calls", "broadcasts", "default")
_clients: dict[str, redis.Redis] = {}
_lock = threading.Lock()


def redis_url(settings: Settings) -> str:
    """The Redis URL to use: the configured one, else an embedded server started on demand."""
    if settings.redis_url:
        return settings.redis_url
    from pathlib import Path

    from core.embedded_redis import start

    return start(settings.redis_embedded_port, Path(settings.redis_embedded_dir))[0]


def get_redis(settings: Settings) -> redis.Redis:
    """A shared Redis client for these settings."""
    url = redis_url(settings)
    with _lock:
        client = _clients.get(url)
        if client is None:
            client = redis.Redis.from_url(url, health_check_interval=30)
            _clients[url] = client
        return client


def get_queue(name: str, settings: Settings) -> Queue:
    """The RQ queue `name` on Loa's Redis."""
    return Queue(name, connection=get_redis(settings))


def reset_clients() -> None:
    """Forget cached clients (after fork, or between tests that switch Redis)."""
    with _lock:
        _clients.clear()
