"""The TwiML walker, through real calls (a tiny app serves the IVR, every request's signature is checked)
and directly (sandbox.twiml_walker.walk with a dict of documents, as the terminal simulator uses it)."""
from __future__ import annotations

import httpx
import pytest

from sandbox.twiml_walker import CallEnded, estimated_seconds, walk
from tests.sandbox.twilio_app import hooks, script, tw, wait_final  # noqa: F401

TO = "+84987654321"


def R(body: str) -> str:  # noqa: N802 - reads like the TwiML it wraps
    return f'<?xml version="1.0" encoding="UTF-8"?><Response>{body}</Response>'


MENU = R('<Gather numDigits="1" action="menu" timeout="3"><Say language="vi-VN">Bấm 1</Say></Gather>'
         '<Say>Không nhận được</Say>')
SCENARIOS = [
    # id, documents by path, outcome, transcript verbs (fetch events left out), {path: expected form subset}, end
    ("digits-to-relative-action", {"/ivr/answer": MENU, "/ivr/menu": R("<Say>OK</Say><Hangup/>")},
     {"digits": ["1"]}, ["say", "gather", "say", "hangup"], {"/ivr/menu": {"Digits": "1"}}, "hangup"),
    ("silence-falls-through", {"/ivr/answer": MENU}, {"digits": [""]}, ["say", "gather", "say"], {},
     "end_of_document"),
    ("action-on-empty-result", {"/ivr/answer": R('<Gather actionOnEmptyResult="true" action="/ivr/menu"/>'),
                                "/ivr/menu": R("<Hangup/>")},
     {"digits": []}, ["gather", "hangup"], {"/ivr/menu": {"Digits": ""}}, "hangup"),
    ("finish-on-key", {"/ivr/answer": R('<Gather finishOnKey="#" action="/ivr/id"><Say>Số?</Say></Gather>'),
                       "/ivr/id": R("")},
     {"digits": ["0123#9"]}, ["say", "gather"], {"/ivr/id": {"Digits": "0123", "FinishedOnKey": "#"}},
     "end_of_document"),
    ("two-menus", {"/ivr/answer": R('<Gather numDigits="1" action="/ivr/a"/>'),
                   "/ivr/a": R('<Gather numDigits="1" action="/ivr/b"/>'), "/ivr/b": R("<Say>Xong</Say>")},
     {"digits": ["2", "1"]}, ["gather", "gather", "say"], {"/ivr/a": {"Digits": "2"}, "/ivr/b": {"Digits": "1"}},
     "end_of_document"),
    ("redirect-get", {"/ivr/answer": R('<Redirect method="GET">/ivr/next?x=1</Redirect>'),
                      "/ivr/next": R("<Reject/>")},
     {}, ["redirect", "reject"], {"/ivr/next": {}}, "reject"),
    ("record", {"/ivr/answer": R('<Say>Nói sau tiếng bíp</Say><Record maxLength="30" action="/ivr/rec"/>'),
                "/ivr/rec": R("<Hangup/>")},
     {}, ["say", "record", "hangup"], {"/ivr/rec": {"RecordingDuration": "3"}}, "hangup"),
    ("dial-with-action", {"/ivr/answer": R('<Dial action="/ivr/after" callerId="+842373600115">'
                                           '<Number>+842373000115</Number></Dial>'), "/ivr/after": R("")},
     {"dial_status": "busy"}, ["dial"], {"/ivr/after": {"DialCallStatus": "busy"}}, "end_of_document"),
    ("dial-without-action-goes-on", {"/ivr/answer": R("<Dial>+842373000115</Dial><Say>Sau</Say>")},
     {}, ["dial", "say"], {}, "end_of_document"),
    ("play-and-pause", {"/ivr/answer": R('<Play loop="2">/audio/a.mp3</Play><Pause length="2"/>')},
     {}, ["play", "pause"], {}, "end_of_document"),
    ("speech", {"/ivr/answer": R('<Gather input="speech dtmf" language="vi-VN" action="/ivr/s"/>'),
                "/ivr/s": R("")},
     {"digits": [{"speech": "ho khan", "confidence": 0.8}]}, ["gather"],
     {"/ivr/s": {"SpeechResult": "ho khan", "Confidence": "0.8"}}, "end_of_document"),
    ("hang-up-when-digits-run-out", {"/ivr/answer": R('<Gather numDigits="1" action="/ivr/answer"/>')},
     {"digits": ["1"], "hangup_after_digits": True}, ["gather"], {"/ivr/answer": {"Digits": "1"}}, "caller_hangup"),
    ("loop-guard", {"/ivr/answer": R("<Redirect>/ivr/answer</Redirect>")}, {}, None, {}, "max_steps"),
]


@pytest.mark.parametrize("docs, outcome, verbs, posted, end", [s[1:] for s in SCENARIOS],
                         ids=[s[0] for s in SCENARIOS])
def test_walker_over_a_real_call(settings, sandbox_clean, tw, hooks, docs, outcome, verbs, posted, end):
    hooks.docs.update(docs)
    script(sandbox_clean, to=TO, outcomes=[{"result": "human", **outcome}])
    call = tw.calls.create(to=TO, from_=settings.twilio_from_number, url=hooks.url("/ivr/answer"))
    view = wait_final(sandbox_clean, call.sid)
    transcript = view["transcript"]
    assert transcript[-1] == {"verb": "end", "reason": end}
    if verbs is not None:
        assert [e["verb"] for e in transcript if e["verb"] not in ("fetch", "end")] == verbs
    for path, subset in posted.items():
        hit = hooks.at(path)[-1]
        assert {k: (hit["form"] or hit["args"]).get(k) for k in subset} == subset
        assert (hit["form"] or hit["args"])["CallSid"] == call.sid
    assert hooks.all() and all(h["valid"] for h in hooks.all())
    fetched = [e["url"] for e in transcript if e["verb"] == "fetch"]
    assert all(url.startswith(hooks.url("/ivr/")) for url in fetched)


def test_incoming_call_is_walked_at_once_and_signed(settings, sandbox_clean, hooks):
    hooks.docs.update({"/voice/incoming": R('<Gather numDigits="1" action="/voice/menu"><Say>Chào</Say></Gather>'),
                       "/voice/menu": R("<Say>Cảm ơn</Say>")})
    view = httpx.post(f"{sandbox_clean.url}/_sandbox/twilio/incoming_call", timeout=20,
                      json={"from": "+84911222333", "digits": ["3"], "url": hooks.url("/voice/incoming")}).json()
    assert (view["direction"], view["status"], view["to"]) == ("inbound", "completed", settings.twilio_from_number)
    assert [s["status"] for s in view["history"]] == ["ringing", "in-progress", "completed"]
    first, menu = hooks.at("/voice/incoming")[0], hooks.at("/voice/menu")[0]
    assert (first["form"]["CallStatus"], first["form"]["Direction"]) == ("ringing", "inbound")
    assert (menu["form"]["CallStatus"], menu["form"]["Digits"]) == ("in-progress", "3")
    assert first["valid"] and menu["valid"]
    assert [e.get("text") for e in view["transcript"] if e["verb"] == "say"] == ["Chào", "Cảm ơn"]


@pytest.mark.parametrize("reason, status", [("busy", "busy"), ("rejected", "no-answer")])
def test_incoming_reject_never_answers(sandbox_clean, hooks, reason, status):
    hooks.docs["/voice/incoming"] = R(f'<Reject reason="{reason}"/>')
    view = httpx.post(f"{sandbox_clean.url}/_sandbox/twilio/incoming_call", timeout=20,
                      json={"from": "+84911222333", "url": hooks.url("/voice/incoming")}).json()
    assert (view["status"], view["duration"]) == (status, "0")


def _docs_fetch(docs: dict, seen: list):
    def fetch(url, method, params):
        seen.append((url, method, dict(params)))
        return docs[url] if isinstance(docs[url], tuple) else (200, docs[url])
    return fetch


@pytest.mark.parametrize("doc, verbs, end", [
    ("<Response><Say>a</Say>", ["fetch", "error"], "error"),
    ("<Twiml><Say>a</Say></Twiml>", ["fetch", "error"], "error"),
    ((404, "not found"), ["fetch", "error"], "error"),
    (R("<Say>a</Say><Connect/><Say>b</Say>"), ["fetch", "say", "connect", "say"], "end_of_document"),
])
def test_walk_directly_handles_bad_documents(doc, verbs, end):
    seen: list = []
    transcript = walk(_docs_fetch({"http://x/a": doc}, seen), "http://x/a", {"CallSid": "CA1"})
    assert [e["verb"] for e in transcript[:-1]] == verbs and transcript[-1]["reason"] == end


def test_walk_interactive_inputs_and_outside_hang_up():
    docs = {"http://x/a": R('<Gather numDigits="2" action="b"><Say>Hai số</Say></Gather>'),
            "http://x/b": R('<Gather action="b"/>')}
    asked, heard = [], []
    answers = iter(["42", None])
    transcript = walk(_docs_fetch(docs, []), "http://x/a", {"CallSid": "CA1"},
                      inputs=lambda event: asked.append(event["action"]) or next(answers),
                      on_event=heard.append)
    assert asked == ["http://x/b", "http://x/b"]
    assert transcript[-1] == {"verb": "end", "reason": "caller_hangup"} and heard == transcript

    def hang_up(event):
        if event["verb"] == "say":
            raise CallEnded("api_hangup")
    assert walk(_docs_fetch(docs, []), "http://x/a", {}, on_event=hang_up)[-1]["reason"] == "api_hangup"
    assert estimated_seconds({"verb": "gather", "digits": "", "timeout": 5}) == 5.0
