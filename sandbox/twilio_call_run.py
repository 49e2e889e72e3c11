"""One call's life: initiated → ringing → answered (TwiML fetched and walked) or busy/no-answer/failed,
with the status callbacks Twilio sends, in order; and simulated inbound calls to Loa's hotline."""
from __future__ import annotations

import logging
import math
import time
from collections import deque
from datetime import datetime, timezone

from sandbox.twiml_walker import CallEnded, estimated_seconds, walk
from sandbox.twilio_calls import Call, CallEngine
from sandbox.twilio_common import API_VERSION, new_sid, normalize_phone, rfc2822, send_webhook

log = logging.getLogger(__name__)
INLINE = "twiml:inline"  # the "URL" of a call created with Twiml= instead of Url=
RING_S = {"human": 4.0, "machine": 5.0, "busy": 2.0}
SIP_CODES = {"completed": "200", "busy": "486", "no-answer": "487", "canceled": "487", "failed": "500"}


class _Stopped(Exception):
    """The sandbox was reset: end silently, no more webhooks."""


def _pause(engine: CallEngine, call: Call, seconds: float) -> None:
    """Let `seconds` of simulated time pass (scaled), unless the sandbox resets or the API hangs the call up."""
    deadline = time.monotonic() + seconds * engine.scripts.knob("delay_scale")
    while True:
        if engine.stop.is_set():
            raise _Stopped()
        if call.hangup:
            raise CallEnded("api_hangup")
        left = deadline - time.monotonic()
        if left <= 0:
            return
        call.wake.wait(left)
        call.wake.clear()


def base_params(call: Call) -> dict:
    """The parameters of every voice webhook for this call."""
    params = {"AccountSid": call.account_sid, "ApiVersion": API_VERSION, "CallSid": call.sid,
              "CallStatus": call.status, "Called": call.to, "Caller": call.from_, "Direction": call.direction,
              "From": call.from_, "To": call.to}
    if call.amd and call.answered_by and not call.async_amd_callback:
        params["AnsweredBy"] = call.answered_by
    return params


def _callback(engine: CallEngine, call: Call, event: str, status: str, extra: dict | None = None) -> None:
    """Send the status callback for `event` if the call asked for it; SequenceNumber counts those sent."""
    if engine.stop.is_set():
        raise _Stopped()
    if not call.status_callback or event not in call.events:
        return
    params = {**base_params(call), "CallStatus": status, "CallbackSource": "call-progress-events",
              "SequenceNumber": str(call.seq), "Timestamp": rfc2822(), **(extra or {})}
    call.seq += 1
    entry = {"event": event, "status": status, "sequence": params["SequenceNumber"], "url": call.status_callback}
    try:
        entry["http_status"] = send_webhook(call.auth_token, call.status_callback, params,
                                            call.status_callback_method)[0]
    except Exception as exc:  # noqa: BLE001 - a dead callback URL must not stop the call
        entry["error"] = f"{type(exc).__name__}: {exc}"
    call.callbacks.append(entry)


def _finish(engine: CallEngine, call: Call, status: str) -> None:
    """Settle the call and send the `completed` event (Twilio sends it for every terminal status)."""
    answered = call.start_time is not None and status == "completed"
    call.duration = max(1, math.ceil(call.sim_seconds)) if answered else 0
    call.end_time = datetime.now(timezone.utc)
    engine.record(call, status)
    _callback(engine, call, "completed", status,
              {"CallDuration": str(call.duration), "Duration": str(math.ceil(call.duration / 60)),
               "SipResponseCode": SIP_CODES.get(status, "200")})


def finish_unstarted(engine: CallEngine, call: Call) -> None:
    """A queued call canceled before it started: only the final callback."""
    try:
        _finish(engine, call, "canceled")
    except _Stopped:
        pass


def _answered_by(call: Call) -> str | None:
    outcome = call.outcome
    if outcome.get("answered_by"):
        return outcome["answered_by"]
    if not call.amd:
        return None
    if outcome["result"] == "human":
        return "human"
    # Enable stops at the greeting's start; DetectMessageEnd waits for the beep.
    return "machine_end_beep" if call.amd == "DetectMessageEnd" else "machine_start"


def _inputs(outcome: dict):
    queue = deque(outcome.get("digits") or ())
    silent = None if outcome.get("hangup_after_digits") else ""
    return lambda _event: queue.popleft() if queue else silent


def _fetcher(engine: CallEngine, call: Call):
    def fetch(url: str, method: str, params: dict) -> tuple[int, str]:
        if engine.stop.is_set():
            raise CallEnded("sandbox_reset")
        if url == INLINE:
            return 200, call.twiml or ""
        return send_webhook(call.auth_token, url, params, method)
    return fetch


def _converse(engine: CallEngine, call: Call) -> None:
    """The answered part: walk the TwiML, spending simulated time per event, then hold if asked."""
    def on_event(event: dict) -> None:
        call.transcript.append(event)
        seconds = estimated_seconds(event)
        call.sim_seconds += seconds
        _pause(engine, call, seconds)
        if call.sim_seconds >= call.time_limit:
            raise CallEnded("time_limit")  # Twilio ends a call at its TimeLimit

    if call.async_amd_callback and call.answered_by:
        send_webhook(call.auth_token, call.async_amd_callback,
                     {"AccountSid": call.account_sid, "CallSid": call.sid, "AnsweredBy": call.answered_by,
                      "MachineDetectionDuration": "2500"})
    call.transcript = walk(_fetcher(engine, call), call.url or INLINE, base_params(call), _inputs(call.outcome),
                           method=call.method, dial_status=call.outcome.get("dial_status", "completed"),
                           on_event=on_event)
    while (call.outcome.get("hold") or engine.scripts.knob("hold")) and not call.hangup:
        if engine.stop.is_set():
            raise _Stopped()
        call.wake.wait(1.0)  # set when the hold flag changes or the API hangs up
        call.wake.clear()


def _lifecycle(engine: CallEngine, call: Call) -> None:
    outcome, result = call.outcome, call.outcome["result"]
    try:
        engine.record(call, "initiated")
        _callback(engine, call, "initiated", "initiated")
        _pause(engine, call, 0.5)
        if result == "failed":
            return _finish(engine, call, "failed")
        engine.record(call, "ringing")
        _callback(engine, call, "ringing", "ringing")
        ring = outcome.get("ring_s", RING_S.get(result, call.timeout))
        _pause(engine, call, min(ring, call.timeout))
        if result in ("busy", "no-answer") or ring > call.timeout:
            return _finish(engine, call, "busy" if result == "busy" else "no-answer")
    except CallEnded:
        return _finish(engine, call, "canceled")
    call.answered_by = _answered_by(call)
    call.start_time = datetime.now(timezone.utc)
    engine.record(call, "in-progress")
    _callback(engine, call, "answered", "in-progress")
    try:
        _converse(engine, call)
    except CallEnded:
        pass
    if engine.stop.is_set():
        raise _Stopped()
    _finish(engine, call, "completed")


def run_call(engine: CallEngine, call: Call) -> None:
    """Thread body for one outbound call."""
    try:
        _lifecycle(engine, call)
    except _Stopped:
        pass
    except Exception:  # noqa: BLE001 - a broken call must not take the dispatcher down
        log.exception("sandbox call %s crashed", call.sid)
    finally:
        engine.call_done(call)


def incoming(engine: CallEngine, account_sid: str, auth_token: str, body: dict, default_to: str,
             default_url: str) -> Call:
    """Simulate a person calling: walk the TwiML at once (no delays) and return the finished call."""
    from_ = normalize_phone(body.get("from"))
    if from_ is None:
        raise ValueError("'from' must be an E.164 number")
    outcome = {"result": "human", "digits": [d if isinstance(d, dict) else str(d) for d in body.get("digits", [])],
               "hangup_after_digits": bool(body.get("hangup_after_digits")),
               "dial_status": body.get("dial_status", "completed")}
    call = Call(sid=new_sid("CA"), account_sid=account_sid, auth_token=auth_token, direction="inbound",
                to=normalize_phone(body.get("to")) or default_to, from_=from_, url=body.get("url") or default_url,
                method=(body.get("method") or "POST").upper(), outcome=outcome, started=True)
    with engine.lock:
        engine.calls[call.sid] = call
    engine.record(call, "ringing")

    def on_event(event: dict) -> None:
        call.transcript.append(event)
        call.sim_seconds += estimated_seconds(event)
        if event["verb"] == "fetch" and event["status"] and 200 <= event["status"] < 300 and not call.start_time:
            call.start_time = datetime.now(timezone.utc)
            engine.record(call, "in-progress")

    params = base_params(call)
    if body.get("stir_verstat"):  # the carrier's caller-id attestation (SHAKEN), as Twilio passes it on
        params["StirVerstat"] = str(body["stir_verstat"])
    call.transcript = walk(_fetcher(engine, call), call.url, params, _inputs(outcome),
                           method=call.method, dial_status=outcome["dial_status"], on_event=on_event)
    first = next((e for e in call.transcript if e["verb"] not in ("fetch",)), {})
    status = "completed"
    if first.get("verb") == "reject":
        # A <Reject> before anything else never answers: busy or no-answer, by its reason.
        status, call.start_time = ("busy" if first.get("reason") == "busy" else "no-answer"), None
    call.duration = max(1, math.ceil(call.sim_seconds)) if call.start_time else 0
    call.end_time = datetime.now(timezone.utc)
    engine.record(call, status)
    return call
