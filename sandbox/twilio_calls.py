"""The voice stand-in's state: call resources, the CPS/concurrency queue and the threads that run calls.

Calls created through the REST API wait `queued` until the dispatcher starts them: at most `cps` per second
(like an account's CPS limit: excess calls queue, they are not refused) and at most `max_concurrent` active.
Each started call runs in its own thread (`sandbox.twilio_call_run.run_call`).
"""
from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sandbox.twilio_common import API_VERSION, new_sid, normalize_phone, rfc2822
from sandbox.twilio_script import Scripts

TERMINAL = ("completed", "busy", "no-answer", "failed", "canceled")
EVENTS = ("initiated", "ringing", "answered", "completed")
JOIN_TIMEOUT_S = 5.0


class TwilioError(Exception):
    """A REST error to answer with: HTTP status, Twilio error code, message."""

    def __init__(self, status: int, code: int, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _seconds(name: str, raw, default: int, most: int) -> int:
    """A duration parameter in seconds (Timeout: default 60, at most 600; TimeLimit: 4 h, Twilio's limits)."""
    try:
        return min(most, max(1, int(raw or default)))
    except ValueError:
        raise TwilioError(400, 21216, f"{name} must be a number of seconds: {raw}") from None


def _date(when: datetime | None) -> str | None:
    return rfc2822(when) if when else None


@dataclass
class Call:
    """One call, outbound (REST API) or inbound (simulated caller)."""

    sid: str
    account_sid: str
    auth_token: str
    to: str
    from_: str
    direction: str
    url: str | None = None
    method: str = "POST"
    twiml: str | None = None
    status_callback: str | None = None
    status_callback_method: str = "POST"
    events: tuple = ("completed",)
    amd: str | None = None
    async_amd_callback: str | None = None
    timeout: int = 60
    time_limit: int = 14400
    outcome: dict = field(default_factory=dict)
    status: str = "queued"
    history: list = field(default_factory=list)
    answered_by: str | None = None
    transcript: list = field(default_factory=list)
    callbacks: list = field(default_factory=list)
    created: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    start_time: datetime | None = None
    end_time: datetime | None = None
    duration: int | None = None
    sim_seconds: float = 0.0
    seq: int = 0
    started: bool = False
    hangup: str | None = None  # set by an API update: the status to end with
    wake: threading.Event = field(default_factory=threading.Event)

    def resource(self) -> dict:
        """The REST representation (snake_case, as api.twilio.com returns it)."""
        uri = f"/{API_VERSION}/Accounts/{self.account_sid}/Calls/{self.sid}"
        return {"sid": self.sid, "account_sid": self.account_sid, "to": self.to, "to_formatted": self.to,
                "from": self.from_, "from_formatted": self.from_, "status": self.status,
                "direction": self.direction, "date_created": _date(self.created), "date_updated": rfc2822(),
                "start_time": _date(self.start_time), "end_time": _date(self.end_time),
                "duration": None if self.duration is None else str(self.duration), "price": None,
                "price_unit": "USD", "answered_by": self.answered_by, "api_version": API_VERSION,
                "annotation": None, "caller_name": None, "forwarded_from": None, "group_sid": None,
                "parent_call_sid": None, "phone_number_sid": None, "queue_time": "0", "trunk_sid": None,
                "uri": uri + ".json",
                "subresource_uris": {name: f"{uri}/{name.title().replace('_', '')}.json" for name in
                                     ("notifications", "recordings", "payments", "events", "siprec", "streams")}}

    def view(self) -> dict:
        """The sandbox's inspection view: the resource plus history, outcome, transcript and callbacks sent."""
        return {**self.resource(), "history": list(self.history), "outcome": dict(self.outcome),
                "transcript": list(self.transcript), "callbacks": list(self.callbacks), "url": self.url,
                "status_callback": self.status_callback, "events": list(self.events)}


class CallEngine:
    """All calls of one sandbox generation; `shutdown()` stops its threads (reset makes a new engine)."""

    def __init__(self):
        self.lock = threading.RLock()
        self.cond = threading.Condition(self.lock)
        self.calls: dict[str, Call] = {}
        self.queue: deque[Call] = deque()
        self.active = 0
        self.next_slot = 0.0
        self.stop = threading.Event()
        self.scripts = Scripts()
        self.threads: list[threading.Thread] = []
        self.dispatcher = threading.Thread(target=self._dispatch, name="twilio-dispatcher", daemon=True)
        self.dispatcher.start()

    def create(self, account_sid: str, auth_token: str, form) -> Call:
        """Validate a Calls.json POST and queue the call; raises TwilioError like Twilio would."""
        if not form.get("To"):
            raise TwilioError(400, 21201, "No 'To' number is specified")
        to = normalize_phone(form.get("To"))
        if to is None:
            raise TwilioError(400, 21211, f"Invalid 'To' Phone Number: {form.get('To')}")
        if not form.get("From"):
            raise TwilioError(400, 21213, "No 'From' number is specified")
        from_ = normalize_phone(form.get("From"))
        if from_ is None:
            raise TwilioError(400, 21212, f"Invalid 'From' Phone Number: {form.get('From')}")
        url, twiml = form.get("Url"), form.get("Twiml")
        if not url and not twiml and not form.get("ApplicationSid"):
            raise TwilioError(400, 21205, "Url parameter is required.")
        if url and not url.lower().startswith(("http://", "https://")):
            raise TwilioError(400, 21205, f"Url is not a valid URL: {url}")
        events = tuple(e for e in form.getlist("StatusCallbackEvent") if e in EVENTS) or ("completed",)
        call = Call(sid=new_sid("CA"), account_sid=account_sid, auth_token=auth_token, to=to, from_=from_,
                    direction="outbound-api", url=url, method=(form.get("Method") or "POST").upper(),
                    twiml=None if url else twiml, status_callback=form.get("StatusCallback"),
                    status_callback_method=(form.get("StatusCallbackMethod") or "POST").upper(), events=events,
                    amd=form.get("MachineDetection") or None,
                    async_amd_callback=(form.get("AsyncAmdStatusCallback")
                                        if str(form.get("AsyncAmd", "")).lower() == "true" else None),
                    timeout=_seconds("Timeout", form.get("Timeout"), 60, 600),
                    time_limit=_seconds("TimeLimit", form.get("TimeLimit"), 14400, 14400),
                    outcome=self.scripts.next_outcome(to))
        with self.cond:
            self.record(call, "queued")
            self.calls[call.sid] = call
            self.queue.append(call)
            self.cond.notify_all()
        return call

    def record(self, call: Call, status: str) -> None:
        """Note a status change; `initiated` is only a callback event, the resource stays `queued`."""
        with self.lock:
            call.history.append({"status": status, "at": datetime.now(timezone.utc).isoformat()})
            if status != "initiated":
                call.status = status

    def get(self, sid: str) -> Call:
        """The call with this sid, or TwilioError 20404."""
        with self.lock:
            call = self.calls.get(sid)
        if call is None:
            raise TwilioError(404, 20404, f"The requested resource /Calls/{sid}.json was not found")
        return call

    def hang_up(self, sid: str, status: str | None) -> Call:
        """Calls/{sid}.json update with Status=completed|canceled: end the call as Twilio would."""
        from sandbox.twilio_call_run import finish_unstarted

        call = self.get(sid)
        if status not in (None, "completed", "canceled"):
            raise TwilioError(400, 21218, f"Invalid Status: {status}. Use completed or canceled.")
        with self.cond:
            if call.status in TERMINAL or call.hangup:
                raise TwilioError(400, 21220, "Call is not in-progress. Cannot redirect.")
            if status is None or (status == "canceled" and call.status == "in-progress"):
                return call  # canceling an answered call has no effect
            if not call.started:
                self.queue.remove(call)
                call.hangup = "canceled"
                self.spawn(finish_unstarted, call)
                return call
            call.hangup = "completed" if call.status == "in-progress" else "canceled"
            call.wake.set()
        return call

    def listing(self, to: str | None = None) -> list[dict]:
        """Every call (oldest first), optionally only those to or from one number."""
        with self.lock:
            return [c.view() for c in self.calls.values() if not to or to in (c.to, c.from_)]

    def set_hold(self, hold: bool) -> None:
        """Wake every call so held ones notice the new hold flag; hold=false also releases per-outcome holds."""
        with self.lock:
            for call in self.calls.values():
                if not hold:
                    call.outcome["hold"] = False
                call.wake.set()
            self.cond.notify_all()

    def spawn(self, fn, call: Call) -> None:
        """Run fn(self, call) in a tracked thread."""
        thread = threading.Thread(target=fn, args=(self, call), name=f"twilio-{call.sid[:10]}", daemon=True)
        with self.lock:
            self.threads = [t for t in self.threads if t.is_alive()] + [thread]
        thread.start()

    def call_done(self, call: Call) -> None:
        """A call thread ended: free its concurrency slot."""
        with self.cond:
            self.active -= 1
            self.cond.notify_all()

    def _next_ready(self) -> tuple[Call | None, float]:
        """The next call allowed to start now, or how long to wait (caller holds the lock)."""
        if not self.queue or self.active >= self.scripts.knob("max_concurrent"):
            return None, 1.0
        now = time.monotonic()
        if now < self.next_slot:
            return None, self.next_slot - now
        self.next_slot = max(self.next_slot, now) + 1.0 / self.scripts.knob("cps")
        call = self.queue.popleft()
        call.started = True
        self.active += 1
        return call, 0.0

    def _dispatch(self) -> None:
        from sandbox.twilio_call_run import run_call

        while not self.stop.is_set():
            with self.cond:
                call, wait = self._next_ready()
                if call is None:
                    self.cond.wait(timeout=wait)
                    continue
            self.spawn(run_call, call)

    def shutdown(self) -> None:
        """Stop the dispatcher and every call thread (no more webhooks from this engine)."""
        self.stop.set()
        with self.cond:
            self.cond.notify_all()
            for call in self.calls.values():
                call.wake.set()
            threads = list(self.threads)
        deadline = time.monotonic() + JOIN_TIMEOUT_S
        for thread in [self.dispatcher, *threads]:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
