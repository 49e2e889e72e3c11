"""The shared Redis buckets: two workers together never exceed a channel's rate, a 429 pauses the whole bucket
until its retry-after (and the refused message goes out after it), an exhausted quota says so at once."""
from __future__ import annotations

import asyncio
import time
from datetime import datetime

import httpx
import pytest
import redis.asyncio as aioredis

from broadcasts.buckets import SAFETY, Buckets
from broadcasts.dispatch import launch
from core.redis_conn import redis_url
from tests.broadcasts.dispatch_helpers import (add_campaign, add_people, dispatch_worker, faults, rows,  # noqa: F401
                                              sent_to, wait_state)


async def _grants(settings, channel: str, holders: int, each: int) -> list[float]:
    """Times at which `holders` separate bucket users (think: workers) were allowed to send."""
    times: list[float] = []

    async def holder():
        client = aioredis.from_url(redis_url(settings))
        try:
            bucket = Buckets(settings, client)
            for _ in range(each):
                assert await bucket.take(channel)
                times.append(time.monotonic())
        finally:
            await client.aclose()

    await asyncio.gather(*(holder() for _ in range(holders)))
    return sorted(times)


def test_two_workers_sharing_a_bucket_stay_under_its_rate(redis_client, settings):
    rate = 40.0
    times = asyncio.run(_grants(settings.with_(sms_per_second=rate), "sms", holders=2, each=15))
    interval = 1.0 / (rate * SAFETY)
    # Any run of k+1 grants spans at least k intervals less one half-interval of allowed lateness.
    for k in (5, 10, 29):
        spans = [times[i + k] - times[i] for i in range(len(times) - k)]
        assert min(spans) >= (k - 0.5) * interval - 0.002


def test_a_pause_holds_every_sender_and_an_exhausted_quota_answers_false(redis_client, settings):
    async def run():
        client = aioredis.from_url(redis_url(settings))
        try:
            bucket = Buckets(settings.with_(broadcast_zalo_per_second=0.0), client)
            assert await bucket.take("zalo")
            await bucket.pause("zalo", 0.3)
            assert await client.pttl("loa:bucket:zalo:pause") > 0
            paused_at = time.monotonic()
            assert await bucket.take("zalo")
            waited = time.monotonic() - paused_at
            await bucket.exhaust("zns", 60)
            return waited, await bucket.take("zns")
        finally:
            await client.aclose()

    waited, zns = asyncio.run(run())
    assert waited >= 0.25 and zns is False


@pytest.fixture()
def env(db, redis_client, sandbox_clean, web, dispatch_worker):
    """Database, Redis, sandbox, web app and a broadcasts worker."""
    return db


def test_a_429_slows_the_whole_bucket_and_the_message_goes_out_after_it(env, settings, sandbox):
    with env() as db:
        chats = add_people(db, 30, "telegram", start=5000)
        campaign_id = add_campaign(db)
    faults(sandbox, {"channel": "telegram", "user_id": chats[3],
                     "fail_next": {"count": 1, "status": 429, "retry_after": 2, "method": "sendMessage"}})
    launch(settings, campaign_id)
    wait_state(env, campaign_id, "finished")
    assert sent_to(sandbox, "telegram") == {c: 1 for c in chats}
    attempts = {r.address: r.attempts for r in rows(env, campaign_id)}
    assert attempts[chats[3]] == 2 and set(attempts.values()) == {1, 2}
    # While the bucket was paused nobody sent: the recorded sends show the 2 s hole.
    found = httpx.get(f"{sandbox.url}/_sandbox/messages", params={"channel": "telegram"}).json()
    stamps = sorted(datetime.fromisoformat(m["time"]).timestamp() for m in found)
    assert max(b - a for a, b in zip(stamps, stamps[1:])) >= 1.9
