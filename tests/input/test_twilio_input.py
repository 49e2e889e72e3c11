"""Twilio's webhooks with bad input: SMS in, SMS status, a hotline step and a call status callback. Each row is
(case, form, expected status, queued?); every form is signed with our auth token so the form checks answer."""
from __future__ import annotations

import pytest

from tests.input.conftest import recorded_pairs

SID = "CA7f3e5a1c9b2d4e6f8a0b1c2d3e4f5a6b"


def with_(name: str, **changes) -> list[tuple[str, str]]:
    """A recorded form with some keys set (None removes the key)."""
    pairs = [(k, v) for k, v in recorded_pairs(name) if k not in changes]
    return pairs + [(k, v) for k, v in changes.items() if v is not None]


def twice(name: str, key: str, second: str) -> list[tuple[str, str]]:
    """A recorded form with `key` sent a second time (Flask and parse_qs then hold a list)."""
    return recorded_pairs(name) + [(key, second)]


SMS = [
    ("text accepted", lambda: recorded_pairs("sms_inbound_text"), 200, True),
    ("image accepted", lambda: recorded_pairs("sms_inbound_image"), 200, True),
    ("no From", lambda: with_("sms_inbound_text", From=None), 400, False),
    ("From is words", lambda: with_("sms_inbound_text", From="my phone"), 400, False),
    ("From sent twice", lambda: twice("sms_inbound_text", "From", "+84987654321"), 400, False),
    ("Body sent twice", lambda: twice("sms_inbound_text", "Body", "STOP"), 400, False),
    ("no MessageSid", lambda: with_("sms_inbound_text", MessageSid=None, SmsSid=None, SmsMessageSid=None), 400, False),
    ("MessageSid not a Twilio sid", lambda: with_("sms_inbound_text", MessageSid="SM-1", SmsSid=None), 400, False),
    ("NumMedia is words", lambda: with_("sms_inbound_image", NumMedia="one"), 400, False),
    ("media url is not a url", lambda: with_("sms_inbound_image", MediaUrl0="file:///etc/passwd"), 400, False),
    ("Body with a NUL", lambda: with_("sms_inbound_text", Body="khai\x00bao"), 400, False),
    ("Body of 9000 characters", lambda: with_("sms_inbound_text", Body="a" * 9000), 400, False),
]

SMS_STATUS = [
    ("delivered accepted", lambda: recorded_pairs("sms_status_delivered"), 200, True),
    ("status Twilio never sends", lambda: with_("sms_status_delivered", MessageStatus="exploded"), 400, False),
    ("no To", lambda: with_("sms_status_delivered", To=None), 400, False),
    ("ErrorCode is words", lambda: with_("sms_status_failed_21610", ErrorCode="opted out"), 400, False),
    ("MessageStatus sent twice", lambda: twice("sms_status_delivered", "MessageStatus", "read"), 400, False),
]

VOICE = [
    ("a call comes in", "/voice/incoming", lambda: recorded_pairs("voice_incoming"), 200, True),
    ("no CallSid", "/voice/incoming", lambda: with_("voice_incoming", CallSid=None), 400, False),
    ("CallSid is not a call sid", "/voice/incoming", lambda: with_("voice_incoming", CallSid="SM" + "0" * 32),
     400, False),
    ("CallSid sent twice", "/voice/incoming", lambda: twice("voice_incoming", "CallSid", "CA" + "1" * 32), 400, False),
    ("CallStatus Twilio never sends", "/voice/incoming", lambda: with_("voice_incoming", CallStatus="exploded"),
     400, False),
    ("a key pressed", "/voice/language", lambda: recorded_pairs("voice_gather_digits"), 200, True),
    ("Digits are words", "/voice/language", lambda: with_("voice_gather_digits", Digits="one"), 400, False),
    ("Digits sent twice", "/voice/menu", lambda: twice("voice_gather_digits", "Digits", "2"), 400, False),
    ("RecordingUrl is not a url", "/voice/recorded", lambda: with_("voice_recorded", RecordingUrl="rm -rf"),
     400, False),
    ("RecordingDuration is words", "/voice/recorded", lambda: with_("voice_recorded", RecordingDuration="long"),
     400, False),
    ("DialCallStatus Twilio never sends", "/voice/cdc/after",
     lambda: with_("voice_gather_digits", DialCallStatus="maybe"), 400, False),
    ("AnsweredBy Twilio never sends", "/voice/tracing/answer?contact=1&attempt=1",
     lambda: with_("voice_status_ringing", AnsweredBy="robot"), 400, False),
]

STATUS = [
    ("ringing for a call we do not know", lambda: recorded_pairs("voice_status_ringing"), 204, False),
    ("completed for a call we do not know", lambda: recorded_pairs("voice_status_completed"), 204, False),
    ("no CallStatus", lambda: with_("voice_status_ringing", CallStatus=None), 400, False),
    ("CallStatus Twilio never sends", lambda: with_("voice_status_ringing", CallStatus="exploded"), 400, False),
    ("SequenceNumber is words", lambda: with_("voice_status_ringing", SequenceNumber="first"), 400, False),
    ("SequenceNumber is negative", lambda: with_("voice_status_ringing", SequenceNumber="-1"), 400, False),
    ("CallDuration is a float", lambda: with_("voice_status_completed", CallDuration="7.5"), 400, False),
    ("CallStatus sent twice", lambda: twice("voice_status_ringing", "CallStatus", "completed"), 400, False),
    ("no CallSid", lambda: with_("voice_status_ringing", CallSid=None), 400, False),
]


@pytest.mark.parametrize("case,build,status,queued", SMS, ids=[c[0] for c in SMS])
def test_sms_bad_input(hooks, case, build, status, queued):
    response = hooks.sms(build())
    assert (response.status_code, response.wrote) == (status, queued), response.get_data(as_text=True)


@pytest.mark.parametrize("case,build,status,queued", SMS_STATUS, ids=[c[0] for c in SMS_STATUS])
def test_sms_status_bad_input(hooks, case, build, status, queued):
    response = hooks.sms(build(), path="/webhooks/sms/status")
    assert (response.status_code, response.wrote) == (status, queued), response.get_data(as_text=True)


@pytest.mark.parametrize("case,path,build,status,queued", VOICE, ids=[c[0] for c in VOICE])
def test_voice_bad_input(hooks, case, path, build, status, queued):
    response = hooks.voice(path, build())
    assert (response.status_code, response.wrote) == (status, queued), response.get_data(as_text=True)
    if status == 400:
        assert response.get_data(as_text=True).startswith("bad request: ")


@pytest.mark.parametrize("case,build,status,queued", STATUS, ids=[c[0] for c in STATUS])
def test_call_status_bad_input(hooks, case, build, status, queued):
    response = hooks.voice("/voice/status?attempt=999999", build())
    assert (response.status_code, response.wrote) == (status, queued), response.get_data(as_text=True)


# (case, how to post) -> 403 for a bad signature, 413 for a body over MAX_BODY_BYTES; nothing written
REFUSED = [
    ("sms, bad signature", lambda h: h.sms(recorded_pairs("sms_inbound_text"), signed=False), 403),
    ("sms status, bad signature", lambda h: h.sms(recorded_pairs("sms_status_delivered"), "/webhooks/sms/status",
                                                   signed=False), 403),
    ("voice, bad signature", lambda h: h.voice("/voice/incoming", recorded_pairs("voice_incoming"), signed=False), 403),
    ("call status, bad signature", lambda h: h.voice("/voice/status", recorded_pairs("voice_status_ringing"),
                                                     signed=False), 403),
    ("sms, oversized", lambda h: h.sms(with_("sms_inbound_text", Body="a" * h.settings.max_body_bytes)), 413),
    ("voice, oversized", lambda h: h.voice("/voice/incoming", with_("voice_incoming",
                                                                    Caller="a" * h.settings.max_body_bytes)), 413),
]


@pytest.mark.parametrize("case,post,status", REFUSED, ids=[c[0] for c in REFUSED])
def test_signature_and_size_refusals(hooks, case, post, status):
    response = post(hooks)
    assert (response.status_code, response.wrote) == (status, False)


# Caller ids Twilio really sends besides E.164: withheld, unknown, a Twilio Client, a SIP address, none.
CALLERS = ["anonymous", "+266696687", "client:alice", "sip:alice@example.com", None, "84912345678"]


@pytest.mark.parametrize("caller", CALLERS, ids=[str(c) for c in CALLERS])
def test_odd_caller_ids_go_through_the_hotline(hooks, caller):
    sid = "CA" + format(CALLERS.index(caller), "032x")
    steps = [("/voice/incoming", None), ("/voice/language", "1"), ("/voice/menu", "3"), ("/voice/lookup", "9"),
             ("/voice/menu", "2")]
    for path, digits in steps:
        response = hooks.voice(path, with_("voice_incoming", CallSid=sid, From=caller, Caller=caller, Digits=digits))
        assert response.status_code == 200, (path, response.get_data(as_text=True))
        assert b"<Response>" in response.data
