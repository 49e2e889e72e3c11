"""The inbound pipeline with real worker processes: per-citizen order, one reply per retried webhook,
and nothing lost when a worker is killed in the middle of a citizen's inbox."""
from __future__ import annotations

import signal

import pytest

from core.redis_conn import get_redis
from core.testing import wait_until
from tests.bot.helpers import (own_app, own_client, pipeline_settings, sandbox_messages, start_echo_workers,  # noqa: F401
                               stop_workers, zalo_headers, zalo_text_event)


def _post(client, settings, user: str, text: str, msg_id: str) -> None:
    body = zalo_text_event(user, text, msg_id)
    resp = client.post("/webhooks/zalo", data=body, headers=zalo_headers(settings, body))
    assert resp.status_code == 200, resp.data


def _texts(settings, user: str) -> list[str]:
    return [m["text"] for m in sandbox_messages(settings, "zalo", user)]


@pytest.fixture()
def workers(pipeline_settings, sandbox_clean, migrated, tmp_path):
    procs = start_echo_workers(pipeline_settings, count=2, log_dir=tmp_path)
    yield procs
    stop_workers(procs)


def test_each_citizen_gets_answers_in_order_with_two_workers(own_client, pipeline_settings, workers):
    users = [f"order-user-{i}" for i in range(4)]
    for n in range(6):  # interleaved: u0 m0, u1 m0, ..., u0 m1, ...
        for user in users:
            text = f"slow 0.05 #{n}" if n % 2 == 0 else f"#{n}"  # uneven work invites overtaking
            _post(own_client, pipeline_settings, user, text, f"{user}-{n}")
    for user in users:
        texts = wait_until(lambda u=user: (t := _texts(pipeline_settings, u)) and len(t) >= 6 and t, timeout=60)
        assert [t.split("#")[1] for t in texts] == [str(n) for n in range(6)], texts


def test_a_retried_webhook_is_answered_once(own_client, pipeline_settings, workers):
    for _ in range(3):
        _post(own_client, pipeline_settings, "retry-user", "xin chào", "same-msg-id")
    _post(own_client, pipeline_settings, "retry-user", "after", "next-msg-id")
    texts = wait_until(lambda: (t := _texts(pipeline_settings, "retry-user")) and len(t) >= 2 and t, timeout=30)
    assert texts == ["echo: xin chào", "echo: after"]


def test_a_killed_worker_loses_nothing(own_client, pipeline_settings, sandbox_clean, migrated, tmp_path):
    settings = pipeline_settings
    r = get_redis(settings)
    (first,) = start_echo_workers(settings, log_dir=tmp_path, inbox_lock_ttl_s=3)
    try:
        _post(own_client, settings, "kill-user", "slow 2", "k0")
        _post(own_client, settings, "kill-user", "after-1", "k1")
        _post(own_client, settings, "kill-user", "after-2", "k2")
        # Kill the worker while it is inside the engine for the first message.
        wait_until(lambda: r.lindex("loa:processing:zalo:kill-user", 0), timeout=30, interval=0.01)
        first.send_signal(signal.SIGKILL)  # the worker only; its scheduler child is stopped below
        first.wait(timeout=10)
        assert _texts(settings, "kill-user") == []
        assert r.llen("loa:inbox:zalo:kill-user") == 2 and r.llen("loa:processing:zalo:kill-user") == 1
    finally:
        stop_workers([first])
    (second,) = start_echo_workers(settings, log_dir=tmp_path, inbox_lock_ttl_s=3)
    try:
        # The citizen writes again; the new job waits out the dead holder's lock, then finishes
        # the stranded message first.
        _post(own_client, settings, "kill-user", "after-3", "k3")
        texts = wait_until(lambda: (t := _texts(settings, "kill-user")) and len(t) >= 4 and t, timeout=60)
        assert texts == ["echo: slow 2", "echo: after-1", "echo: after-2", "echo: after-3"]
    finally:
        stop_workers([second])
