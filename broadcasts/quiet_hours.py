"""Quiet hours (QUIET_HOURS, "21:00-07:00" local by default): a non-urgent campaign sends nothing at night.

DISPATCH asks `sending_allowed_now(campaign, settings)` before taking a chunk, and holds the chunk
until `quiet_until(campaign, settings)` when it is not. Time is core.clock's (movable in tests).
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from core import clock
from core.settings import Settings


def parse_span(text: str) -> tuple[time, time]:
    """'21:00-07:00' -> (21:00, 07:00); an empty text or equal ends mean no quiet hours."""
    start, end = (part.strip() for part in text.split("-", 1))
    return time.fromisoformat(start), time.fromisoformat(end)


def in_quiet_hours(settings: Settings, when: datetime | None = None) -> bool:
    """Whether `when` (default: now) falls inside QUIET_HOURS, in the configured time zone."""
    if not (settings.quiet_hours or "").strip():
        return False
    start, end = parse_span(settings.quiet_hours)
    if start == end:
        return False
    local = (when or clock.now(settings)).astimezone(ZoneInfo(settings.timezone)).time()
    if start < end:  # e.g. "12:00-13:00"
        return start <= local < end
    return local >= start or local < end  # spans midnight, e.g. "21:00-07:00"


def quiet_ends(settings: Settings, when: datetime | None = None) -> datetime | None:
    """When the current quiet hours end (aware, local zone), or None outside quiet hours."""
    when = when or clock.now(settings)
    if not in_quiet_hours(settings, when):
        return None
    tz = ZoneInfo(settings.timezone)
    local = when.astimezone(tz)
    _, end = parse_span(settings.quiet_hours)
    ending = datetime.combine(local.date(), end, tzinfo=tz)
    if ending <= local:
        ending += timedelta(days=1)
    return ending


def sending_allowed_now(campaign, settings: Settings, when: datetime | None = None) -> bool:
    """True when the campaign may send at this moment: urgent ones always, others outside quiet hours."""
    return bool(campaign.urgent) or not in_quiet_hours(settings, when)


def quiet_until(campaign, settings: Settings, when: datetime | None = None) -> datetime | None:
    """The moment this campaign's held sends may start (None: they may go now)."""
    if campaign.urgent:
        return None
    return quiet_ends(settings, when)
