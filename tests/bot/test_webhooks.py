"""POST /webhooks/zalo and /webhooks/telegram: the outcomes a provider sees, and what gets queued."""
from __future__ import annotations

import io
import json

import httpx
import pytest
from rq import Queue

from core.app import create_app
from core.redis_conn import get_redis
from core.testing import ServerThread, free_port
from tests.bot.helpers import (fresh, own_app, own_client, payload, pipeline_settings,  # noqa: F401
                               telegram_headers, zalo_headers, zalo_signature)

ZALO_USER = "4143046553463412237"
TG_CHAT = "501234567"


def queued(settings) -> int:
    """Jobs waiting on the inbound queue."""
    return Queue("inbound", connection=get_redis(settings)).count


def inbox_len(settings, channel: str, user_id: str) -> int:
    """Items waiting in one citizen's inbox."""
    return get_redis(settings).llen(f"loa:inbox:{channel}:{user_id}")


def _zalo(settings, name, sign=True):
    body = fresh(payload("zalo", name))
    headers = zalo_headers(settings, body) if sign else {"Content-Type": "application/json",
                                                         "X-ZEvent-Signature": "mac=" + "0" * 64}
    return body, headers


# (case, channel, body+headers builder, status, status field, items queued)
CASES = [
    ("zalo text accepted", "zalo", lambda s: _zalo(s, "user_send_text"), 200, "accepted", 1),
    ("zalo bad signature", "zalo", lambda s: _zalo(s, "user_send_text", sign=False), 403, None, 0),
    ("zalo malformed JSON", "zalo", lambda s: _zalo(s, "truncated"), 400, None, 0),
    ("zalo signed but missing fields", "zalo", lambda s: _zalo(s, "text_without_msg_id"), 400, None, 0),
    ("zalo event we ignore", "zalo", lambda s: _zalo(s, "oa_send_text"), 200, "ignored", 0),
    ("zalo receipt accepted", "zalo", lambda s: _zalo(s, "user_seen_message"), 200, "accepted", 2),
    ("telegram text accepted", "telegram", lambda s: (payload("telegram", "message_text"), telegram_headers(s)),
     200, "accepted", 1),
    ("telegram wrong secret", "telegram", lambda s: (payload("telegram", "message_text"),
                                                     {**telegram_headers(s), "X-Telegram-Bot-Api-Secret-Token": "x"}),
     403, None, 0),
    ("telegram not JSON content type", "telegram",
     lambda s: (payload("telegram", "message_text"), {**telegram_headers(s), "Content-Type": "text/plain"}),
     403, None, 0),
    ("telegram malformed", "telegram", lambda s: (payload("telegram", "truncated"), telegram_headers(s)), 400, None, 0),
    ("telegram edited message ignored", "telegram",
     lambda s: (payload("telegram", "edited_message"), telegram_headers(s)), 200, "ignored", 0),
]


@pytest.mark.parametrize("case,channel,build,status,outcome,items", CASES, ids=[c[0] for c in CASES])
def test_webhook_outcomes(own_client, pipeline_settings, case, channel, build, status, outcome, items):
    body, headers = build(pipeline_settings)
    resp = own_client.post(f"/webhooks/{channel}", data=body, headers=headers)
    assert resp.status_code == status
    if outcome:
        assert resp.get_json()["status"] == outcome
    user = ZALO_USER if channel == "zalo" else TG_CHAT
    assert inbox_len(pipeline_settings, channel, user) == items
    assert queued(pipeline_settings) == (1 if items else 0)  # one drain job per citizen, however many items


def test_unknown_channel_is_404(own_client):
    assert own_client.post("/webhooks/viber", data=b"{}").status_code == 404


def test_provider_retries_are_dropped(own_client, pipeline_settings):
    body, headers = _zalo(pipeline_settings, "user_send_text")
    answers = [own_client.post("/webhooks/zalo", data=body, headers=headers).get_json()["status"] for _ in range(3)]
    assert answers == ["accepted", "duplicate", "duplicate"]
    assert inbox_len(pipeline_settings, "zalo", ZALO_USER) == 1 and queued(pipeline_settings) == 1
    r = get_redis(pipeline_settings)
    key = f"loa:dedupe:zalo:user_send_text:96d3cdf3af150460909"
    assert 0 < r.ttl(key) <= pipeline_settings.dedupe_ttl_s


def test_several_messages_of_one_citizen_share_one_waiting_job(own_client, pipeline_settings):
    from tests.bot.helpers import zalo_text_event

    for i in range(5):
        body = zalo_text_event(ZALO_USER, f"tin {i}", f"m{i}")
        assert own_client.post("/webhooks/zalo", data=body, headers=zalo_headers(pipeline_settings, body)).status_code == 200
    assert inbox_len(pipeline_settings, "zalo", ZALO_USER) == 5 and queued(pipeline_settings) == 1


def test_body_over_the_limit_is_413_with_a_length(own_client, pipeline_settings):
    big = b'{"x":"' + b"a" * pipeline_settings.max_body_bytes + b'"}'
    resp = own_client.post("/webhooks/telegram", data=big, headers=telegram_headers(pipeline_settings))
    assert resp.status_code == 413 and queued(pipeline_settings) == 0


def test_chunked_body_over_the_limit_is_413(own_client, pipeline_settings):
    big = b'{"x":"' + b"a" * pipeline_settings.max_body_bytes + b'"}'
    resp = own_client.post("/webhooks/telegram", input_stream=io.BytesIO(big),
                           headers={**telegram_headers(pipeline_settings), "Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})
    assert resp.status_code == 413 and queued(pipeline_settings) == 0


def test_chunked_body_over_the_limit_is_413_over_real_http(own_app, pipeline_settings):
    server = ServerThread(own_app, free_port()).start()
    try:
        def chunks():
            for _ in range(pipeline_settings.max_body_bytes // 65536 + 2):
                yield b"a" * 65536

        resp = httpx.post(f"{server.url}/webhooks/telegram", content=chunks(), headers=telegram_headers(pipeline_settings),
                          timeout=10)
        assert resp.status_code == 413
        small = payload("telegram", "message_text")
        resp = httpx.post(f"{server.url}/webhooks/telegram", content=iter([small[:20], small[20:]]),
                          headers=telegram_headers(pipeline_settings), timeout=10)
        assert resp.status_code == 200 and resp.json()["status"] == "accepted"
    finally:
        server.stop()


def test_redis_down_is_500_so_the_provider_retries(pipeline_settings, migrated):
    down = pipeline_settings.with_(redis_url=f"redis://127.0.0.1:{free_port()}/0")
    client = create_app(down).test_client()
    body, headers = _zalo(down, "user_send_text")
    resp = client.post("/webhooks/zalo", data=body, headers=headers)
    assert resp.status_code == 500
    # The retry, once Redis is back, is accepted: nothing was half-recorded.
    ok = create_app(pipeline_settings).test_client().post("/webhooks/zalo", data=body, headers=headers)
    assert ok.get_json()["status"] == "accepted"


def test_signature_covers_the_exact_bytes(own_client, pipeline_settings):
    recorded = fresh(payload("zalo", "user_send_text"))
    body = json.dumps(json.loads(recorded), indent=2).encode()  # same JSON, other bytes: must be signed as sent
    headers = {"X-ZEvent-Signature": zalo_signature(recorded, pipeline_settings.zalo_oa_secret_key)}
    assert own_client.post("/webhooks/zalo", data=body, headers=headers).status_code == 403
    assert own_client.post("/webhooks/zalo", data=body, headers=zalo_headers(pipeline_settings, body)).status_code == 200
