"""Sending over real HTTP to the sandbox: rendering, Zalo token rotation, and the closed set of send errors."""
from __future__ import annotations

import threading

import pytest

from bot.channels.errors import ConnectionFailed, ContactStopped, MessageInvalid, Throttled
from bot.channels.telegram import TelegramAdapter
from bot.channels.zalo import ZaloAdapter
from bot.messages import Button, Inbound, Reply
from core.models import ProviderCredential
from tests.bot.helpers import fault, sandbox_messages, sandbox_tokens

MENU = Reply(text="Chọn một mục:", buttons=[Button(f"Mục {i}", f"/item {i}") for i in range(1, 8)])


@pytest.fixture()
def zalo(settings, db, sandbox_clean):
    return ZaloAdapter(settings)


@pytest.fixture()
def telegram(settings, sandbox_clean):
    return TelegramAdapter(settings)


def _credential(db) -> ProviderCredential:
    with db() as session:
        return session.get(ProviderCredential, "zalo")


# -- Zalo -----------------------------------------------------------------------------------------
def test_zalo_text_buttons_and_contact_card_arrive(zalo, settings):
    ids = zalo.send("z-render", [Reply(text="Xin chào"), MENU, Reply(text="Cho tôi số điện thoại", ask="contact"),
                                 Reply(text="x" * 4100)])
    got = sandbox_messages(settings, "zalo", "z-render")
    assert [m["message_id"] for m in got] == ids
    assert [m["kind"] for m in got] == ["text", "buttons", "buttons", "request_user_info", "text", "text", "text"]
    assert [b["payload"] for m in got[1:3] for b in m["buttons"]] == [f"/item {i}" for i in range(1, 8)]
    assert got[3]["buttons"][0]["payload"] == "__contact__"
    assert "".join(m["text"] for m in got[4:]) == "x" * 4100


def test_zalo_token_refresh_rotates_and_is_stored_first(zalo, settings, db):
    zalo.send("z-token", [Reply(text="một")])  # no token configured: the first send refreshes
    first = _credential(db)
    assert first.refresh_token and first.refresh_token != settings.zalo_refresh_token
    fault(settings, {"channel": "zalo", "expire_tokens": True})
    zalo.send("z-token", [Reply(text="hai")])  # -216 -> refresh with the stored (rotated) token -> resend
    second = _credential(db)
    assert second.refresh_token != first.refresh_token and second.access_token != first.access_token
    tokens = sandbox_tokens(settings)
    assert first.refresh_token in tokens["spent_refresh_tokens"]
    assert tokens["refresh_token"] == second.refresh_token  # what we stored is what Zalo will accept next
    assert [m["text"] for m in sandbox_messages(settings, "zalo", "z-token")] == ["một", "hai"]


def test_two_workers_never_spend_the_same_refresh_token(settings, db, sandbox_clean):
    fault(settings, {"channel": "zalo", "strict_seed": True}, {"channel": "zalo", "reset_tokens": True})
    try:
        workers = [ZaloAdapter(settings) for _ in range(4)]
        workers[0].send("z-race", [Reply(text="seed")])
        before = sandbox_tokens(settings)["refresh_count"]
        fault(settings, {"channel": "zalo", "expire_tokens": True})
        errors: list[Exception] = []

        def send(adapter, n):
            try:
                adapter.send("z-race", [Reply(text=f"w{n}")])
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)

        threads = [threading.Thread(target=send, args=(a, n)) for n, a in enumerate(workers)]
        [t.start() for t in threads]
        [t.join(30) for t in threads]
        assert errors == []
        # Stale tokens everywhere, yet one refresh served them all (a second would have spent a used token).
        assert sandbox_tokens(settings)["refresh_count"] - before <= 2
        assert len(sandbox_messages(settings, "zalo", "z-race")) == 5
    finally:
        fault(settings, {"channel": "zalo", "strict_seed": False}, {"channel": "zalo", "reset_tokens": True})


# (case, faults, error class, retry_after)
ZALO_FAILURES = [
    ("rate limited (-32)", [{"fail_next": {"count": 1, "error": -32}}], Throttled, 60.0),
    ("blocked the OA", [{"user_id": "z-fail", "blocked": True}], ContactStopped, None),
    ("unfollowed", [{"user_id": "z-fail", "followed": False}], ContactStopped, None),
    ("7-day window closed", [{"user_id": "z-fail", "last_interaction_days_ago": 8}], MessageInvalid, None),
    ("HTTP 503", [{"fail_next": {"count": 1, "status": 503}}], ConnectionFailed, None),
    ("HTTP 429", [{"fail_next": {"count": 1, "status": 429, "retry_after": 7}}], Throttled, 7.0),
]


@pytest.mark.parametrize("case,specs,error,retry_after", ZALO_FAILURES, ids=[r[0] for r in ZALO_FAILURES])
def test_zalo_failures_map_to_send_errors(zalo, settings, case, specs, error, retry_after):
    zalo.send("z-fail", [Reply(text="warm up")])  # a valid token first, so the fault hits the send
    fault(settings, *[{"channel": "zalo", **s} for s in specs])
    with pytest.raises(error) as caught:
        zalo.send("z-fail", [Reply(text="hello")])
    assert caught.value.retry_after == retry_after


# -- Telegram -------------------------------------------------------------------------------------
def test_telegram_keyboards(telegram, settings):
    telegram.send("7001", [MENU, Reply(text="Số điện thoại của bạn?", ask="contact")])
    got = sandbox_messages(settings, "telegram", "7001")
    assert [m["kind"] for m in got] == ["buttons", "keyboard"]
    assert [b["payload"] for b in got[0]["buttons"]] == [f"/item {i}" for i in range(1, 8)]
    assert got[1]["buttons"][0]["payload"] == "__contact__"


def test_telegram_multi_select_edits_the_same_message(telegram, settings):
    question = Reply(text="Triệu chứng?", multi_select=True,
                     buttons=[Button("Sốt", "/sym fever"), Button("Ho", "/sym cough"), Button("Xong", "/sym done")])
    (message_id,) = telegram.send("7002", [question])
    press = Inbound(channel="telegram", user_id="7002", kind="button", payload="/sym fever",
                    extra={"message_id": int(message_id), "keyboard": ["/sym cough", "/sym done", "/sym fever"]})
    toggled = Reply(text="Triệu chứng?", multi_select=True,
                    buttons=[Button("✅ Sốt", "/sym fever"), Button("Ho", "/sym cough"), Button("Xong", "/sym done")])
    assert telegram.send("7002", [toggled], reply_to=press) == [message_id]
    (only,) = sandbox_messages(settings, "telegram", "7002")
    assert only["buttons"][0]["title"] == "✅ Sốt" and only.get("edits") == 1


# (case, faults, error class, retry_after)
TELEGRAM_FAILURES = [
    ("blocked the bot", [{"user_id": "7003", "blocked": True}], ContactStopped, None),
    ("deactivated", [{"user_id": "7003", "deactivated": True}], ContactStopped, None),
    ("chat not found", [{"user_id": "7003", "exists": False}], MessageInvalid, None),
    ("429 retry after 3", [{"fail_next": {"count": 1, "status": 429, "retry_after": 3}}], Throttled, 3.0),
    ("502", [{"fail_next": {"count": 1, "status": 502, "method": "sendMessage"}}], ConnectionFailed, None),
]


@pytest.mark.parametrize("case,specs,error,retry_after", TELEGRAM_FAILURES, ids=[r[0] for r in TELEGRAM_FAILURES])
def test_telegram_failures_map_to_send_errors(telegram, settings, case, specs, error, retry_after):
    fault(settings, *[{"channel": "telegram", **s} for s in specs])
    with pytest.raises(error) as caught:
        telegram.send("7003", [Reply(text="xin chào")])
    assert caught.value.retry_after == retry_after
