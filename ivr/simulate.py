"""Call the hotline of a running Loa from a terminal: hear (as text) what it says, answer with keys.

    python -m ivr.simulate [--url http://127.0.0.1:8000] [--from +84912345678] [--lang vi|en]
                           [--keys 1,2,1957#] [--dial completed|no-answer|busy]

Each request is signed with TWILIO_AUTH_TOKEN like Twilio's, and the TwiML is walked by the sandbox's
walker (sandbox.twiml_walker), the same one the Twilio stand-in and the tests use. At a keypad prompt type
the keys and Enter (an empty line is silence, "q" hangs up); with --keys the call is scripted.
"""
from __future__ import annotations

import argparse
import secrets
import sys
from collections.abc import Callable, Iterable

from core.settings import Settings
from sandbox.twilio_common import send_webhook
from sandbox.twiml_walker import walk

DEFAULT_FROM = "+84912345678"


def call(base_url: str, inputs: Iterable | Callable = (), *, caller: str = DEFAULT_FROM, to: str | None = None,
         auth_token: str | None = None, dial_status: str | Callable = "completed",
         on_event: Callable | None = None, call_sid: str | None = None,
         stir_verstat: str | None = None) -> list[dict]:
    """Place one simulated inbound call to `base_url`/voice/incoming; returns the walker's transcript.

    `stir_verstat`: the carrier's caller-id attestation as Twilio passes it ("TN-Validation-Passed-A"); none by
    default, as on most Vietnamese carriers."""
    settings = Settings.from_env()
    token = auth_token or settings.twilio_auth_token
    params = {"CallSid": call_sid or "CA" + secrets.token_hex(16), "AccountSid": settings.twilio_account_sid,
              "From": caller, "To": to or settings.twilio_from_number, "Caller": caller,
              "Called": to or settings.twilio_from_number, "CallStatus": "ringing", "Direction": "inbound",
              "ApiVersion": "2010-04-01"}
    if stir_verstat:
        params["StirVerstat"] = stir_verstat

    def fetch(url: str, method: str, values: dict) -> tuple[int, str]:
        return send_webhook(token, url, values, method)

    return walk(fetch, base_url.rstrip("/") + "/voice/incoming", params, inputs, dial_status=dial_status,
                on_event=on_event)


def said(transcript: list[dict]) -> list[str]:
    """Everything the call said, in order."""
    return [event["text"] for event in transcript if event["verb"] == "say"]


def describe(event: dict) -> str | None:
    """One transcript event as a line for a person, or None for bookkeeping events."""
    verb = event["verb"]
    if verb == "say":
        return f"  [{(event.get('language') or '')[:2]}] {event['text']}"
    if verb == "gather" and event.get("digits"):
        return f"  > pressed {event['digits']}"
    if verb == "gather":
        return "  > (no key)"
    if verb == "record":
        return f"  (recording {event['duration']} s)"
    if verb == "dial":
        return f"  (dialling {', '.join(event['numbers'])}: {event['status']})"
    if verb == "hangup":
        return "  (Loa hung up)"
    if verb == "error":
        return f"  ERROR {event.get('code')}: {event.get('text')}"
    if verb == "end":
        return f"-- call ended: {event['reason']}"
    return None


def _interactive(lang: str | None):
    """An inputs() that answers the language prompt from --lang, then asks the person at the terminal."""
    state = {"first": True}

    def ask(event: dict):
        if state.pop("first", False) and lang:
            return "2" if lang == "en" else "1"
        hint = " (then #)" if event.get("finish_on_key") == "#" and not event.get("num_digits") else ""
        try:
            keys = input(f"keys{hint}> ").strip()
        except EOFError:
            return None
        return None if keys.lower() in ("q", "quit") else keys

    return ask


def main(argv: list[str] | None = None) -> int:
    """Run the simulator; returns the exit status."""
    settings = Settings.from_env()
    parser = argparse.ArgumentParser(prog="python -m ivr.simulate", description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=settings.public_url, help="Loa's base URL")
    parser.add_argument("--from", dest="caller", default=DEFAULT_FROM, help="the caller's number (E.164)")
    parser.add_argument("--lang", choices=("vi", "en"), help="answer the language prompt with this language")
    parser.add_argument("--keys", help="scripted keys, comma separated (empty = silence), instead of the terminal")
    parser.add_argument("--dial", default="no-answer", help="what happens when Loa dials the CDC")
    args = parser.parse_args(argv)
    if args.keys is not None:
        keys = args.keys.split(",")
        inputs = ([] if not args.lang else ["2" if args.lang == "en" else "1"]) + keys
    else:
        inputs = _interactive(args.lang)

    def show(event: dict) -> None:
        line = describe(event)
        if line and not (event["verb"] == "gather" and args.keys is None):
            print(line, flush=True)

    transcript = call(args.url, inputs, caller=args.caller, dial_status=args.dial, on_event=show)
    return 1 if any(event["verb"] == "error" for event in transcript) else 0


if __name__ == "__main__":
    sys.exit(main())
