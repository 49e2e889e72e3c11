"""Carrier keywords on SMS: STOP and its synonyms opt a number out, START/UNSTOP/YES opt it back in.

Twilio acts on these itself (its own confirmation text, and error 21610 on any later send), so Loa
mirrors its list exactly and records the choice (ivr.models.OptOut, channel "sms") instead of replying.
Only a message that is the keyword alone counts, as on Twilio.
"""
from __future__ import annotations

from sqlalchemy import delete, select, update

from core.db import session_scope
from core.models import ChannelIdentity, utcnow
from ivr.models import OptOut
from ivr.store import add_opt_out

STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
START_WORDS = {"START", "UNSTOP", "YES"}
CHANNEL = "sms"


def _word(text: str | None) -> str:
    return (text or "").strip().upper()


def is_opted_out(session, phone: str) -> bool:
    """Whether `phone` has opted out of SMS."""
    return session.scalar(select(OptOut.id).where(OptOut.phone == phone, OptOut.channel == CHANNEL)) is not None


def keyword_action(settings, phone: str, text: str | None) -> str | None:
    """"stop", "start", or None when the message is for the engine.

    START/UNSTOP/YES only opt back in when the number is opted out: otherwise "yes" is an answer.
    """
    word = _word(text)
    if word in STOP_WORDS:
        return "stop"
    if word in START_WORDS:
        with session_scope(settings.database_url) as session:
            return "start" if is_opted_out(session, phone) else None
    return None


def opt_out(settings, phone: str, reason: str) -> None:
    """Record the opt-out and mark the SMS identity stopped, so no send is even attempted."""
    with session_scope(settings.database_url) as session:
        add_opt_out(session, phone, CHANNEL, f"sms keyword {_word(reason)}"[:100])
        session.execute(update(ChannelIdentity)
                        .where(ChannelIdentity.channel == CHANNEL, ChannelIdentity.external_id == phone)
                        .values(stopped_at=utcnow(), stopped_reason="opted out by SMS"))


def opt_in(settings, phone: str) -> None:
    """Forget the opt-out: the number may receive SMS again."""
    with session_scope(settings.database_url) as session:
        session.execute(delete(OptOut).where(OptOut.phone == phone, OptOut.channel == CHANNEL))
        session.execute(update(ChannelIdentity)
                        .where(ChannelIdentity.channel == CHANNEL, ChannelIdentity.external_id == phone)
                        .values(stopped_at=None, stopped_reason=None))
