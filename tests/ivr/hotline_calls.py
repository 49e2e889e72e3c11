"""Helpers for the hotline tests: place a simulated call over real HTTP and read what it said."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from ivr.simulate import call, said

CALLER = "+84912345678"
LANG_KEY = {"vi": "1", "en": "2"}
HANG_UP = None  # as an input: the caller hangs up at that prompt
# A declaration by keypad with no symptoms: consent, year, confirm, the commune said aloud and confirmed,
# 7 symptoms "no", contact, area, doses 2, chronic; then no other household member.
COMMUNE = ["Hạc Thành", "1"]
LOW_RISK = ["1", "1957#", "1", *COMMUNE, *["2"] * 7, "2", "2", "2", "2", "2"]


def place(web, lang: str | None, keys: list, caller: str = CALLER, dial_status="completed",
          stir_verstat: str | None = None) -> list[dict]:
    """A call that picks `lang` (None: stays silent at the language prompt) then presses `keys`."""
    first = [LANG_KEY[lang]] if lang else [""]
    return call(web.url, [*first, *keys], caller=caller, dial_status=dial_status, stir_verstat=stir_verstat)


def spoken(transcript: list[dict]) -> str:
    """Everything said, one sentence per line (easy to search and to read in a failure)."""
    return "\n".join(said(transcript))


def events(transcript: list[dict], verb: str) -> list[dict]:
    """The transcript's events of one kind."""
    return [e for e in transcript if e["verb"] == verb]


def set_local_time(settings, hour: int) -> None:
    """Move Loa's clock to `hour`:00 today in Asia/Ho_Chi_Minh (the CDC's hours read it)."""
    from core import clock

    tz = ZoneInfo(settings.timezone)
    clock.set_now(settings, datetime.now(tz).replace(hour=hour, minute=0, second=0, microsecond=0))
