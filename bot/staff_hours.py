"""When staff answer hand-offs: STAFF_HOURS ("07:30-17:00 Mon-Sat", local time), open now or the next opening."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPEC = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*(.*)$")


@dataclass(frozen=True)
class StaffHours:
    """Opening and closing time and the weekdays (0 = Monday) staff work."""

    opens: time
    closes: time
    weekdays: frozenset[int]

    def is_open(self, local: datetime) -> bool:
        """True when staff are at work at this local time."""
        return local.weekday() in self.weekdays and self.opens <= local.time() < self.closes

    def next_opening(self, local: datetime) -> datetime:
        """The next local time staff start work after `local` (`local` itself's day when before opening)."""
        for ahead in range(8):
            day = (local + timedelta(days=ahead)).date()
            start = datetime.combine(day, self.opens, tzinfo=local.tzinfo)
            if day.weekday() in self.weekdays and start > local:
                return start
        raise ValueError("STAFF_HOURS names no working day")


def _days(text: str) -> frozenset[int]:
    """'Mon-Sat', 'Mon-Fri,Sun', 'T2-T7' is not accepted: English three-letter names only; empty is every day."""
    text = text.strip().lower()
    if not text:
        return frozenset(range(7))
    found: set[int] = set()
    for part in re.split(r"[,\s]+", text):
        if not part:
            continue
        first, _, last = part.partition("-")
        if first[:3] not in DAYS or (last and last[:3] not in DAYS):
            raise ValueError(f"STAFF_HOURS: unknown day {part!r}")
        start, end = DAYS.index(first[:3]), DAYS.index((last or first)[:3])
        found.update((start + i) % 7 for i in range((end - start) % 7 + 1))
    return frozenset(found)


def parse(spec: str) -> StaffHours:
    """'07:30-17:00 Mon-Sat' -> StaffHours; raises ValueError on a malformed setting."""
    match = _SPEC.match(spec or "")
    if not match:
        raise ValueError(f"STAFF_HOURS must look like '07:30-17:00 Mon-Sat', not {spec!r}")
    h1, m1, h2, m2, days = match.groups()
    opens, closes = time(int(h1), int(m1)), time(int(h2), int(m2))
    if closes <= opens:
        raise ValueError("STAFF_HOURS: closing time must be after opening time")
    return StaffHours(opens, closes, _days(days))
