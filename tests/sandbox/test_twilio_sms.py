"""The Twilio SMS stand-in over real HTTP: sends with the twilio library, ordered signed status callbacks,
scripted delivery failures, opt-out keywords (STOP → 21610, START → allowed again) and replies."""
from __future__ import annotations

import httpx
import pytest
from twilio.base.exceptions import TwilioRestException

from core.testing import wait_until
from tests.sandbox.twilio_app import hooks, tw  # noqa: F401

TO = "+84912000111"


def _sms(sandbox, **params) -> list[dict]:
    return httpx.get(f"{sandbox.url}/_sandbox/sms", params=params, timeout=10).json()


def _incoming(sandbox, hooks, body: str, sender: str = TO) -> dict:
    resp = httpx.post(f"{sandbox.url}/_sandbox/twilio/incoming_sms", timeout=20,
                      json={"from": sender, "body": body, "url": hooks.url("/webhooks/sms")})
    resp.raise_for_status()
    return resp.json()


@pytest.mark.parametrize("outcome, statuses, error_code", [
    (None, ["sent", "delivered"], None),
    ({"status": "undelivered"}, ["sent", "undelivered"], "30003"),
    ({"status": "undelivered", "error_code": 30005}, ["sent", "undelivered"], "30005"),
    ({"status": "failed"}, ["failed"], "30008"),
])
def test_status_callbacks_in_order_and_signed(settings, sandbox_clean, tw, hooks, outcome, statuses, error_code):
    if outcome:
        httpx.post(f"{sandbox_clean.url}/_sandbox/twilio/sms_script", json={"to": TO, "outcomes": [outcome]},
                   timeout=10).raise_for_status()
    msg = tw.messages.create(to=TO, from_=settings.twilio_from_number, body="Kết quả xét nghiệm: âm tính",
                             status_callback=hooks.url("/webhooks/sms/status"))
    assert msg.sid.startswith("SM") and len(msg.sid) == 34 and msg.status == "queued"
    wait_until(lambda: len(hooks.at("/webhooks/sms/status")) == len(statuses))
    hits = hooks.at("/webhooks/sms/status")
    assert [h["form"]["MessageStatus"] for h in hits] == statuses
    assert all(h["valid"] and h["form"]["MessageSid"] == h["form"]["SmsSid"] == msg.sid for h in hits)
    assert hits[-1]["form"].get("ErrorCode") == error_code
    assert tw.messages(msg.sid).fetch().status == statuses[-1]
    [listed] = _sms(sandbox_clean, to=TO)
    assert [h["status"] for h in listed["history"]] == ["queued", *statuses]
    assert listed["body"] == "Kết quả xét nghiệm: âm tính"


@pytest.mark.parametrize("word", ["STOP", "stop", " Unsubscribe ", "STOPALL", "cancel", "END", "QUIT", "REVOKE",
                                  "OPTOUT"])
def test_opt_out_keywords_block_sends_with_21610_until_start(settings, sandbox_clean, tw, hooks, word):
    answer = _incoming(sandbox_clean, hooks, word)
    assert answer["opt_out_type"] == "STOP"
    [hit] = hooks.at("/webhooks/sms")
    assert hit["valid"]
    assert (hit["form"]["OptOutType"], hit["form"]["From"], hit["form"]["To"], hit["form"]["Body"]) == \
        ("STOP", TO, settings.twilio_from_number, word)
    assert {"MessageSid", "AccountSid", "NumMedia"} <= set(hit["form"])
    with pytest.raises(TwilioRestException) as info:
        tw.messages.create(to=TO, from_=settings.twilio_from_number, body="Xin chào")
    assert (info.value.status, info.value.code) == (400, 21610)
    assert _incoming(sandbox_clean, hooks, "start")["opt_out_type"] == "START"
    assert tw.messages.create(to=TO, from_=settings.twilio_from_number, body="Xin chào").status == "queued"


@pytest.mark.parametrize("body, kind", [("stop please", None), ("HELP", "HELP"), ("Tôi bị sốt", None)])
def test_other_messages_do_not_opt_out(settings, sandbox_clean, tw, hooks, body, kind):
    assert _incoming(sandbox_clean, hooks, body)["opt_out_type"] == kind
    assert hooks.at("/webhooks/sms")[0]["form"].get("OptOutType") == kind
    assert tw.messages.create(to=TO, from_=settings.twilio_from_number, body="ok").status == "queued"


def test_twiml_message_replies_are_recorded(sandbox_clean, hooks):
    hooks.docs["/webhooks/sms"] = "<Response><Message>Cảm ơn bạn</Message></Response>"
    answer = _incoming(sandbox_clean, hooks, "xin chào")
    assert answer["replies"] == ["Cảm ơn bạn"]
    replies = _sms(sandbox_clean, direction="outbound-reply")
    assert [(m["to"], m["body"]) for m in replies] == [(TO, "Cảm ơn bạn")]


@pytest.mark.parametrize("to, body, code", [("12345", "x", 21211), (TO, "", 21602), (TO, "x" * 1601, 21617)])
def test_invalid_sends_give_twilio_errors(settings, tw, to, body, code):
    with pytest.raises(TwilioRestException) as info:
        tw.messages.create(to=to, from_=settings.twilio_from_number, body=body)
    assert (info.value.status, info.value.code) == (400, code)


@pytest.mark.parametrize("body, segments", [("a" * 160, "1"), ("a" * 161, "2"), ("ô" * 70, "1"), ("ô" * 71, "2")])
def test_segments_follow_the_encoding(settings, tw, body, segments):
    assert tw.messages.create(to=TO, from_=settings.twilio_from_number, body=body).num_segments == segments
