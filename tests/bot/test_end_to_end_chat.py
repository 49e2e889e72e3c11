"""End to end over real HTTP: the sandbox emits signed webhooks to Loa's web app, a real RQ worker runs
the engine, and the replies arrive at the sandbox through the adapters. Real Redis, real database."""
from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from core.db import session_scope
from core.models import Alert, Declaration

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("db", "redis_client", "web", "worker")]


def _messages(sandbox, channel, user, count):
    """Wait until the user has at least `count` messages at the sandbox and return them."""
    response = httpx.get(f"{sandbox.url}/_sandbox/messages",
                         params={"channel": channel, "user_id": user, "wait": 15, "min": count}, timeout=20)
    messages = response.json()
    assert len(messages) >= count, f"only {len(messages)} messages: {[m['text'] for m in messages]}"
    return messages


def _reply_with(sandbox, channel, user, after, expected, timeout=15.0):
    """Wait until a message after the first `after` contains `expected` (a reply may come in several
    messages, arriving one by one); return all the user's messages."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        messages = _messages(sandbox, channel, user, after + 1)
        text = " ".join(m["text"] + " " + " ".join(b["title"] for b in m["buttons"]) for m in messages[after:])
        if expected.lower() in text.lower() or time.monotonic() > deadline:
            assert expected.lower() in text.lower(), f"{expected!r} not in {text!r}"
            return messages
        time.sleep(0.2)


def _zalo(sandbox, user, **event):
    response = httpx.post(f"{sandbox.url}/_sandbox/zalo/emit", json={"user_id": user, **event}, timeout=10)
    assert response.json()["delivery"]["status"] == 200, response.text


def _telegram(sandbox, chat, **update):
    response = httpx.post(f"{sandbox.url}/_sandbox/telegram/emit", json={"chat_id": chat, **update}, timeout=10)
    assert response.json()["delivery"]["status"] == 200, response.text


def test_zalo_citizen_declares_with_danger_signs(settings, sandbox_clean):
    sandbox, user = sandbox_clean, "5550001"
    steps = [
        (dict(event_name="follow"), "Khai báo y tế"),
        (dict(event_name="user_send_text", text="/declare"), "đồng ý"),
        (dict(event_name="user_send_text", text="/consent:yes"), "Họ và tên"),
        (dict(event_name="user_send_text", text="nguyen van ba"), "Nguyễn Văn Ba, đúng không"),  # Ba, Bá or Bà?
        (dict(event_name="user_send_text", text="co"), "Năm sinh"),
        (dict(event_name="user_send_text", text="1950"), "điện thoại"),
        (dict(event_name="user_submit_info", phone="84912000111", name="Ba"), "xã hoặc phường"),
        (dict(event_name="user_send_text", text="hac thanh"), "14 ngày"),
        (dict(event_name="user_send_text", text="sot ho kho tho"), "nguy hiểm"),
        (dict(event_name="user_send_text", text="/done"), "bắt đầu"),
        (dict(event_name="user_send_text", text="hom nay"), "tiếp xúc"),
        (dict(event_name="user_send_text", text="/yes"), "vùng dịch"),
        (dict(event_name="user_send_text", text="/no"), "liều"),
        (dict(event_name="user_send_text", text="/doses:0"), "bệnh nền"),
        (dict(event_name="user_send_text", text="co"), "115"),
    ]
    seen = 0
    for event, expected in steps:
        _zalo(sandbox, user, **event)
        seen = len(_reply_with(sandbox, "zalo", user, seen, expected))
    with session_scope(settings.database_url) as db:
        record = db.scalar(select(Declaration))
        assert record.risk_level == "danger" and record.phone == "+84912000111"
        assert db.scalar(select(Alert)).kind == "danger"


def test_telegram_english_user_from_language_code(settings, sandbox_clean):
    sandbox, chat = sandbox_clean, "777001"
    _telegram(sandbox, chat, kind="start", language_code="en")
    assert "Health declaration" in str(_messages(sandbox, "telegram", chat, 1)[-1]["buttons"])
    _telegram(sandbox, chat, kind="callback_query", data="/declare")
    assert "Do you agree?" in _messages(sandbox, "telegram", chat, 2)[-1]["text"]
    _telegram(sandbox, chat, kind="callback_query", data="/consent:yes")
    assert "full name" in _messages(sandbox, "telegram", chat, 3)[-1]["text"]
    _telegram(sandbox, chat, kind="text", text="menu")
    last = _messages(sandbox, "telegram", chat, 4)[-1]
    assert "/continue" in [b["payload"] for b in last["buttons"]]


def test_retried_zalo_webhook_gets_one_reply(settings, sandbox_clean):
    sandbox, user = sandbox_clean, "5550002"
    _zalo(sandbox, user, event_name="user_send_text", text="xin chao", msg_id="fixed-msg-1")
    _zalo(sandbox, user, event_name="user_send_text", text="xin chao", msg_id="fixed-msg-1")
    _zalo(sandbox, user, event_name="user_send_text", text="menu", msg_id="fixed-msg-2")
    # Each menu is one card per five buttons: two menus, however many retries.
    once = len(_messages(sandbox, "zalo", user, 4))
    import time

    time.sleep(1.5)  # give a wrongly duplicated job the time to show itself
    messages = _messages(sandbox, "zalo", user, once)
    assert len(messages) == once == 4, [m["text"] for m in messages]


def _press_zalo(sandbox, user, messages, title):
    """Press the Zalo button shown with `title` in the newest card that has it, as Zalo does: its payload as text."""
    payload = next(b["payload"] for m in reversed(messages) for b in m["buttons"] if b["title"] == title)
    _zalo(sandbox, user, event_name="user_send_text", text=payload)


def test_zalo_symptom_buttons_toggle_through_the_sandbox(settings, sandbox_clean):
    """Zalo sends a pressed oa.query.show button back as text: each press toggles, 'Xong' finishes."""
    sandbox, user = sandbox_clean, "5550003"
    seen = 0
    for text, expected in (("khai bao", "đồng ý"), ("/consent:yes", "Họ và tên"), ("tran thi hoa", "đúng không"), ("co", "Năm sinh"),
                           ("1952", "điện thoại"),
                           ("0912 345 680", "xã hoặc phường"), ("hac thanh", "14 ngày")):
        _zalo(sandbox, user, event_name="user_send_text", text=text)
        seen = len(_reply_with(sandbox, "zalo", user, seen, expected))
    messages = _messages(sandbox, "zalo", user, seen)
    for title, expected in (("Sốt", "✓ Sốt"), ("Ho", "✓ Ho")):
        _press_zalo(sandbox, user, messages, title)
        messages = _reply_with(sandbox, "zalo", user, seen, expected)
        seen = len(messages)
    assert {"✓ Sốt", "✓ Ho", "Xong"} <= {b["title"] for m in messages[-2:] for b in m["buttons"]}
    _press_zalo(sandbox, user, messages, "Xong")
    seen = len(_reply_with(sandbox, "zalo", user, seen, "nguy hiểm"))
