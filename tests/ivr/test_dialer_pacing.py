"""Pacing primitives in Redis: the shared token bucket and the leased in-progress slots."""
from __future__ import annotations

import threading
import time

from ivr.pacing import Slots, TokenBucket


def test_slots_cap_and_leases_come_back(redis_client):
    slots = Slots(redis_client, limit=3, key="loa:test:slots")
    taken = [slots.acquire(f"m{i}", lease_s=0.3) for i in range(5)]
    assert taken[:3] == ["m0", "m1", "m2"] and taken[3:] == [None, None]
    assert slots.live() == 3
    slots.release("m0")
    assert slots.acquire("m3", lease_s=30) == "m3"
    # A dead holder's leases expire on their own and the slots are reused.
    time.sleep(0.4)
    assert slots.live() == 1
    assert slots.acquire("m4") == "m4" and slots.acquire("m5") == "m5"
    assert slots.renew("m4", 30, new_member="call:4") and not slots.renew("gone", 30)


def test_token_bucket_spaces_takers_across_threads(redis_client):
    bucket_key = "loa:test:bucket"
    stamps: list[float] = []
    lock = threading.Lock()

    def taker():
        bucket = TokenBucket(redis_client, rate=20.0, key=bucket_key)
        for _ in range(5):
            bucket.take()
            with lock:
                stamps.append(time.monotonic())

    threads = [threading.Thread(target=taker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stamps.sort()
    # 20 tokens at 20/s with a capacity of one: the first is free, the other 19 take ~0.95 s in all.
    assert len(stamps) == 20
    assert stamps[-1] - stamps[0] >= 0.9
