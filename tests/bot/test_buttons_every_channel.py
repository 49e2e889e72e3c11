"""Every flow's buttons, pressed the way each channel sends a press, give the same conversation.

A Zalo oa.query.show press arrives as plain text equal to the payload, a Telegram press as callback data,
an SMS press as the button's number. Each press goes through the channel's own parser (recorded shapes),
then the real engine, Redis and database; the replies must be the same on every channel.
"""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.channels.telegram_updates import parse_update
from bot.channels.zalo_events import parse_event
from bot.engine import handle
from bot.messages import Inbound, Reply
from core.db import session_scope
from core.models import Declaration, Subscription

pytestmark = pytest.mark.usefixtures("db", "redis_client")

USERS = {"zalo": "8800112233", "telegram": "880011", "sms": "+84912880011"}
_counter = iter(range(10_000, 99_999))


def _zalo(user: str, text: str) -> Inbound:
    body = {"app_id": "1000000000000000001", "event_name": "user_send_text", "timestamp": "1677721200000",
            "sender": {"id": user}, "recipient": {"id": "2000000000000000002"},
            "message": {"msg_id": f"m{next(_counter)}", "text": text}}
    return parse_event(json.dumps(body).encode())[0]


def _telegram(user: str, text: str | None = None, data: str | None = None) -> Inbound:
    sender = {"id": int(user), "is_bot": False, "first_name": "An", "language_code": "vi"}
    chat = {"id": int(user), "type": "private", "first_name": "An"}
    if data is not None:
        update = {"update_id": next(_counter), "callback_query": {
            "id": str(next(_counter)), "from": sender, "chat_instance": "1", "data": data,
            "message": {"message_id": next(_counter), "date": 1677721208, "chat": chat, "text": "…"}}}
    else:
        update = {"update_id": next(_counter), "message": {"message_id": next(_counter), "date": 1677721208,
                                                            "chat": chat, "from": sender, "text": text}}
    return parse_update(json.dumps(update).encode())[0]


def typed(settings, channel: str, text: str) -> list[Reply]:
    """The citizen types `text` on `channel`."""
    user = USERS[channel]
    inbound = {"zalo": lambda: _zalo(user, text), "telegram": lambda: _telegram(user, text=text),
               "sms": lambda: Inbound(channel="sms", user_id=user, text=text)}[channel]()
    return handle(settings, inbound)


def pressed(settings, channel: str, last: list[Reply], payload: str) -> list[Reply]:
    """The citizen presses the button with `payload` among the last replies' buttons, as `channel` sends it."""
    buttons = [b for r in last if r.buttons for b in r.buttons] if channel != "sms" else \
        [r for r in last if r.buttons][-1].buttons  # SMS numbers the last list only
    offered = [b.payload for b in buttons]
    # Chat buttons carry the step they answer ("/yes@contact", bot.button_steps): press the one offered.
    payload = next((p for p in offered if p.split("@")[0] == payload), payload)
    assert payload in offered, f"{payload} not offered: {offered}"
    user = USERS[channel]
    if channel == "zalo":
        return handle(settings, _zalo(user, payload))
    if channel == "telegram":
        return handle(settings, _telegram(user, data=payload))
    number = [b.payload for b in buttons].index(payload) + 1
    return handle(settings, Inbound(channel="sms", user_id=user, text=str(number)))


# (typed text | ("press", payload)), for a walk through every flow that offers buttons.
SCRIPT = [
    "xin chao",
    ("press", "/declare"),
    ("press", "/consent:yes"),
    "Nguyen Van An",
    "1960",
    ("phone", "0912 345 678"),  # SMS is not asked: the sender's number is known
    "Hac Thanh",
    ("press", "/symptoms:fever"),
    ("press", "/symptoms:cough"),
    ("press", "/symptoms:fatigue"),
    ("press", "/symptoms:fatigue"),  # pressed twice: off again
    ("press", "/done"),
    ("press", "/done"),  # no danger signs
    ("press", "/onset:yesterday"),
    ("press", "/yes"),
    ("press", "/no"),
    ("press", "/doses:2"),
    ("press", "/no"),
    ("press", "/confirm"),  # the summary, sent as it is
    ("press", "/no"),  # no household member to add
    "menu",
    ("press", "/report"),
    ("press", "/report:scam"),
    "menu",
    ("press", "/subscribe"),
]


def _walk(settings, channel: str) -> list[list[str]]:
    transcript, last = [], []
    for step in SCRIPT:
        if isinstance(step, tuple) and step[0] == "phone":
            if channel == "sms":
                transcript.append(None)
                continue
            last = typed(settings, channel, step[1])
        elif isinstance(step, tuple):
            last = pressed(settings, channel, last, step[1])
        else:
            last = typed(settings, channel, step)
        transcript.append([r.text for r in last])
    return transcript


def test_a_press_means_the_same_on_zalo_telegram_and_sms(settings):
    walks = {channel: _walk(settings, channel) for channel in ("telegram", "zalo", "sms")}
    phone_step = next(i for i, step in enumerate(SCRIPT) if step[0] == "phone")
    summary = SCRIPT.index(("press", "/confirm")) - 1  # the summary shows the number: the sender's on SMS
    for i, step in enumerate(SCRIPT):
        assert walks["zalo"][i] == walks["telegram"][i], f"zalo differs at {step}"
        if i not in (phone_step - 1, phone_step, summary):  # SMS goes from the year straight to the commune
            assert walks["sms"][i] == walks["telegram"][i], f"sms differs at {step}"
    with session_scope(settings.database_url) as db:
        records = db.scalars(select(Declaration).order_by(Declaration.id)).all()
        assert [r.channel for r in records] == ["telegram", "zalo", "sms"]
        for record in records:
            assert record.answers["symptoms"] == ["fever", "cough"], record.channel
            assert record.answers.get("danger_signs") in ([], None)


def test_zalo_symptom_presses_toggle_and_the_done_button_is_offered(settings):
    """The bug citizens met: 'Sốt' jumped to the next question and 'Ho' was refused."""
    last = pressed(settings, "zalo", typed(settings, "zalo", "khai bao"), "/consent:yes")
    for text in ("Tran Thi Hoa", "co", "1952", "0912 345 679", "Hac Thanh"):  # "Hoa" or "Hòa"? confirmed
        last = typed(settings, "zalo", text)
    last = pressed(settings, "zalo", last, "/symptoms:fever")
    titles = [b.title for r in last for b in r.buttons]
    assert "✓ Sốt" in titles and "Xong" in titles, titles  # still on the symptoms question, in Vietnamese
    last = pressed(settings, "zalo", last, "/symptoms:cough")
    assert {"✓ Sốt", "✓ Ho"} <= {b.title for r in last for b in r.buttons}
    last = typed(settings, "zalo", "quay lai")  # back to the commune, then forward again keeps both
    last = typed(settings, "zalo", "Hac Thanh")
    assert {"✓ Sốt", "✓ Ho"} <= {b.title for r in last for b in r.buttons}
    last = pressed(settings, "zalo", last, "/done")
    assert "nguy hiểm" in " ".join(r.text for r in last)


@pytest.mark.parametrize("channel", ["telegram", "zalo"])
def test_a_double_tapped_or_stale_button_is_never_the_answer_to_the_next_question(settings, channel):
    last = pressed(settings, channel, typed(settings, channel, "khai bao"), "/consent:yes")
    for text in ("Le Van Tam", "1980", "0912 345 670", "Hac Thanh"):
        last = typed(settings, channel, text)
    symptoms = last
    last = pressed(settings, channel, last, "/done")  # no symptoms: straight to the contact question
    contact_yes = next(b.payload for r in last for b in r.buttons if b.payload.startswith("/yes"))
    assert contact_yes == "/yes@contact"
    last = pressed(settings, channel, last, "/yes")
    assert "vùng dịch" in " ".join(r.text for r in last)
    for stale in (contact_yes, "/symptoms:fever@symptoms"):  # a double tap; a button from two questions back
        inbound = _zalo(USERS["zalo"], stale) if channel == "zalo" else _telegram(USERS["telegram"], data=stale)
        text = " ".join(r.text for r in handle(settings, inbound))
        assert "Nút đó dành cho một câu hỏi trước." in text and "vùng dịch" in text  # the current question again
    assert symptoms  # the symptoms question had offered that button
    last = pressed(settings, channel, last, "/no")
    assert "liều" in " ".join(r.text for r in last)
    typed(settings, channel, "2")
    pressed(settings, channel, typed(settings, channel, "khong"), "/confirm")
    with session_scope(settings.database_url) as db:
        record = db.scalar(select(Declaration).where(Declaration.channel == channel))
        assert record.answers["contact"] is True and record.answers["epidemic_area"] is False
        assert record.answers["symptoms"] == []
