"""Retry-After as providers send it (RFC 9110 10.2.3): delta-seconds ("120") or an HTTP-date
("Wed, 02 Dec 2026 08:00:00 GMT"), read into seconds to wait; anything unreadable gives the caller's default."""
from __future__ import annotations

import math
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

# A header asking for more than a day is a provider bug or hostile; waiting that long helps nobody.
MAX_WAIT_S = 86400.0


def retry_after_seconds(value: str | None, default: float, now: datetime | None = None) -> float:
    """Seconds to wait from a Retry-After value (seconds or HTTP-date), between 0 and a day; `default` if unreadable."""
    if value is None or not str(value).strip():
        return default
    text = str(value).strip()
    try:
        seconds = float(text)
    except ValueError:
        seconds = _until(text, now)
        if seconds is None:
            return default
    else:
        if seconds < 0:  # delta-seconds has no sign: a negative number is no Retry-After
            return default
    if not math.isfinite(seconds):
        return default
    return min(max(seconds, 0.0), MAX_WAIT_S)


def _until(text: str, now: datetime | None) -> float | None:
    """Seconds from now until an HTTP-date, or None when it is not one."""
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:  # RFC 850 / asctime forms carry no zone: they are GMT
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return (when - now).total_seconds()
