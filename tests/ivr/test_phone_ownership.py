"""Whose number is it: a typed number or someone else's contact opens nothing until a code sent to it by SMS
is typed back; numbers the provider vouches for (own Telegram contact, Zalo user_submit_info, caller id, SMS
sender) are linked at once. Real engine, Redis, database, and the sandbox's Twilio for the codes."""
from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import select, update

from bot import engine
from bot.messages import Inbound
from core.models import ChannelIdentity, Citizen, Declaration
from ivr.models import CallAttempt
from tests.ivr.tracing_calls import PHONE, person

pytestmark = pytest.mark.usefixtures("db", "redis_client", "daytime")


def _say(settings, user: str, channel: str = "telegram", **inbound) -> str:
    replies = engine.handle(settings, Inbound(channel=channel, user_id=user, language_code="en", **inbound))
    return "\n".join(reply.text for reply in replies)


def _codes_sent(sandbox, phone: str) -> list[str]:
    messages = httpx.get(f"{sandbox.url}/_sandbox/sms", params={"to": phone, "direction": "outbound-api"},
                         timeout=10).json()
    return [re.search(r"\b(\d{6})\b", m["body"]).group(1) for m in messages if "code" in m["body"].lower()]


@pytest.fixture()
def called(settings, db):
    """PHONE was called as an F2 contact (a completed tracing call)."""
    _contact_id, attempt_id = person(db, settings, "F2", "en")
    with db() as session:
        session.execute(update(CallAttempt).where(CallAttempt.id == attempt_id).values(status="completed"))
        session.commit()


REVEALING = ("F2", "close contact", "genuine call", "we called you")


def test_a_typed_number_reveals_nothing_until_the_code_sent_to_it_is_typed_back(settings, sandbox_clean, called, db):
    _say(settings, "attacker", kind="button", payload="/tracing")
    text = _say(settings, "attacker", text=PHONE)
    assert "sent a code by SMS" in text and not any(word in text for word in REVEALING)
    [code] = _codes_sent(sandbox_clean, PHONE)  # the code went to the number's owner, not to the chat
    wrong = "000000" if code != "000000" else "111111"
    assert "Tries left: 4" in _say(settings, "attacker", text=wrong)
    text = _say(settings, "attacker", text=code)
    assert "genuine call" in text and "you were listed as a contact of a close contact (F2)" in text
    with db() as session:
        assert session.scalar(select(Citizen.phone).join(ChannelIdentity).where(
            ChannelIdentity.external_id == "attacker")) == PHONE


def test_wrong_codes_use_up_the_code(settings, sandbox_clean, called):
    _say(settings, "guesser", kind="button", payload="/tracing")
    _say(settings, "guesser", text=PHONE)
    [code] = _codes_sent(sandbox_clean, PHONE)
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        assert f"Tries left: {left}" in _say(settings, "guesser", text=wrong)
    assert "no longer valid" in _say(settings, "guesser", text=wrong)
    text = _say(settings, "guesser", text=code)  # the right code after the fifth miss opens nothing
    assert not any(word in text for word in REVEALING)


def test_a_number_gets_at_most_three_codes_a_day(settings, sandbox_clean, called):
    for user in ("a1", "a2", "a3"):
        _say(settings, user, kind="button", payload="/tracing")
        assert "sent a code" in _say(settings, user, text=PHONE)
    _say(settings, "a4", kind="button", payload="/tracing")
    assert "Too many codes" in _say(settings, "a4", text=PHONE)
    assert len(_codes_sent(sandbox_clean, PHONE)) == 3


def test_someone_elses_telegram_contact_is_treated_like_a_typed_number(settings, sandbox_clean, called):
    _say(settings, "t-share", kind="button", payload="/verify")
    text = _say(settings, "t-share", kind="contact", phone=PHONE, extra={"own": False})
    assert "sent a code by SMS" in text and not any(word in text for word in REVEALING)


@pytest.mark.parametrize("channel, extra", [("telegram", {"own": True}), ("zalo", {"own": True})])
def test_a_number_the_provider_vouches_for_is_linked_at_once(settings, called, channel, extra):
    _say(settings, "own-1", channel=channel, kind="button", payload="/tracing")
    text = _say(settings, "own-1", channel=channel, kind="contact", phone=PHONE, extra=extra)
    assert "you were listed as a contact of a close contact (F2)" in text


def test_a_typed_number_in_a_declaration_stays_in_that_declaration(settings, db):
    # The number's owner called the hotline once: their record holds the number.
    engine.handle(settings, Inbound(channel="voice", user_id=PHONE, kind="text", text=""))
    steps = ["/declare", "/consent:yes", "Tran Van Binh", "1980", PHONE, "Hac Thanh", "khong", "khong", "khong", "2", "khong",
             "/confirm", "khong"]
    for step in steps:
        _say(settings, "typist", **({"kind": "button", "payload": step} if step.startswith("/") else {"text": step}))
    with db() as session:
        record = session.scalar(select(Declaration))
        assert record.phone == PHONE  # kept with the declaration it was typed in
        typist = session.scalar(select(ChannelIdentity).where(ChannelIdentity.external_id == "typist"))
        owner = session.scalar(select(ChannelIdentity).where(ChannelIdentity.external_id == PHONE))
        assert typist.citizen.phone is None and typist.citizen_id != owner.citizen_id  # nothing linked or merged
        assert record.citizen_id == typist.citizen_id  # filed under the chat, not under the number's owner


def test_the_zalo_info_card_and_own_telegram_contact_are_marked_own():
    import json

    from bot.channels.telegram_updates import parse_update
    from bot.channels.zalo_events import parse_event
    from tests.bot.helpers import payload

    [zalo] = parse_event(payload("zalo", "user_submit_info"))
    [own] = parse_update(payload("telegram", "contact"))
    [other] = parse_update(payload("telegram", "contact_of_someone_else"))
    assert zalo.extra["own"] is True and own.extra["own"] is True and other.extra["own"] is False
    assert json.loads(payload("telegram", "contact"))["message"]["contact"]["user_id"]


def test_one_chat_cannot_walk_through_many_numbers_nor_send_codes_abroad(settings, sandbox_clean, called):
    numbers = [f"+8491234{n:04d}" for n in range(8)]
    answers = []
    for number in numbers:
        _say(settings, "walker", kind="button", payload="/tracing")
        answers.append(_say(settings, "walker", text=number))
    assert sum("sent a code" in a for a in answers) == 6 and "Too many codes" in answers[-1]
    _say(settings, "abroad", kind="button", payload="/tracing")
    assert "only check a Vietnamese number" in _say(settings, "abroad", text="+44 7911 123456")
