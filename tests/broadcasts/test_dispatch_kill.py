"""The kill test: SIGKILL the worker in the middle of a 20,000-recipient campaign and start another. Every row
ends in a final state, and the sandbox received each citizen's message once, apart from at most the rows the
campaign reports as in flight when the worker died."""
from __future__ import annotations

import os
import signal

from rq import Worker
from sqlalchemy import select

from broadcasts.dispatch import launch
from broadcasts.models import Campaign
from core.redis_conn import get_redis
from core.testing import start_worker, wait_until
from tests.broadcasts.dispatch_helpers import (add_campaign, add_people, faults, sent_to, statuses, stop_worker,
                                              wait_state)

RECIPIENTS = 20_000


def busy_with_a_chunk(settings, pid: int) -> bool:
    """True while the worker with this pid is running a chunk job."""
    for worker in Worker.all(connection=get_redis(settings)):
        if worker.pid == pid:
            job = worker.get_current_job()
            return bool(job and job.func_name.endswith("run_chunk"))
    return False


def test_a_worker_killed_mid_campaign_loses_nothing_and_repeats_only_what_was_in_flight(
        db, redis_client, sandbox_clean, web, settings, tmp_path):
    with db() as session:
        addresses = add_people(session, RECIPIENTS, "zalo")
        campaign_id = add_campaign(session)
    faults(sandbox_clean, {"channel": "zalo", "rate_limit": "off"})
    first = start_worker(["broadcasts"], log=tmp_path / "first.log")
    second = None
    try:
        launch(settings.with_(broadcast_zalo_per_second=0.0, broadcast_lease_s=10), campaign_id)
        wait_until(lambda: statuses(db, campaign_id).get("sent", 0) >= 2_000, timeout=120)
        # Rows in flight (only this worker sends) and the worker inside a chunk job: kill it now.
        wait_until(lambda: statuses(db, campaign_id).get("sending") and busy_with_a_chunk(settings, first.pid),
                   timeout=30, interval=0.01)
        os.killpg(first.pid, signal.SIGKILL)  # the worker and its scheduler, mid-chunk
        first.wait(timeout=10)
        assert statuses(db, campaign_id).get("queued", 0) > 0  # it died with work left

        second = start_worker(["broadcasts"], log=tmp_path / "second.log")
        wait_state(db, campaign_id, "finished", timeout=300)
    finally:
        stop_worker(first)
        if second is not None:
            stop_worker(second)

    assert statuses(db, campaign_id) == {"sent": RECIPIENTS}
    with db() as session:
        lost = session.scalar(select(Campaign.in_flight_lost).where(Campaign.id == campaign_id))
    received = sent_to(sandbox_clean, "zalo")
    assert set(received) == set(addresses)
    twice = sum(count - 1 for count in received.values())
    assert lost > 0  # the chunk the worker died in
    assert twice <= lost
