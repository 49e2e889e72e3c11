"""The SMS stand-in: Messages.json sends with ordered status callbacks, scripted delivery failures,
and inbound SMS with Twilio's default opt-out keywords (after STOP, sends to that number fail with 21610).

`POST /_sandbox/twilio/sms_script`:
    {"to": "+84912345678", "outcomes": [{"status": "undelivered", "error_code": 30003}], "append": false,
     "default": {"status": "delivered"}}
one outcome per successive message to that number: delivered (sent, delivered), undelivered (sent,
undelivered + ErrorCode, default 30003) or failed (failed + ErrorCode, default 30008).
Also in the same request: "per_second": N (Messages.json answers 429 / 20429 beyond N a second; null lifts
it) and "fail_next": {"count": 1, "status": 503, "code": 20500, "delay_s": 0} (the next sends fail, or only
answer late with delay_s alone).
"""
from __future__ import annotations

import copy
import heapq
import itertools
import math
import threading
import time
import xml.etree.ElementTree as ET
from collections import deque
from datetime import datetime, timezone

from sandbox.faults import Window
from sandbox.twilio_calls import TwilioError
from sandbox.twilio_common import API_VERSION, new_sid, normalize_phone, rfc2822, send_webhook

OPT_OUT = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
OPT_IN = {"START", "YES", "UNSTOP"}
HELP = {"HELP", "INFO"}
AUTO_REPLIES = {  # Twilio's default replies to the keywords
    "STOP": "You have successfully been unsubscribed. You will not receive any more messages from this number. "
            "Reply START to resubscribe.",
    "START": "You have successfully been re-subscribed to messages from this number. Reply HELP for help. "
             "Reply STOP to unsubscribe. Msg&Data Rates May Apply.",
    "HELP": "Reply STOP to unsubscribe. Msg&Data Rates May Apply.",
}
STEPS = {"delivered": ("sent", "delivered"), "undelivered": ("sent", "undelivered"), "failed": ("failed",)}
DEFAULT_ERRORS = {"undelivered": 30003, "failed": 30008}
STEP_S = 1.0  # simulated seconds between a message's statuses


def segments(body: str) -> int:
    """How many SMS parts a body takes: GSM-7 160/153 characters, else (Vietnamese diacritics) UCS-2 70/67."""
    single, part = (160, 153) if all(ord(c) < 128 for c in body) else (70, 67)
    return 1 if len(body) <= single else math.ceil(len(body) / part)


def check_outcome(raw) -> dict:
    """A validated SMS outcome; ValueError says what is wrong."""
    if not isinstance(raw, dict) or raw.get("status", "delivered") not in STEPS:
        raise ValueError(f"an SMS outcome is {{\"status\": {'|'.join(STEPS)}, \"error_code\": int}}")
    status = raw.get("status", "delivered")
    return {"status": status, "error_code": int(raw["error_code"]) if raw.get("error_code") else
            DEFAULT_ERRORS.get(status)}


class SmsEngine:
    """Messages, opt-outs and the scheduler thread that sends status callbacks, per sandbox generation."""

    def __init__(self, delay_scale):
        self.delay_scale = delay_scale  # callable: the voice knob, shared so one setting speeds both up
        self.lock = threading.Condition()
        self.messages: dict[str, dict] = {}
        self.opted_out: set[tuple[str, str]] = set()  # (person's number, our number)
        self.scripts: dict[str, deque] = {}
        self.default = {"status": "delivered", "error_code": None}
        self.due: list = []
        self.per_second: int | None = None
        self.window = Window(0, 1.0)
        self.failures: list[dict] = []
        self.tick = itertools.count()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="twilio-sms", daemon=True)
        self.thread.start()

    def apply_script(self, body: dict) -> None:
        """Apply an sms_script request (see the module doc); ValueError if invalid."""
        default = check_outcome(body["default"]) if "default" in body else None
        if "per_second" in body:
            with self.lock:
                self.per_second = int(body["per_second"]) if body["per_second"] else None
                self.window = Window(self.per_second or 0, 1.0)
        if "fail_next" in body:
            rule = dict(body["fail_next"])
            rule["count"] = int(rule.get("count", 1))
            with self.lock:
                self.failures.append(rule)
        outcomes = None
        if "outcomes" in body:
            to = normalize_phone(body.get("to"))
            if to is None or not isinstance(body["outcomes"], list):
                raise ValueError("outcomes need a valid E.164 'to' and a list")
            outcomes = (to, [check_outcome(o) for o in body["outcomes"]])
        with self.lock:
            self.default = default or self.default
            if outcomes:
                to, items = outcomes
                self.scripts[to] = deque([*(self.scripts.get(to, ()) if body.get("append") else ()), *items])

    def send(self, account_sid: str, auth_token: str, form) -> dict:
        """Validate a Messages.json POST, store the message and schedule its callbacks; raises TwilioError."""
        self._gate()
        if not form.get("To"):
            raise TwilioError(400, 21604, "A 'To' phone number is required.")
        to = normalize_phone(form.get("To"))
        if to is None:
            raise TwilioError(400, 21211, f"The 'To' number {form.get('To')} is not a valid phone number.")
        from_ = normalize_phone(form.get("From"))
        if from_ is None and not form.get("MessagingServiceSid"):
            raise TwilioError(400, 21603, "A 'From' phone number is required.")
        body = form.get("Body") or ""
        if not body and not form.get("MediaUrl"):
            raise TwilioError(400, 21602, "Message body is required.")
        if len(body) > 1600:
            raise TwilioError(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
        with self.lock:
            if (to, from_) in self.opted_out:
                raise TwilioError(400, 21610, "Attempt to send to unsubscribed recipient")
            queue = self.scripts.get(to)
            outcome = copy.deepcopy(queue.popleft() if queue else self.default)
            msg = self._store(account_sid, auth_token, to, from_, body, "outbound-api",
                              "queued" if from_ else "accepted", form.get("StatusCallback"), outcome)
            msg["messaging_service_sid"] = form.get("MessagingServiceSid")
            self._schedule(msg["sid"], 0)
            return self.resource(msg)

    def _gate(self) -> None:
        """Injected failures and the account's sending rate, before anything else is looked at."""
        with self.lock:
            rule = self.failures[0] if self.failures else None
            if rule is not None:
                rule["count"] -= 1
                if rule["count"] <= 0:
                    self.failures.pop(0)
            limited = False
            if rule is None or not rule.get("status"):
                now = time.monotonic()
                limited = self.window.wait(now) > 0
                if not limited:
                    self.window.charge(now)
        if rule is not None and rule.get("delay_s"):
            time.sleep(float(rule["delay_s"]))
        if rule is not None and rule.get("status"):
            status = int(rule["status"])
            raise TwilioError(status, int(rule.get("code") or (20429 if status == 429 else 20500)),
                              rule.get("message") or f"sandbox: injected HTTP {status}")
        if limited:
            raise TwilioError(429, 20429, "Too Many Requests")

    def _store(self, account_sid, auth_token, to, from_, body, direction, status, callback=None,
               outcome=None) -> dict:
        now = datetime.now(timezone.utc)
        msg = {"sid": new_sid("SM"), "account_sid": account_sid, "auth_token": auth_token, "to": to, "from": from_,
               "body": body,
               "direction": direction, "status": status, "error_code": None, "num_segments": str(segments(body)),
               "date_created": now, "status_callback": callback, "outcome": outcome, "callbacks": [],
               "history": [{"status": status, "at": now.isoformat()}], "messaging_service_sid": None}
        self.messages[msg["sid"]] = msg
        return msg

    def resource(self, msg: dict) -> dict:
        """The REST representation of a message."""
        uri = f"/{API_VERSION}/Accounts/{msg['account_sid']}/Messages/{msg['sid']}"
        return {"sid": msg["sid"], "account_sid": msg["account_sid"], "api_version": API_VERSION,
                "body": msg["body"], "date_created": rfc2822(msg["date_created"]), "date_sent": None,
                "date_updated": rfc2822(), "direction": msg["direction"], "error_code": msg["error_code"],
                "error_message": None, "from": msg["from"], "messaging_service_sid": msg["messaging_service_sid"],
                "num_media": "0", "num_segments": msg["num_segments"], "price": None, "price_unit": "USD",
                "status": msg["status"], "to": msg["to"], "uri": uri + ".json",
                "subresource_uris": {"media": uri + "/Media.json", "feedback": uri + "/Feedback.json"}}

    def get(self, sid: str) -> dict:
        """One message's resource, or TwilioError 20404."""
        with self.lock:
            msg = self.messages.get(sid)
            if msg is None:
                raise TwilioError(404, 20404, f"The requested resource /Messages/{sid}.json was not found")
            return self.resource(msg)

    def listing(self, to: str | None = None, direction: str | None = None) -> list[dict]:
        """Every message (oldest first) with its history and callbacks, optionally filtered."""
        with self.lock:
            return [{**self.resource(m), "history": list(m["history"]), "callbacks": list(m["callbacks"]),
                     "status_callback": m["status_callback"], **({"auto_reply": True} if m.get("auto_reply") else {})}
                    for m in self.messages.values()
                    if (not to or to in (m["to"], m["from"])) and (not direction or m["direction"] == direction)]

    def _schedule(self, sid: str, step: int) -> None:
        heapq.heappush(self.due, (time.monotonic() + STEP_S * self.delay_scale(), next(self.tick), sid, step))
        self.lock.notify_all()

    def _run(self) -> None:
        """Scheduler: one thread, so each message's callbacks go out in order."""
        while not self.stop.is_set():
            with self.lock:
                if not self.due or self.due[0][0] > time.monotonic():
                    self.lock.wait(timeout=self.due[0][0] - time.monotonic() if self.due else 1.0)
                    continue
                _, _, sid, step = heapq.heappop(self.due)
                msg = self.messages[sid]
                statuses = STEPS[msg["outcome"]["status"]]
                status = statuses[step]
                msg["status"] = status
                msg["history"].append({"status": status, "at": datetime.now(timezone.utc).isoformat()})
                if status in DEFAULT_ERRORS:
                    msg["error_code"] = msg["outcome"]["error_code"]
                if step + 1 < len(statuses):
                    self._schedule(sid, step + 1)
            self._callback(msg, status)

    def _callback(self, msg: dict, status: str) -> None:
        if not msg["status_callback"] or self.stop.is_set():
            return
        params = {"AccountSid": msg["account_sid"], "ApiVersion": API_VERSION, "From": msg["from"] or "",
                  "MessageSid": msg["sid"], "MessageStatus": status, "SmsSid": msg["sid"], "SmsStatus": status,
                  "To": msg["to"]}
        if status in DEFAULT_ERRORS:
            params["ErrorCode"] = str(msg["error_code"])
        entry = {"status": status}
        try:
            entry["http_status"] = send_webhook(msg["auth_token"], msg["status_callback"], params)[0]
        except Exception as exc:  # noqa: BLE001 - a dead callback URL is recorded, not fatal
            entry["error"] = f"{type(exc).__name__}: {exc}"
        msg["callbacks"].append(entry)

    def receive(self, account_sid: str, auth_token: str, body: dict, our_number: str, url: str) -> dict:
        """A person texts our number: apply opt-out keywords, forward the SMS signed, keep TwiML <Message> replies."""
        from_ = normalize_phone(body.get("from"))
        if from_ is None:
            raise ValueError("'from' must be an E.164 number")
        to = normalize_phone(body.get("to")) or our_number
        text = str(body.get("body", ""))
        word = text.strip().upper()  # only a single keyword, any case, triggers the opt-out handling
        kind = "STOP" if word in OPT_OUT else "START" if word in OPT_IN else "HELP" if word in HELP else None
        with self.lock:
            if kind == "STOP":
                self.opted_out.add((from_, to))
            elif kind == "START":
                self.opted_out.discard((from_, to))
            msg = self._store(account_sid, auth_token, to, from_, text, "inbound", "received")
            if kind:
                self._store(account_sid, auth_token, from_, to, AUTO_REPLIES[kind], "outbound-reply",
                            "delivered")["auto_reply"] = True
        params = {"AccountSid": account_sid, "ApiVersion": API_VERSION, "Body": text, "From": from_,
                  "MessageSid": msg["sid"], "NumMedia": "0", "NumSegments": msg["num_segments"],
                  "SmsMessageSid": msg["sid"], "SmsSid": msg["sid"], "SmsStatus": "received", "To": to}
        if kind:
            params["OptOutType"] = kind
        status, answer = send_webhook(auth_token, url, params)
        replies = []
        if 200 <= status < 300 and answer.strip().startswith("<"):
            try:
                replies = ["".join(m.itertext()).strip() for m in ET.fromstring(answer.encode()).iter("Message")]
            except ET.ParseError:
                replies = []
        with self.lock:
            # Twilio drops replies to a number that has just opted out.
            sent = [self._store(account_sid, auth_token, from_, to, r, "outbound-reply", "delivered")["sid"]
                    for r in replies if (from_, to) not in self.opted_out]
        return {"sid": msg["sid"], "opt_out_type": kind, "webhook": {"url": url, "http_status": status},
                "replies": replies, "reply_sids": sent}

    def shutdown(self) -> None:
        """Stop the scheduler thread."""
        self.stop.set()
        with self.lock:
            self.lock.notify_all()
        self.thread.join(timeout=5.0)
