"""What the hotline stores: a spoken report (core.models.Report, the recording as its media)."""
from __future__ import annotations

import secrets

from sqlalchemy.exc import IntegrityError

from core.db import session_scope
from core.models import Report


def new_reference() -> str:
    """A report reference a caller can hear and write down: PA- and six digits."""
    # Chat references are PA-<hex>; on the phone letters are hard to hear, so voice uses digits only.
    return f"PA-{secrets.randbelow(10 ** 6):06d}"


def save_voice_report(settings, call: dict, recording_url: str, duration: str | None) -> str:
    """Store the recording as a Report for staff; returns its reference."""
    from bot import identities

    seconds = int(duration) if (duration or "").isdigit() else None
    text = f"Voice message ({seconds} s) from the hotline" if seconds is not None else "Voice message from the hotline"
    for _attempt in range(5):
        try:
            with session_scope(settings.database_url) as db:
                citizen_id = None
                if call.get("caller"):
                    citizen_id = identities.ensure(db, "voice", call["caller"], language=call["lang"]).citizen_id
                reference = new_reference()
                db.add(Report(reference=reference, citizen_id=citizen_id, channel="voice",
                              category=call.get("category") or "other", text=text, media_url=recording_url))
            return reference
        except IntegrityError:
            continue  # the reference was taken (one in a million): draw another
    raise RuntimeError("no free report reference")


def speak_reference(reference: str) -> str:
    """A reference spelled out for text-to-speech ("P A 0 4 2 7 1 9")."""
    return " ".join(ch for ch in reference if ch.isalnum())
