"""The Twilio voice stand-in over real HTTP: the twilio library creates calls, a tiny app serves TwiML and
checks every webhook's signature; outcomes, callbacks (order, SequenceNumber), auth and errors."""
from __future__ import annotations

import threading
from datetime import datetime
from email.utils import parsedate_to_datetime

import httpx
import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client
from werkzeug.datastructures import MultiDict

from core.testing import wait_until
from sandbox.twilio_common import sign
from tests.sandbox.twilio_app import call_view, calls, hooks, script, tw, wait_final  # noqa: F401

TO = "+84912345678"
ALL_EVENTS = ["initiated", "ringing", "answered", "completed"]
HELLO = '<Response><Say language="vi-VN" voice="Google.vi-VN-Standard-A">Xin chào</Say></Response>'


def _create(tw, settings, hooks, to=TO, events=ALL_EVENTS, **kwargs):
    kwargs.setdefault("url", hooks.url("/answer"))
    return tw.calls.create(to=to, from_=settings.twilio_from_number, status_callback=hooks.url("/status"),
                           status_callback_event=events, **kwargs)


@pytest.mark.parametrize("url, params", [
    ("https://mycompany.com/myapp.php?foo=1&bar=2",
     {"CallSid": "CA1234567890ABCDE", "Digits": "1234", "From": "+14158675309", "To": "+18005551212",
      "Caller": "+14158675309"}),
    ("http://127.0.0.1:8000/voice/status?attempt=7", {"CallStatus": "in-progress", "Body": "Xin chào bạn"}),
    ("https://example.org/x", {"StatusCallbackEvent": ["ringing", "answered", "ringing"], "A": ""}),
    ("https://example.org/empty", {}),
])
def test_signer_agrees_with_twilio_validator(url, params):
    validator = RequestValidator("12345")
    signature = sign("12345", url, params)
    # The validator reads repeated keys from a MultiDict, as Flask hands it the form.
    assert signature == validator.compute_signature(url, MultiDict([(k, v) for k, vs in params.items()
                                                                    for v in (vs if isinstance(vs, list) else [vs])]))
    if url.startswith("https://mycompany.com"):
        assert signature == "RSOYDt4T1cUTdK1PDd93/VVr8B8="  # channels.md C.4 test vector


@pytest.mark.parametrize("sid, token", [
    ("AC00000000000000000000000000000000", "wrong-token"),
    ("ACffffffffffffffffffffffffffffffff", "sandbox-twilio-auth-token"),
    ("", ""),
])
def test_bad_credentials_give_401_20003(settings, sandbox_clean, sid, token):
    client = Client(sid or "x", token or "x")
    client.api.base_url = settings.twilio_api_base
    with pytest.raises(TwilioRestException) as info:
        client.calls.create(to=TO, from_=settings.twilio_from_number, url="http://127.0.0.1:1/x")
    assert (info.value.status, info.value.code) == (401, 20003)
    raw = httpx.post(f"{settings.twilio_api_base}/2010-04-01/Accounts/{settings.twilio_account_sid}/Calls.json")
    assert raw.status_code == 401
    assert {"code", "message", "more_info", "status"} <= set(raw.json())


@pytest.mark.parametrize("to, url, code", [
    ("12345", "http://127.0.0.1:1/x", 21211),
    ("0912345678", "http://127.0.0.1:1/x", 21211),
    ("+84", "http://127.0.0.1:1/x", 21211),
    ("not a number", "http://127.0.0.1:1/x", 21211),
    (TO, None, 21205),
])
def test_invalid_requests_give_twilio_errors(settings, sandbox_clean, tw, to, url, code):
    with pytest.raises(TwilioRestException) as info:
        tw.calls.create(to=to, from_=settings.twilio_from_number, url=url)
    assert (info.value.status, info.value.code) == (400, code)
    assert calls(sandbox_clean) == []


OUTCOMES = [
    # result, MachineDetection, callback statuses, final, AnsweredBy, TwiML fetched
    ("human", "Enable", ["initiated", "ringing", "in-progress", "completed"], "completed", "human", True),
    ("human", None, ["initiated", "ringing", "in-progress", "completed"], "completed", None, True),
    ("machine", "Enable", ["initiated", "ringing", "in-progress", "completed"], "completed", "machine_start", True),
    ("machine", "DetectMessageEnd", ["initiated", "ringing", "in-progress", "completed"], "completed",
     "machine_end_beep", True),
    ("busy", "Enable", ["initiated", "ringing", "busy"], "busy", None, False),
    ("no-answer", None, ["initiated", "ringing", "no-answer"], "no-answer", None, False),
    ("failed", None, ["initiated", "failed"], "failed", None, False),
]


@pytest.mark.parametrize("result, amd, statuses, final, answered_by, fetched", OUTCOMES)
def test_scripted_outcomes_and_status_callbacks(settings, sandbox_clean, tw, hooks, result, amd, statuses, final,
                                                answered_by, fetched):
    hooks.docs["/answer"] = HELLO
    script(sandbox_clean, to=TO, outcomes=[{"result": result}])
    extra = {"machine_detection": amd} if amd else {}
    call = _create(tw, settings, hooks, **extra)
    assert call.status == "queued" and call.sid.startswith("CA") and len(call.sid) == 34
    view = wait_final(sandbox_clean, call.sid)
    assert view["status"] == final == tw.calls(call.sid).fetch().status
    received = hooks.at("/status")
    assert [h["form"]["CallStatus"] for h in received] == statuses
    assert [h["form"]["SequenceNumber"] for h in received] == [str(i) for i in range(len(statuses))]
    for hit in received:
        assert hit["valid"], hit
        assert hit["form"]["CallbackSource"] == "call-progress-events"
        assert hit["form"]["CallSid"] == call.sid and hit["form"]["Direction"] == "outbound-api"
        assert parsedate_to_datetime(hit["form"]["Timestamp"]).tzinfo is not None
    assert "CallDuration" in received[-1]["form"]
    assert (int(received[-1]["form"]["CallDuration"]) > 0) == (final == "completed")
    assert received[-1]["form"].get("AnsweredBy") == answered_by
    answers = hooks.at("/answer")
    assert len(answers) == (1 if fetched else 0)
    if fetched:
        form = answers[0]["form"]
        assert answers[0]["valid"]
        assert (form["CallStatus"], form["Direction"], form["To"], form["ApiVersion"]) == \
            ("in-progress", "outbound-api", TO, "2010-04-01")
        assert form.get("AnsweredBy") == answered_by
        says = [e for e in view["transcript"] if e["verb"] == "say"]
        assert says == [{"verb": "say", "text": "Xin chào", "language": "vi-VN", "voice": "Google.vi-VN-Standard-A",
                         "loop": 1, "doc": hooks.url("/answer")}]
    assert view["answered_by"] == answered_by


def test_successive_calls_to_a_number_follow_the_script_then_the_default(settings, sandbox_clean, tw, hooks):
    hooks.docs["/answer"] = HELLO
    script(sandbox_clean, to=TO, outcomes=[{"result": "busy"}, {"result": "no-answer"}])
    script(sandbox_clean, to=TO, outcomes=[{"result": "failed"}], append=True)
    script(sandbox_clean, default={"result": "machine"})
    finals = []
    for _ in range(4):
        call = _create(tw, settings, hooks, machine_detection="Enable")
        view = wait_final(sandbox_clean, call.sid)
        finals.append((view["status"], view["answered_by"]))
    assert finals == [("busy", None), ("no-answer", None), ("failed", None), ("completed", "machine_start")]


@pytest.mark.parametrize("events, expected", [
    (None, ["completed"]),
    (["answered"], ["in-progress"]),
    (["ringing", "completed"], ["ringing", "completed"]),
])
def test_only_requested_events_are_sent(settings, sandbox_clean, tw, hooks, events, expected):
    hooks.docs["/answer"] = HELLO
    call = _create(tw, settings, hooks, events=events)
    wait_until(lambda: len(hooks.at("/status")) == len(expected) and call_view(sandbox_clean, call.sid)["status"]
               == "completed")
    assert [h["form"]["CallStatus"] for h in hooks.at("/status")] == expected
    assert [h["form"]["SequenceNumber"] for h in hooks.at("/status")] == [str(i) for i in range(len(expected))]


def test_api_hang_up_ends_a_held_call_and_hold_false_releases_the_rest(settings, sandbox_clean, tw, hooks):
    hooks.docs["/answer"] = HELLO
    script(sandbox_clean, hold=True)
    first, second = _create(tw, settings, hooks), _create(tw, settings, hooks, to="+84912345679")
    for sid in (first.sid, second.sid):
        wait_until(lambda sid=sid: call_view(sandbox_clean, sid)["transcript"][-1:] == [{"verb": "end",
                                                                                        "reason": "end_of_document"}])
    assert tw.calls(first.sid).fetch().status == "in-progress"
    assert tw.calls(first.sid).update(status="completed").sid == first.sid
    assert wait_final(sandbox_clean, first.sid)["status"] == "completed"
    assert call_view(sandbox_clean, second.sid)["status"] == "in-progress"
    script(sandbox_clean, hold=False)
    assert wait_final(sandbox_clean, second.sid)["status"] == "completed"
    with pytest.raises(TwilioRestException) as info:
        tw.calls(first.sid).update(status="completed")
    assert info.value.code == 21220


def test_calls_wait_queued_for_concurrency_and_can_be_canceled(settings, sandbox_clean, tw, hooks):
    hooks.docs["/answer"] = HELLO
    script(sandbox_clean, max_concurrent=1, hold=True)
    held, waiting, last = (_create(tw, settings, hooks, to=f"+8491234567{i}") for i in range(3))
    wait_until(lambda: call_view(sandbox_clean, held.sid)["status"] == "in-progress")
    # One call may be active, and it is held: the others must still be queued.
    assert [tw.calls(c.sid).fetch().status for c in (waiting, last)] == ["queued", "queued"]
    assert tw.calls(waiting.sid).update(status="canceled").status in ("queued", "canceled")
    assert wait_final(sandbox_clean, waiting.sid)["status"] == "canceled"
    assert [h["form"]["CallStatus"] for h in hooks.at("/status") if h["form"]["CallSid"] == waiting.sid] == \
        ["canceled"]
    script(sandbox_clean, hold=False)
    assert wait_final(sandbox_clean, last.sid)["status"] == "completed"


def test_calls_start_at_the_configured_cps(settings, sandbox_clean, tw, hooks):
    hooks.docs["/answer"] = HELLO
    script(sandbox_clean, cps=4)
    created = [_create(tw, settings, hooks, to=f"+8490000000{i}") for i in range(4)]
    assert all(c.status == "queued" for c in created)
    views = [wait_final(sandbox_clean, c.sid) for c in created]
    initiated = sorted(datetime.fromisoformat(next(h["at"] for h in v["history"] if h["status"] == "initiated"))
                       for v in views)
    gaps = [(b - a).total_seconds() for a, b in zip(initiated, initiated[1:])]
    assert min(gaps) >= 0.2  # the dispatcher spaces starts 1/cps = 0.25 s apart (0.05 s for clock slop)


def test_reset_stops_call_threads_and_forgets_calls(settings, sandbox_clean, tw, hooks):
    hooks.docs["/answer"] = HELLO
    script(sandbox_clean, hold=True, to=TO, outcomes=[{"result": "busy"}])
    call = _create(tw, settings, hooks, to="+84911111111")
    wait_until(lambda: call_view(sandbox_clean, call.sid)["status"] == "in-progress")
    httpx.post(f"{sandbox_clean.url}/_sandbox/reset", timeout=10).raise_for_status()
    assert calls(sandbox_clean) == []
    assert not [t for t in threading.enumerate() if t.name == f"twilio-{call.sid[:10]}" and t.is_alive()]
    snapshot = script(sandbox_clean)
    assert (snapshot["hold"], snapshot["numbers"]) == (False, {})


def test_inline_twiml_and_fetch_errors(settings, sandbox_clean, tw, hooks):
    inline = tw.calls.create(to=TO, from_=settings.twilio_from_number, twiml="<Response><Say>Chào</Say></Response>")
    hooks.docs["/broken"] = ("oops", 500)
    broken = _create(tw, settings, hooks, url=hooks.url("/broken"))
    assert [e["verb"] for e in wait_final(sandbox_clean, inline.sid)["transcript"]] == ["fetch", "say", "end"]
    view = wait_final(sandbox_clean, broken.sid)
    assert [(e["verb"], e.get("code")) for e in view["transcript"]] == [("fetch", None), ("error", 11200),
                                                                        ("end", None)]
    assert view["status"] == "completed"


def test_time_limit_ends_a_long_call(settings, sandbox_clean, tw, hooks):
    hooks.docs["/answer"] = "<Response><Say>" + "Thông báo rất dài. " * 20 + "</Say><Pause length='60'/></Response>"
    call = _create(tw, settings, hooks, time_limit=10)
    view = wait_final(sandbox_clean, call.sid)
    assert view["transcript"][-1] == {"verb": "end", "reason": "time_limit"}
    assert [e["verb"] for e in view["transcript"]] == ["fetch", "say", "end"]
    assert view["status"] == "completed" and int(hooks.at("/status")[-1]["form"]["CallDuration"]) >= 10
