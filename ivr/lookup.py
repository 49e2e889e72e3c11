"""Answers about Loa's own calls, for the hotline and the chat: did we call this number, when and why,
and is a number really ours. Never anything about the confirmed case (F0)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from bot.phones import InvalidPhone, to_e164
from core.clock import as_utc
from core.settings import Settings
from ivr.models import CallAttempt, TracingContact

PLACED = ("queued", "initiated", "ringing", "in-progress", "completed", "busy", "no-answer", "failed", "canceled")


@dataclass(frozen=True)
class PlacedCall:
    """One call Loa placed: when, why (F1, F2 or returnee), and how it ended."""

    when: datetime
    classification: str
    purpose: str  # tracing | followup
    answered: bool
    outcome: str | None


def calls_to(settings: Settings, session, phone: str | None, limit: int = 10) -> list[PlacedCall]:
    """The calls placed to `phone`, newest first (empty when the number is unknown or invalid)."""
    try:
        e164 = to_e164(phone or "")
    except InvalidPhone:
        return []
    rows = session.execute(
        select(CallAttempt.started_at, TracingContact.classification, CallAttempt.purpose,
               CallAttempt.answered_by, CallAttempt.outcome, CallAttempt.status)
        .join(TracingContact, TracingContact.id == CallAttempt.contact_id)
        .where(CallAttempt.to_phone == e164, CallAttempt.status.in_(PLACED))
        .order_by(CallAttempt.started_at.desc(), CallAttempt.id.desc()).limit(limit)
    ).all()
    return [PlacedCall(as_utc(at), cls, purpose, bool(answered_by) or status == "in-progress", outcome)
            for at, cls, purpose, answered_by, outcome, status in rows]


def _national_digits(number: str) -> str:
    digits = re.sub(r"\D", "", number or "")
    return "0" + digits[2:] if digits.startswith("84") and len(digits) > 9 else digits


def caller_numbers(settings: Settings) -> list[str]:
    """The numbers Loa's calls come from (shown to citizens as the only genuine ones)."""
    return [settings.twilio_from_number]


def is_our_number(settings: Settings, number: str | None) -> bool:
    """True when `number` (any spelling: +84..., 84..., 0..., with spaces) is Loa's caller id or hotline."""
    wanted = _national_digits(number or "")
    if len(wanted) < 4:
        return False
    ours = {_national_digits(n) for n in [*caller_numbers(settings), settings.hotline_number]}
    return wanted in ours
