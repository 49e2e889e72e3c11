"""Walk a TwiML voice conversation the way Twilio would, with no web framework: fetch a document,
perform its verbs in order, follow <Gather>/<Record>/<Dial> actions and <Redirect>s, and keep a transcript.

The sandbox's Twilio stand-in, Loa's terminal simulator (`python -m ivr.simulate`) and the IVR tests share it.

    walk(fetch, first_url, params, inputs=(), *, method="POST", dial_status="completed",
         on_event=None, max_steps=200, record_seconds=3) -> list[dict]

- `fetch(url, method, params) -> (status, xml_text)`: performs one webhook request (the caller signs it);
  it may raise, which counts as Twilio's error 11200 (HTTP retrieval failure).
- `params`: the call's parameters sent on every request (CallSid, AccountSid, From, To, CallStatus, Direction,
  ApiVersion, AnsweredBy...). As on Twilio, an inbound call's first request says CallStatus=ringing and the
  later ones in-progress.
- `inputs`: what the caller does at each <Gather>, either a sequence (consumed in order; when exhausted the
  caller stays silent) or a callable `inputs(gather_event) -> str | dict | None` (interactive use). A str is
  keypad digits ("" = timeout, "12#" ends with the finish key); with speech allowed, a str with other characters
  is speech; a dict {"speech": "...", "confidence": 0.9} is speech; None means the caller hangs up.
- `dial_status`: the DialCallStatus of every <Dial>, or a callable `dial_status(dial_event) -> str`.
- `on_event(event)`: called as each event happens (a terminal prints it; the sandbox spends simulated time);
  it may raise `CallEnded(reason)` to end the call from outside (an API hang-up).

Returns the transcript: dicts with "verb" (fetch, say, play, pause, gather, record, dial, redirect, hangup,
reject, error, or the unsupported verb's name) and its details, "doc" (the document URL it came from);
the last event is always {"verb": "end", "reason": end_of_document|hangup|reject|caller_hangup|error|max_steps|...}.
"""
from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from urllib.parse import urljoin

PROMPTS = ("Say", "Play", "Pause")
SAY_CHARS_PER_S = 12.0  # a rough speaking rate, for estimated_seconds()


class CallEnded(Exception):
    """Raised (by on_event or inputs) to end the call; `reason` lands in the final "end" event."""

    def __init__(self, reason: str = "caller_hangup"):
        super().__init__(reason)
        self.reason = reason


def estimated_seconds(event: dict) -> float:
    """How long an event would take on a real call (speech, pauses, typing, ringing a dialled number)."""
    verb = event.get("verb")
    if verb == "say":
        return max(1.0, len(event.get("text", "")) / SAY_CHARS_PER_S) * max(1, event.get("loop", 1))
    if verb == "play":
        return 3.0 * max(1, event.get("loop", 1))
    if verb == "pause":
        return float(event.get("length", 1))
    if verb == "gather":
        if event.get("digits") or event.get("speech"):
            return 1.0 + 0.5 * len(event.get("digits") or "")
        return float(event.get("timeout", 5))
    if verb == "record":
        return float(event.get("duration", 0))
    if verb == "dial":
        return float(event.get("duration", 0)) + 5.0
    return 0.0


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _inputs_fn(inputs) -> Callable[[dict], object]:
    if callable(inputs):
        return inputs
    queue = iter(list(inputs or ()))
    return lambda _event: next(queue, "")


def _clean_digits(raw: str, num_digits: int | None, finish_on_key: str) -> tuple[str, str | None]:
    """The Digits Twilio reports for keys pressed: stop at the finish key (not reported) or at numDigits."""
    digits = ""
    for key in raw:
        if finish_on_key and key in finish_on_key:
            return digits, key
        digits += key
        if num_digits and len(digits) >= num_digits:
            break
    return digits, None


class _Walk:
    """One walk's state: the transcript and the helpers the verb handlers share."""

    def __init__(self, fetch, params, inputs, dial_status, on_event, max_steps, record_seconds):
        self.fetch, self.params = fetch, dict(params)
        self.ask = _inputs_fn(inputs)
        self.dial_status = dial_status
        self.on_event, self.max_steps, self.record_seconds = on_event, max_steps, record_seconds
        self.transcript: list[dict] = []
        self.steps = 0

    def emit(self, event: dict) -> dict:
        self.transcript.append(event)
        self.steps += 1
        if self.on_event:
            self.on_event(event)
        if self.steps > self.max_steps:
            raise CallEnded("max_steps")
        return event

    def load(self, url: str, method: str, extra: dict) -> ET.Element | None:
        """Fetch and parse one document; None (after an error event) when Twilio would give up."""
        params = {**self.params, **extra}
        try:
            status, text = self.fetch(url, method, params)
        except CallEnded:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure to fetch is Twilio's 11200
            self.emit({"verb": "fetch", "url": url, "method": method, "status": None})
            self.emit({"verb": "error", "code": 11200, "url": url, "text": f"{type(exc).__name__}: {exc}"})
            return None
        self.emit({"verb": "fetch", "url": url, "method": method, "status": status})
        if self.params.get("CallStatus") == "ringing":
            self.params["CallStatus"] = "in-progress"  # the call is answered once the first TwiML arrives
        if not 200 <= status < 300:
            self.emit({"verb": "error", "code": 11200, "url": url, "text": f"HTTP {status}"})
            return None
        try:
            root = ET.fromstring(text.strip().encode("utf-8"))
        except ET.ParseError as exc:
            self.emit({"verb": "error", "code": 12100, "url": url, "text": f"document parse failure: {exc}"})
            return None
        if root.tag != "Response":
            self.emit({"verb": "error", "code": 12100, "url": url, "text": f"root is <{root.tag}>, not <Response>"})
            return None
        return root


def _prompt(walk: _Walk, el: ET.Element, doc: str, in_gather: bool = False) -> None:
    a = el.attrib
    extra = {"in_gather": True} if in_gather else {}
    if el.tag == "Say":
        walk.emit({"verb": "say", "text": " ".join("".join(el.itertext()).split()), "voice": a.get("voice"),
                   "language": a.get("language"), "loop": _int(a.get("loop"), 1), "doc": doc, **extra})
    elif el.tag == "Play":
        walk.emit({"verb": "play", "url": urljoin(doc, (el.text or "").strip()), "digits": a.get("digits"),
                   "loop": _int(a.get("loop"), 1), "doc": doc, **extra})
    elif el.tag == "Pause":
        walk.emit({"verb": "pause", "length": _int(a.get("length"), 1), "doc": doc, **extra})


def _gather(walk: _Walk, el: ET.Element, doc: str):
    """Play the nested prompts, take the caller's input; a jump to the action, or None to fall through."""
    a = el.attrib
    for child in el:
        if child.tag in PROMPTS:
            _prompt(walk, child, doc, in_gather=True)
    kinds = a.get("input", "dtmf").split()
    event = {"verb": "gather", "input": " ".join(kinds), "action": urljoin(doc, a.get("action") or doc),
             "method": a.get("method", "POST").upper(), "timeout": _int(a.get("timeout"), 5),
             "num_digits": _int(a.get("numDigits"), 0) or None, "finish_on_key": a.get("finishOnKey", "#"),
             "language": a.get("language"), "doc": doc, "digits": ""}
    answer = walk.ask(dict(event))
    if answer is None:
        raise CallEnded("caller_hangup")
    if not isinstance(answer, dict):
        answer = str(answer)
    extra: dict = {}
    if isinstance(answer, dict) or ("speech" in kinds and ("dtmf" not in kinds or answer.strip("0123456789*#"))):
        speech = answer.get("speech", "") if isinstance(answer, dict) else answer
        if "speech" in kinds and speech:
            confidence = str(answer.get("confidence", 0.9) if isinstance(answer, dict) else 0.9)
            event.update(speech=speech, confidence=confidence)
            extra = {"SpeechResult": speech, "Confidence": confidence}
    elif "dtmf" in kinds:
        digits, finished = _clean_digits(answer, event["num_digits"], event["finish_on_key"])
        event["digits"] = digits
        if digits:
            extra = {"Digits": digits, **({"FinishedOnKey": finished} if finished else {})}
    walk.emit(event)
    if extra:
        return event["action"], event["method"], extra
    if a.get("actionOnEmptyResult", "false").lower() == "true":
        return event["action"], event["method"], {"Digits": ""} if "dtmf" in kinds else {}
    return None


def _record(walk: _Walk, el: ET.Element, doc: str):
    a = el.attrib
    sid = "RE" + secrets.token_hex(16)
    account = walk.params.get("AccountSid", "AC")
    duration = min(walk.record_seconds, _int(a.get("maxLength"), 3600))
    event = walk.emit({"verb": "record", "action": urljoin(doc, a.get("action") or doc), "duration": duration,
                       "method": a.get("method", "POST").upper(), "recording_sid": sid, "doc": doc,
                       "recording_url": f"https://api.twilio.com/2010-04-01/Accounts/{account}/Recordings/{sid}"})
    return event["action"], event["method"], {"RecordingUrl": event["recording_url"],
                                              "RecordingDuration": str(duration), "RecordingSid": sid}


def _dial(walk: _Walk, el: ET.Element, doc: str):
    a = el.attrib
    numbers = [(c.text or "").strip() for c in el if c.tag in ("Number", "Client", "Sip", "Conference", "Queue")]
    if not numbers and (el.text or "").strip():
        numbers = [el.text.strip()]
    event = {"verb": "dial", "numbers": numbers, "caller_id": a.get("callerId"), "doc": doc,
             "action": urljoin(doc, a["action"]) if a.get("action") else None,
             "method": a.get("method", "POST").upper(), "timeout": _int(a.get("timeout"), 30)}
    status = walk.dial_status(dict(event)) if callable(walk.dial_status) else walk.dial_status
    event.update(status=status, duration=20 if status == "completed" else 0)
    walk.emit(event)
    if not event["action"]:
        return None  # without an action Twilio goes on with the next verb
    return event["action"], event["method"], {"DialCallStatus": status, "DialCallSid": "CA" + secrets.token_hex(16),
                                              "DialCallDuration": str(event["duration"])}


def _document(walk: _Walk, root: ET.Element, doc: str):
    """Perform one document's verbs; a jump (url, method, extra params) or an end reason (str)."""
    for el in root:
        if el.tag in PROMPTS:
            _prompt(walk, el, doc)
            continue
        if el.tag == "Redirect":
            target = urljoin(doc, (el.text or "").strip())
            walk.emit({"verb": "redirect", "url": target, "method": el.get("method", "POST").upper(), "doc": doc})
            return target, el.get("method", "POST").upper(), {}
        if el.tag == "Hangup":
            walk.emit({"verb": "hangup", "doc": doc})
            return "hangup"
        if el.tag == "Reject":
            walk.emit({"verb": "reject", "reason": el.get("reason", "rejected"), "doc": doc})
            return "reject"
        handler = {"Gather": _gather, "Record": _record, "Dial": _dial}.get(el.tag)
        if handler is None:
            walk.emit({"verb": el.tag.lower(), "unsupported": True, "doc": doc})
            continue
        jump = handler(walk, el, doc)
        if jump:
            return jump
    return "end_of_document"  # Twilio hangs up when the document runs out


def walk(fetch, first_url: str, params: dict, inputs: Iterable | Callable = (), *, method: str = "POST",
         dial_status: str | Callable = "completed", on_event: Callable | None = None, max_steps: int = 200,
         record_seconds: int = 3) -> list[dict]:
    """Walk the call's TwiML from `first_url` as Twilio would; returns the transcript (see the module doc)."""
    w = _Walk(fetch, params, inputs, dial_status, on_event, max_steps, record_seconds)
    url, verb_method, extra = first_url, method.upper(), {}
    try:
        while True:
            root = w.load(url, verb_method, extra)
            if root is None:
                reason = "error"
                break
            result = _document(w, root, url)
            if isinstance(result, str):
                reason = result
                break
            url, verb_method, extra = result
    except CallEnded as ended:
        reason = ended.reason
    end = {"verb": "end", "reason": reason}
    w.transcript.append(end)
    if on_event:
        try:
            on_event(end)
        except CallEnded:
            pass
    return w.transcript
