"""What the inbound job does with each outcome: replies logged both ways (phones masked), receipts,
a blocked citizen marked stopped, refused messages skipped, throttled sends retried later and in order."""
from __future__ import annotations

import httpx
import pytest
from rq import Queue
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select

from bot import dead_letters, inbox
from bot.inbound import drain
from bot.messages import Inbound
from core.models import ChannelIdentity, Citizen, MessageLog
from core.redis_conn import get_redis
from core.testing import wait_until
from tests.bot.helpers import (ECHO, fault, own_app, own_client, pipeline_settings, sandbox_messages,  # noqa: F401
                               start_echo_workers, stop_workers, zalo_headers, zalo_text_event)


def _in(channel: str, user: str, n: int, **fields) -> Inbound:
    fields.setdefault("text", f"tin {n}")
    return Inbound(channel=channel, user_id=user, msg_id=f"{user}-{n}", extra={"event_id": f"{user}-{n}"}, **fields)


def _log(db, user: str) -> list[tuple]:
    with db() as session:
        rows = session.scalars(select(MessageLog).where(MessageLog.external_id == user).order_by(MessageLog.id))
        return [(r.direction, r.text, r.status, r.error) for r in rows]


@pytest.fixture()
def env(pipeline_settings, db, sandbox_clean):
    return pipeline_settings


def test_messages_are_logged_both_ways_with_phones_masked(env, db):
    inbox.accept(env, [_in("telegram", "8001", 1, text="số tôi là 0912345678"),
                       _in("telegram", "8001", 2, kind="contact", text="", phone="+84912345678")])
    assert drain(env, "telegram", "8001", ECHO) == 2
    log = _log(db, "8001")
    assert [(d, s) for d, _, s, _ in log] == [("in", "received"), ("out", "sent")] * 2
    assert "0912345678" not in str(log) and "84912345678" not in str(log)
    assert log[0][1].endswith("678") and log[2][1].endswith("678")


def test_receipts_move_sent_messages_forward_only(env, db):
    inbox.accept(env, [_in("zalo", "z-receipt", 1)])
    drain(env, "zalo", "z-receipt", ECHO)
    with db() as session:
        sent_id = session.scalar(select(MessageLog.provider_msg_id).where(MessageLog.direction == "out",
                                                                          MessageLog.external_id == "z-receipt"))
    seen = Inbound(channel="zalo", user_id="z-receipt", kind="seen", msg_id=sent_id, extra={"event_id": "s1"})
    late = Inbound(channel="zalo", user_id="z-receipt", kind="delivered", msg_id=sent_id, extra={"event_id": "d1"})
    inbox.accept(env, [seen, late])
    drain(env, "zalo", "z-receipt", ECHO)
    assert [s for d, _, s, _ in _log(db, "z-receipt") if d == "out"] == ["seen"]


def test_a_citizen_who_blocked_the_bot_is_marked_stopped(env, db):
    with db() as session:
        session.add(ChannelIdentity(channel="telegram", external_id="8002", citizen=Citizen()))
        session.commit()
    fault(env, {"channel": "telegram", "user_id": "8002", "blocked": True})
    inbox.accept(env, [_in("telegram", "8002", 1)])
    drain(env, "telegram", "8002", ECHO)
    with db() as session:
        identity = session.scalar(select(ChannelIdentity).where(ChannelIdentity.external_id == "8002"))
        assert identity.stopped_at is not None and "blocked" in identity.stopped_reason
    assert _log(db, "8002")[-1][2:] == ("failed", "contact_stopped: Forbidden: bot was blocked by the user")
    assert ScheduledJobRegistry(queue=Queue("inbound", connection=get_redis(env))).count == 0  # never retried


def test_a_refused_message_is_recorded_and_the_next_one_still_goes(env, db):
    fault(env, {"channel": "zalo", "fail_next": {"count": 1, "error": -201, "user_id": "z-refused"}})
    inbox.accept(env, [_in("zalo", "z-refused", 1, text="two")])  # the echo engine answers with two replies
    drain(env, "zalo", "z-refused", ECHO)
    assert [(d, s) for d, _, s, _ in _log(db, "z-refused")] == [("in", "received"), ("out", "failed"), ("out", "sent")]
    assert [m["text"] for m in sandbox_messages(env, "zalo", "z-refused")] == ["echo: two"]


def _drain_until_done(settings, channel: str, user: str, handler: str, rounds: int = 10) -> int:
    """Drain as the delayed retries would: after each failed attempt the hold is lifted at once (no waiting)."""
    keys = inbox.InboxKeys(channel, user)
    r = get_redis(settings)
    handled = 0
    for _ in range(rounds):
        handled += drain(settings, channel, user, handler)
        if not r.exists(keys.key("hold")):
            return handled
        r.delete(keys.key("hold"))
    raise AssertionError("still held")


def test_a_failing_message_is_retried_then_kept_with_one_apology_and_the_inbox_moves_on(env, db):
    settings = env.with_(inbound_max_attempts=3)
    inbox.accept(settings, [_in("zalo", "z-boom", 1, text="boom"), _in("zalo", "z-boom", 2, text="sau")])
    assert drain(settings, "zalo", "z-boom", "tests.bot.echo_handler.boom") == 0  # held for a retry, nothing sent
    assert sandbox_messages(settings, "zalo", "z-boom") == []
    assert _drain_until_done(settings, "zalo", "z-boom", "tests.bot.echo_handler.boom") == 2
    assert [m["text"] for m in sandbox_messages(settings, "zalo", "z-boom")] == [
        "Xin lỗi, hệ thống của chúng tôi vừa gặp sự cố. Vui lòng thử lại, hoặc gõ 'menu'.", "echo: sau"]
    assert _log(db, "z-boom")[0][2:] == ("failed", "engine: RuntimeError")
    [letter] = dead_letters.listing(settings, personal=True)
    assert (letter["attempts"], letter["text"], letter["error"]) == (3, "boom", "RuntimeError: engine bug")
    assert dead_letters.listing(settings, personal=False)[0]["text"] is None
    # Staff replay it once the bug is fixed: it is answered, and the dead letters are empty again.
    assert dead_letters.replay(settings, letter["id"])
    drain(settings, "zalo", "z-boom", ECHO)
    assert [m["text"] for m in sandbox_messages(settings, "zalo", "z-boom")][-1] == "echo: boom"
    assert dead_letters.listing(settings, personal=True) == []


def test_a_passing_failure_is_retried_without_any_apology(env, db):
    inbox.accept(env, [_in("telegram", "8100", 1, text="khai bao")])
    assert _drain_until_done(env, "telegram", "8100", "tests.bot.echo_handler.flaky") == 1
    assert [m["text"] for m in sandbox_messages(env, "telegram", "8100")] == ["echo: khai bao"]
    assert dead_letters.listing(env, personal=True) == []


def test_an_item_is_never_handled_twice_after_a_worker_dies(env, db):
    """Replies computed (or sent) before a crash are sent once, without running the engine again."""
    r = get_redis(env)
    computed, sent = _in("zalo", "z-crash", 1, text="boom"), _in("zalo", "z-crash", 2, text="boom")
    # Died after the engine ran: the replies were kept, the engine (which now fails on "boom") is not run again.
    r.hset(dead_letters.item_state_key(computed), "replies", '[{"text": "echo: computed"}]')
    # Died after sending, before taking the item off its list: nothing is sent again.
    r.hset(dead_letters.item_state_key(sent), mapping={"replies": '[{"text": "echo: twice?"}]', "sent": "sent"})
    inbox.accept(env, [computed, sent])
    assert drain(env, "zalo", "z-crash", "tests.bot.echo_handler.boom") == 2
    assert [m["text"] for m in sandbox_messages(env, "zalo", "z-crash")] == ["echo: computed"]


def test_the_inbox_lock_is_renewed_while_a_slow_message_is_worked_on(env, db):
    import threading

    settings = env.with_(inbox_lock_ttl_s=1)
    keys = inbox.InboxKeys("telegram", "8101")
    inbox.accept(settings, [_in("telegram", "8101", 1, text="slow 2.5")])
    worker = threading.Thread(target=drain, args=(settings, "telegram", "8101", ECHO))
    worker.start()
    r = get_redis(settings)
    wait_until(lambda: r.exists(keys.processing), timeout=10)
    # Past the lock's one-second life the holder still has it: nobody else may take the citizen's next message.
    threading.Event().wait(1.8)
    assert inbox.begin(r, keys, 1) is None
    worker.join(timeout=20)
    assert [m["text"] for m in sandbox_messages(settings, "telegram", "8101")] == ["echo: slow 2.5"]


def test_a_throttled_reply_is_sent_later_and_later_answers_wait_for_it(own_client, env, db, tmp_path):
    workers = start_echo_workers(env, count=2, log_dir=tmp_path)
    try:
        # Zalo's -32 means "wait for the next minute"; an HTTP 429 names a shorter wait, which keeps this quick.
        fault(env, {"channel": "zalo", "fail_next": {"count": 1, "status": 429, "retry_after": 2, "user_id": "z-slow"}})
        for n in range(3):
            body = zalo_text_event("z-slow", f"#{n}", f"slow-{n}")
            assert own_client.post("/webhooks/zalo", data=body, headers=zalo_headers(env, body)).status_code == 200
        texts = wait_until(lambda: (t := [m["text"] for m in sandbox_messages(env, "zalo", "z-slow")])
                           and len(t) >= 3 and t, timeout=120)
        assert texts == ["echo: #0", "echo: #1", "echo: #2"]
        assert [s for d, _, s, _ in _log(db, "z-slow") if d == "out"] == ["sent"] * 3
        assert httpx.get(f"{env.sandbox_url}/_sandbox/faults", timeout=5).json()["zalo"]["pending"] == []
    finally:
        stop_workers(workers)
