"""The dialer comes back on its own: with its chain dead and nothing else happening (no import, no status
callback to kick it), a worker's watchdog restarts it and a person who is due gets called."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core import clock
from core.testing import start_worker, wait_until
from ivr import dialer
from ivr.models import CallAttempt, TracingContact, TracingList

pytestmark = pytest.mark.slow


def test_a_dead_dialer_is_restarted_without_any_kick(settings, db, redis_client, sandbox_clean, web, daytime, tmp_path):
    # redis_client emptied the queues and the chains' leases: every chain is dead now.
    assert redis_client.get(dialer.PUMP_KEY.format(n=0)) is None
    with db() as session:
        lst = TracingList(name="watchdog")
        session.add(lst)
        session.flush()
        # Written straight to the database: an import would kick the dialer, and that is not what is tested.
        session.add(TracingContact(list_id=lst.id, phone="+84983000001", name="Watch", classification="F2",
                                   language="vi", status="pending", purpose="tracing", attempts=0,
                                   next_attempt_at=clock.now(settings)))
        session.commit()
    proc = start_worker(["calls"], log=tmp_path / "worker.log")
    try:
        with db() as session:
            wait_until(lambda: session.scalar(select(func.count()).select_from(CallAttempt)), timeout=30, interval=0.2)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
