"""Free RQ scheduler locks left by a scheduler process that died on this host.

RQ keeps a queue's scheduler lock for about a minute after its holder is SIGKILLed, and other
workers only try to take it over every two minutes: meanwhile delayed jobs (retries, a citizen's
inbox waiting out a dead worker's lock) sit idle. A lock whose holder ran on this host under a pid
that no longer exists is certainly stale, so a starting worker removes it.
"""
from __future__ import annotations

import logging
import os
import socket

import redis
from rq.scheduler import SCHEDULER_KEY_TEMPLATE, SCHEDULER_LOCKING_KEY_TEMPLATE

log = logging.getLogger(__name__)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def release_stale_locks(connection: redis.Redis, queues: list[str]) -> list[str]:
    """Delete the scheduler locks of `queues` whose holder died on this host; returns the queues freed."""
    freed = []
    host = socket.gethostname()
    for queue in queues:
        lock_key = SCHEDULER_LOCKING_KEY_TEMPLATE % queue
        holder = connection.get(lock_key)
        if not holder:
            continue
        info = connection.hgetall(SCHEDULER_KEY_TEMPLATE % holder.decode())
        hostname, pid = info.get(b"hostname", b"").decode(), int(info.get(b"pid", b"0") or 0)
        if hostname == host and pid and not _alive(pid):
            # Compare-and-delete: only the lock we judged stale, never a newly taken one.
            connection.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end "
                            "return 0", 1, lock_key, holder)
            freed.append(queue)
    if freed:
        log.warning("released stale RQ scheduler locks for %s", ", ".join(freed))
    return freed
