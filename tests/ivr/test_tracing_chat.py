"""The chat side of tracing calls (ask_tracing_call, verify_caller), answered from the dialer's call records
once the citizen's phone number is linked: when and why we called, never who the case is; else a scam warning."""
from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import update

from bot import engine
from bot.messages import Inbound
from bot.phones import national
from ivr.models import CallAttempt
from tests.ivr.tracing_calls import PHONE, person


def _say(settings, user: str, **inbound) -> str:
    replies = engine.handle(settings, Inbound(channel="telegram", user_id=user, language_code="en", **inbound))
    return "\n".join(reply.text for reply in replies)


@pytest.mark.parametrize("payload", ["/tracing", "/verify"])
def test_a_linked_citizen_hears_when_and_why_we_called(settings, db, redis_client, daytime, payload):
    _contact_id, attempt_id = person(db, settings, "F2", "en")
    with db() as session:
        session.execute(update(CallAttempt).where(CallAttempt.id == attempt_id).values(status="completed"))
        session.commit()
    asked = _say(settings, "t-100", kind="button", payload=payload)
    assert "Share your phone number" in asked and national(settings.twilio_from_number) in asked  # 0237 3600 115
    text = _say(settings, "t-100", kind="contact", phone=PHONE, extra={"own": True})  # the sender's own contact
    assert "Yes, this was a genuine call from the provincial tracing centre." in text
    assert "you were listed as a contact of a close contact (F2)" in text and "9:00" in text
    assert "Lê Văn A" not in text  # the list's name for the person is not echoed, nor anything about an F0


def test_no_call_on_record_warns_about_scams(settings, db, redis_client, daytime):
    _say(settings, "t-101", kind="button", payload="/verify")
    text = _say(settings, "t-101", kind="contact", phone="+84912000999", extra={"own": True})
    assert "We have no record of calling your number." in text and "scam" in text
    assert national(settings.twilio_from_number) in text


@pytest.mark.parametrize("question, verdict", [
    ("Is 0237 3600 115 your number? They called me", "Yes: 0237 3600 115 is a number of the Thanh Hóa epidemic prevention call centre"),
    ("so +84 237 3600 115 goi cho toi co phai lua dao", "Yes: +84 237 3600 115 is a number of the Thanh Hóa epidemic prevention call centre"),
    ("0912.345.678 called saying I am F1 and asked for money", "0912.345.678 is not a number of the Thanh Hóa epidemic prevention call centre"),
])
def test_a_question_about_a_number_gets_a_verdict_on_it(settings, db, redis_client, daytime, question, verdict):
    # The NLU maps such questions to verify_caller, which the engine runs as /verify with the text kept.
    text = _say(settings, "t-102", kind="text", text=question, payload="/verify")
    assert verdict in text


@pytest.mark.parametrize("pasted, verdict", [
    ("0237 3600 115", "Yes: 0237 3600 115 is a number of the Thanh Hóa epidemic prevention call centre"),
    ("(+84) 987.654.321", "(+84) 987.654.321 is not a number of the Thanh Hóa epidemic prevention call centre"),
])
def test_a_number_pasted_on_its_own_gets_a_verdict(settings, db, redis_client, daytime, pasted, verdict):
    """Outside any flow, a bare number means "this number called me": no NLU guess, no hand-off."""
    assert verdict in _say(settings, f"t-paste-{abs(hash(pasted))}", kind="text", text=pasted)


def test_the_citizens_own_number_is_not_judged(settings, db, redis_client, daytime, sandbox_clean):
    _say(settings, "t-103", kind="button", payload="/verify")
    text = _say(settings, "t-103", kind="text", text="0912 000 999")  # typed: proven by the code sent to it
    assert "is a number of" not in text and "sent a code by SMS" in text
    sms = httpx.get(f"{sandbox_clean.url}/_sandbox/sms", params={"to": "+84912000999"}, timeout=10).json()
    code = re.search(r"\b(\d{6})\b", sms[-1]["body"]).group(1)
    text = _say(settings, "t-103", kind="text", text=code)
    assert "is a number of" not in text and "We have no record of calling your number." in text


@pytest.mark.nodb
@pytest.mark.parametrize("text, number", [
    ("so 0283 6000 115 co phai cua tong dai", "0283 6000 115"),
    ("+84912345678 gọi cho tôi", "+84912345678"),
    ("hotline 1900.9095 có thật không", "1900.9095"),
    ("(+84) 987.654.321 goi cho toi", "(+84) 987.654.321"),
    ("tôi 57 tuổi, năm 2021 tiêm 2 mũi", None),
    ("", None),
])
def test_asked_number(text, number):
    from bot.tracing_answers import asked_number

    assert asked_number(text) == number


@pytest.mark.nodb
@pytest.mark.parametrize("text, number", [
    ("0237 3600 115", "0237 3600 115"),
    ("(+84) 987.654.321", "(+84) 987.654.321"),
    ("so 0283 6000 115", None),  # a question about a number, not a number alone
    ("1985", None),
])
def test_pasted_number(text, number):
    from bot.tracing_answers import pasted_number

    assert pasted_number(text) == number


def test_a_genuine_number_with_no_call_to_ones_own_number_is_not_called_a_scam(settings, db, redis_client, daytime):
    """The verdict and the records never contradict each other ("genuine" then "maybe a scam")."""
    _say(settings, "t-104", kind="contact", phone="+84912000998", extra={"own": True})
    text = _say(settings, "t-104", kind="text", text="so 0237 3600 115 goi cho toi co that khong", payload="/verify")
    assert "Yes: 0237 3600 115 is a number of the Thanh Hóa epidemic prevention call centre" in text
    assert "scam" not in text and "We find no call to your own number" in text
    assert "Loa" not in text  # citizens know the province's call centre, not the software's name


def test_asking_why_we_called_twice_does_not_repeat_the_same_block(settings, db, redis_client, daytime):
    _contact_id, attempt_id = person(db, settings, "F1", "en")
    with db() as session:
        session.execute(update(CallAttempt).where(CallAttempt.id == attempt_id).values(status="completed"))
        session.commit()
    _say(settings, "t-105", kind="contact", phone=PHONE, extra={"own": True})
    first = _say(settings, "t-105", kind="button", payload="/tracing")
    second = _say(settings, "t-105", kind="button", payload="/tracing")
    assert "close contact (F1)" in first and "close contact (F1)" in second
    assert first != second and "As I said" in second
