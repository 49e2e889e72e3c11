"""Staff pauses of the calls: the whole call centre, or one tracing list. The database holds them; Redis caches.

The dialer asks before every call, several times a second in every worker, so the answer is cached in Redis
for a few seconds; a pause or resume rewrites the cache at once. A Redis restarted empty only loses the cache:
the next read finds the pause in the database again, so calling never resumes by accident.
"""
from __future__ import annotations

import json

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from core import clock
from core.db import session_scope
from core.redis_conn import get_redis
from core.settings import Settings
from ivr.models import DialerPause

CACHE_KEY = "loa:dial:pauses"
CACHE_TTL_S = 5  # a pause set by another process reaches this one's dialer within this (pause() writes it now)
ALL = "all"


def _scope(list_id: int | None) -> str:
    return ALL if list_id is None else f"list:{list_id}"


def pause(settings: Settings, list_id: int | None = None, by: str | None = None) -> str:
    """Pause the call centre (or one list); returns when it was paused (ISO), the first pause's time if already."""
    try:
        with session_scope(settings.database_url) as session:
            session.add(DialerPause(scope=_scope(list_id), list_id=list_id, paused_at=clock.now(settings),
                                    paused_by=by))
    except IntegrityError:
        pass  # already paused: the first pause's time stands
    current = _refresh(settings)
    return current["all"] if list_id is None else current["lists"][str(list_id)]


def resume(settings: Settings, list_id: int | None = None) -> None:
    """End the pause of the call centre (or of one list)."""
    with session_scope(settings.database_url) as session:
        session.execute(delete(DialerPause).where(DialerPause.scope == _scope(list_id)))
    _refresh(settings)


def state(settings: Settings) -> dict:
    """{"all": ISO time or None, "lists": {list id (str): ISO time}}: from the cache, else the database."""
    raw = get_redis(settings).get(CACHE_KEY)
    if raw is not None:
        return json.loads(raw)
    return _refresh(settings)


def paused_since(settings: Settings, list_id: int | None = None) -> str | None:
    """When the call centre (or list `list_id`) was paused, or None while it calls."""
    current = state(settings)
    return current["all"] if list_id is None else current["lists"].get(str(list_id))


def paused_lists(settings: Settings) -> list[int]:
    """Ids of the lists staff paused on their own."""
    return sorted(int(list_id) for list_id in state(settings)["lists"])


def _refresh(settings: Settings) -> dict:
    """Read the pauses from the database and cache them."""
    with session_scope(settings.database_url) as session:
        rows = session.execute(select(DialerPause.scope, DialerPause.list_id, DialerPause.paused_at)).all()
    current = {"all": None, "lists": {}}
    for scope, list_id, at in rows:
        iso = clock.as_utc(at).isoformat()
        if scope == ALL:
            current["all"] = iso
        else:
            current["lists"][str(list_id)] = iso
    get_redis(settings).set(CACHE_KEY, json.dumps(current), ex=CACHE_TTL_S)
    return current
