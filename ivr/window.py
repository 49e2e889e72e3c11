"""The calling window ("07:30-21:00" in Asia/Ho_Chi_Minh): nobody gets a robot call at night."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from core import clock
from core.settings import Settings


def parse_window(text: str) -> tuple[time, time]:
    """'07:30-21:00' -> (07:30, 21:00)."""
    start, end = (part.strip() for part in text.split("-", 1))
    return time.fromisoformat(start), time.fromisoformat(end)


def in_window(settings: Settings, when: datetime | None = None) -> bool:
    """Whether `when` (default: now) is inside the calling window, in the configured time zone."""
    local = (when or clock.now(settings)).astimezone(ZoneInfo(settings.timezone))
    start, end = parse_window(settings.call_window)
    return start <= local.time() < end


def next_opening(settings: Settings, when: datetime | None = None) -> datetime:
    """The next moment calls are allowed (now, when inside the window)."""
    when = when or clock.now(settings)
    if in_window(settings, when):
        return when
    tz = ZoneInfo(settings.timezone)
    local = when.astimezone(tz)
    start, _ = parse_window(settings.call_window)
    opening = datetime.combine(local.date(), start, tzinfo=tz)
    if opening <= local:
        opening += timedelta(days=1)
    return opening
