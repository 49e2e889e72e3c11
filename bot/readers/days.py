"""Days as citizens say them: 'tu hom qua', 'hôm kia', '3 ngày trước', 'ba hom nay', 'thứ Hai', '20/11', '2 days ago'."""
from __future__ import annotations

import re
from datetime import date, timedelta

from bot.readers.numbers import COUNT, value
from bot.text import fold

# "3 ngày trước", "ba hôm nay" (for three days now), "2 days ago", "mấy hôm nay" (a few days).
_DAYS_AGO = re.compile(rf"(?<![a-z0-9]){COUNT}\s*(?:ngay|hom|bua|days?)(?![a-z])")
_WEEKS_AGO = re.compile(rf"(?<![a-z0-9]){COUNT}\s*(?:tuan|weeks?)(?![a-z])")
_FEW_DAYS = re.compile(r"\b(?:may|vai)\s*(?:ngay|hom|bua)\b|\ba few days\b|\bseveral days\b")
_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*(?:[/.-]|\s*thang\s*)(\d{1,2})(?:\s*(?:[/.-]|\s*nam\s*)(\d{2}|\d{4}))?(?!\d)")
# Monday is 0: "thứ Hai" / "thu 2" / "t2", ..., "chủ nhật" / "cn".
_VI_WEEKDAYS = {"hai": 0, "2": 0, "ba": 1, "3": 1, "tu": 2, "4": 2, "nam": 3, "5": 3, "sau": 4, "6": 4,
                "bay": 5, "7": 5}
_VI_WEEKDAY = re.compile(r"\b(?:thu\s*(hai|ba|tu|nam|sau|bay|[2-7])|t([2-7]))\b")
_SUNDAY = re.compile(r"\b(?:chu nhat|cn)\b")
_EN_WEEKDAY = re.compile(r"\b(mon|tue|wed|thu|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\b")
_EN_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Words, most specific first: (pattern, days back).
_PHRASES = (
    (r"\b(?:hom|bua|ngay) kia\b|\bday before yesterday\b", 2),
    (r"\b(?:tuan|week)\s*(?:truoc|roi|qua)\b|\blast week\b|\ba week ago\b", 7),
    (r"\b(?:hom|bua|ngay|sang|trua|chieu|toi|dem)\s*qua\b|\byesterday\b|\blast night\b|^qua$", 1),
    (r"\b(?:hom|bua|ngay|sang|trua|chieu|toi)\s*nay\b|\btoday\b|\bthis (?:morning|afternoon|evening)\b|"
     r"\btonight\b|\bjust now\b|\bvua (?:moi|xong)\b|\bluc nay\b|^nay$", 0),
)


def _explicit(folded: str, today: date) -> date | None:
    match = _DATE.search(folded)
    if not match:
        return None
    day, month, year = int(match.group(1)), int(match.group(2)), match.group(3)
    full = (int(year) + (2000 if len(year) == 2 else 0)) if year else today.year
    try:
        parsed = date(full, month, day)
    except ValueError:
        return None
    if parsed > today and not year:
        # "20/12" said on 2 January is last December.
        try:
            parsed = date(full - 1, month, day)
        except ValueError:
            return None
    return parsed if parsed <= today else None


def _weekday(folded: str) -> int | None:
    match = _VI_WEEKDAY.search(folded)
    if match:
        return _VI_WEEKDAYS[match.group(1) or match.group(2)]
    if _SUNDAY.search(folded):
        return 6
    match = _EN_WEEKDAY.search(folded)
    return _EN_DAYS.index(match.group(1)) if match else None


def read_day(text: str, today: date) -> date | None:
    """The day a text names, not in the future; None when it names none (or a day to come)."""
    folded = fold(text)
    if _DATE.search(folded):
        return _explicit(folded, today)
    for pattern, days in ((_WEEKS_AGO, 7), (_DAYS_AGO, 1)):
        match = pattern.search(folded)
        if match and value(match.group("n")) is not None:
            return today - timedelta(days=days * value(match.group("n")))
    if _FEW_DAYS.search(folded):
        return today - timedelta(days=3)
    weekday = _weekday(folded)
    if weekday is not None:
        # "thứ Hai" is the last Monday before today (a week ago when today is Monday).
        return today - timedelta(days=(today.weekday() - weekday) % 7 or 7)
    for pattern, days in _PHRASES:
        if re.search(pattern, folded):
            return today - timedelta(days=days)
    return None
