"""Scripted call outcomes and the voice stand-in's knobs (CPS, concurrency, delay scale, hold).

`POST /_sandbox/twilio/script` takes any combination of:
    {"to": "+84912345678", "outcomes": [{"result": "busy"}, {"result": "human", "digits": ["1", "2"]}],
     "append": false,                       # false: replace that number's remaining outcomes; true: add to them
     "default": {"result": "human"},        # used when a number has no scripted outcome left
     "cps": 1, "max_concurrent": 5,         # calls started per second / calls active at once; the rest wait queued
     "delay_scale": 0.01,                   # real seconds per simulated second (ringing, speech, pauses)
     "hold": true}                          # answered calls stay in-progress after their TwiML until hold=false
An outcome: {"result": human|machine|busy|no-answer|failed, "digits": [...] (one per <Gather>: "12", "" for
silence, or {"speech": "...", "confidence": 0.9}), "hangup_after_digits": false (hang up instead of staying
silent once the digits run out), "answered_by": override AnsweredBy, "ring_s": simulated ring time,
"dial_status": DialCallStatus for <Dial> (default "completed"), "hold": keep this call in progress}.
"""
from __future__ import annotations

import copy
import threading
from collections import deque

from sandbox.twilio_common import normalize_phone

RESULTS = ("human", "machine", "busy", "no-answer", "failed")
DIAL_STATUSES = ("completed", "answered", "busy", "no-answer", "failed", "canceled")
# Fast and wide by default so tests need no set-up; a test about pacing sets cps/max_concurrent itself.
DEFAULTS = {"cps": 100.0, "max_concurrent": 1000, "delay_scale": 0.01, "hold": False}
DEFAULT_OUTCOME = {"result": "human", "digits": []}


def check_outcome(raw) -> dict:
    """A validated copy of one scripted outcome; ValueError says what is wrong."""
    if not isinstance(raw, dict):
        raise ValueError("an outcome must be an object")
    out = {"result": raw.get("result", "human"), "digits": raw.get("digits", [])}
    if out["result"] not in RESULTS:
        raise ValueError(f"result must be one of {', '.join(RESULTS)}")
    if not isinstance(out["digits"], list) or not all(isinstance(d, (str, int, dict)) for d in out["digits"]):
        raise ValueError("digits must be a list of strings (or {\"speech\": ...} objects)")
    out["digits"] = [d if isinstance(d, dict) else str(d) for d in out["digits"]]
    dial = raw.get("dial_status", "completed")
    if dial not in DIAL_STATUSES:
        raise ValueError(f"dial_status must be one of {', '.join(DIAL_STATUSES)}")
    out["dial_status"] = dial
    for key in ("hangup_after_digits", "hold"):
        out[key] = bool(raw.get(key, False))
    if raw.get("answered_by"):
        out["answered_by"] = str(raw["answered_by"])
    if raw.get("ring_s") is not None:
        out["ring_s"] = float(raw["ring_s"])
    return out


class Scripts:
    """Per-number queues of outcomes, the default outcome and the knobs; thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self.per_number: dict[str, deque] = {}
        self.default = dict(DEFAULT_OUTCOME)
        self.config = dict(DEFAULTS)

    def apply(self, body: dict) -> list[str]:
        """Apply a script request (see the module doc); returns the knobs that changed. ValueError if invalid."""
        if not isinstance(body, dict):
            raise ValueError("send a JSON object")
        changed = []
        knobs = {"cps": float, "max_concurrent": int, "delay_scale": float, "hold": bool}
        updates = {k: cast(body[k]) for k, cast in knobs.items() if k in body}
        if updates.get("cps", 1) <= 0 or updates.get("max_concurrent", 1) < 1 or updates.get("delay_scale", 0) < 0:
            raise ValueError("cps must be > 0, max_concurrent >= 1, delay_scale >= 0")
        default = check_outcome(body["default"]) if "default" in body else None
        queue = None
        if "outcomes" in body:
            to = normalize_phone(body.get("to"))
            if to is None:
                raise ValueError("outcomes need a valid E.164 'to'")
            if not isinstance(body["outcomes"], list):
                raise ValueError("outcomes must be a list")
            queue = (to, [check_outcome(o) for o in body["outcomes"]])
        with self._lock:
            self.config.update(updates)
            changed += list(updates)
            if default:
                self.default = default
            if queue:
                to, outcomes = queue
                existing = self.per_number.get(to) if body.get("append") else None
                self.per_number[to] = deque([*(existing or ()), *outcomes])
        return changed

    def next_outcome(self, to: str) -> dict:
        """The outcome of the next call to `to`: its next scripted entry, else the default."""
        with self._lock:
            queue = self.per_number.get(to)
            return copy.deepcopy(queue.popleft() if queue else self.default)

    def knob(self, name: str):
        """The current value of one knob (cps, max_concurrent, delay_scale, hold)."""
        with self._lock:
            return self.config[name]

    def snapshot(self) -> dict:
        """The whole script state, for GET /_sandbox/twilio/script."""
        with self._lock:
            return {**self.config, "default": copy.deepcopy(self.default),
                    "numbers": {to: list(q) for to, q in self.per_number.items()}}
