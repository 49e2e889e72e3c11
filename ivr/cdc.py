"""Reaching a person at the provincial CDC from the hotline: who is on duty now, the <Dial>, and when
nobody can answer, a voicemail and a callback task for staff.

CDC_NUMBERS entries are a number, or a number with its own hours ("+842373000115@07:00-12:00");
a number without hours is on duty during CDC_HOURS.
"""
from __future__ import annotations

from datetime import time

from twilio.twiml.voice_response import VoiceResponse

from bot.alerts import raise_alert
from core import clock
from core.db import session_scope
from core.i18n import translator
from core.models import Alert
from core.redis_conn import get_redis
from ivr import twiml
from ivr.window import parse_window

DIAL_TIMEOUT_S = 25
VOICEMAIL_MAX_S = 120


def _open(window: str, now: time) -> bool:
    start, end = parse_window(window)
    # A night shift ("21:00-07:00") wraps past midnight.
    return start <= now < end if start <= end else (now >= start or now < end)


def on_duty(settings) -> list[str]:
    """The CDC numbers to ring right now (empty outside every configured window)."""
    now = clock.local_now(settings).time()
    numbers = []
    for entry in settings.cdc_numbers:
        number, _, window = entry.partition("@")
        if number.strip() and _open(window.strip() or settings.cdc_hours, now):
            numbers.append(number.strip())
    return numbers


def dial(settings, call: dict, action_url: str, lead_in: str) -> VoiceResponse | None:
    """'Connecting you' and a <Dial> ringing every on-duty number at once; None when nobody is on duty."""
    numbers = on_duty(settings)
    if not numbers:
        return None
    response = VoiceResponse()
    twiml.say(response, lead_in, call["lang"])
    # Forwarding an inbound call may show the caller's own number, so the CDC can call them back.
    dialing = response.dial(action=action_url, method="POST", timeout=DIAL_TIMEOUT_S,
                            caller_id=call.get("caller") or settings.twilio_from_number)
    for number in numbers:
        dialing.number(number)
    return response


def callback_task(settings, call: dict, reason: str) -> int:
    """A callback task for staff (Alert kind "callback"); returns its id for the voicemail to attach to."""
    from bot import identities

    with session_scope(settings.database_url) as db:
        citizen_id = None
        if call.get("caller"):
            citizen_id = identities.ensure(db, "voice", call["caller"], language=call["lang"]).citizen_id
        alert = raise_alert(db, get_redis(settings), "callback", "normal",
                            f"hotline caller asks the CDC to call back ({reason})", citizen_id=citizen_id,
                            details={"phone": call.get("caller"), "reason": reason, "language": call["lang"],
                                     "call_sid": call["sid"], "channel": "voice"})
        return alert.id


def attach_voicemail(settings, alert_id: int, recording_url: str, duration: str | None) -> None:
    """Put the voicemail's recording on its callback task."""
    with session_scope(settings.database_url) as db:
        alert = db.get(Alert, alert_id)
        if alert is not None:
            alert.details = {**(alert.details or {}), "recording_url": recording_url,
                             "recording_duration_s": int(duration) if (duration or "").isdigit() else None}


def voicemail(call: dict, action_url: str, closed: bool) -> VoiceResponse:
    """The voicemail prompt and a <Record>; silence falls through to the action with noinput=1."""
    _ = translator(call["lang"])
    response = VoiceResponse()
    if closed:
        twiml.say(response, _("The CDC line is closed now."), call["lang"])
    else:
        twiml.say(response, _("Nobody could answer right now."), call["lang"])
    if not call.get("caller"):
        twiml.say(response, _("We cannot see your phone number, so please say it in your message."), call["lang"])
    twiml.say(response, _("Please leave a message after the beep: say your name and what you need. The CDC will call you back. In an emergency, call 115."),
              call["lang"])
    response.record(action=action_url, method="POST", max_length=VOICEMAIL_MAX_S, timeout=5,
                    finish_on_key="#", play_beep=True)
    response.redirect(twiml.twiml_url(action_url, noinput=1), method="POST")
    return response
