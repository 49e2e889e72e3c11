"""The dialer comes back on its own: with its chain dead and nothing else happening (no import, no status
callback to kick it), a worker's watchdog restarts it and a person who is due gets called."""
from __future__ import annotations

import pytest
from redis import Redis
from sqlalchemy import func, select

from core import clock
from core.testing import start_worker, wait_until
from ivr import dialer
from ivr.models import CallAttempt, TracingContact, TracingList
from tests.bot.helpers import own_redis_url

pytestmark = pytest.mark.slow


def test_a_dead_dialer_is_restarted_without_any_kick(settings, db, redis_client, sandbox_clean, web, daytime, tmp_path):
    # A private Redis database: the suite's shared worker (its own watchdog) must not be the one that acts.
    private = own_redis_url(settings.redis_url)
    own = Redis.from_url(private)
    own.flushdb()
    own.set(clock.OFFSET_KEY, redis_client.get(clock.OFFSET_KEY) or "0")  # the same "daytime"
    assert own.get(dialer.PUMP_KEY.format(n=0)) is None  # every chain is dead here
    with db() as session:
        lst = TracingList(name="watchdog")
        session.add(lst)
        session.flush()
        # Written straight to the database: an import would kick the dialer, and that is not what is tested.
        session.add(TracingContact(list_id=lst.id, phone="+84983000001", name="Watch", classification="F2",
                                   language="vi", status="pending", purpose="tracing", attempts=0,
                                   next_attempt_at=clock.now(settings)))
        session.commit()
    proc = start_worker(["calls"], env={"REDIS_URL": private}, log=tmp_path / "worker.log")
    try:
        # This worker's watchdog revived the chain on its own database (nothing else writes there)...
        wait_until(lambda: own.get(dialer.PUMP_KEY.format(n=0)), timeout=30, interval=0.2)
        # ...and the person who was due is called.
        with db() as session:
            wait_until(lambda: session.scalar(select(func.count()).select_from(CallAttempt)), timeout=30, interval=0.2)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
