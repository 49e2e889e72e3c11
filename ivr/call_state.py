"""Where a hotline call is: language, caller, the menu it is in and the keypad plan, in Redis by CallSid.

One JSON value per call under `loa:voice:{CallSid}`; it may be lost (the caller hears the main menu
again), so nothing durable lives here.
"""
from __future__ import annotations

import json

import phonenumbers

KEY = "loa:voice:{sid}"
TTL_S = 2 * 3600  # longer than any call; Twilio's own limit is 4 hours, ours ends with the TTL refresh


def key(call_sid: str) -> str:
    """The Redis key of one call's state."""
    return KEY.format(sid=call_sid)


def load(client, call_sid: str) -> dict | None:
    """The call's stored state, or None for an unknown (or expired) call."""
    raw = client.get(key(call_sid))
    return json.loads(raw) if raw else None


def save(client, call_sid: str, state: dict) -> None:
    """Store the call's state (and push its expiry back)."""
    client.set(key(call_sid), json.dumps(state, ensure_ascii=False), ex=TTL_S)


def caller_e164(raw: str | None) -> str | None:
    """The caller's number in E.164, or None when it is withheld or not a real number."""
    if not raw or not raw.strip().startswith("+"):
        return None  # "anonymous", "restricted", client:... identities
    try:
        number = phonenumbers.parse(raw.strip(), None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# Twilio's StirVerstat when the carrier fully vouches that the caller owns the number it shows (SHAKEN level A).
FULL_ATTESTATION = "TN-Validation-Passed-A"


def new_call(call_sid: str, from_number: str | None, stir_verstat: str | None = None) -> dict:
    """The state of a call that just arrived: no language chosen yet; `attested` when the caller id is vouched."""
    caller = caller_e164(from_number)
    return {"sid": call_sid, "caller": caller, "user_id": caller or f"call:{call_sid}", "lang": "vi",
            "at": "language", "plan": None, "failures": 0, "attested": stir_verstat == FULL_ATTESTATION}
