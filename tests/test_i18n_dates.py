"""Dates and times are written for the reader's language, in the configured zone (TIMEZONE)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from core.i18n import format_date, format_datetime, local_now

pytestmark = pytest.mark.nodb
# 18:30 UTC on 23 November is already 24 November in Ho Chi Minh City (UTC+7).
LATE_EVENING_UTC = datetime(2026, 11, 23, 18, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize("zone, lang, day, clock", [
    (None, "vi", "24", "01:30"),
    (None, "en", "24", "1:30"),
    ("UTC", "vi", "23", "18:30"),
    ("Asia/Tokyo", "en", "24", "3:30"),
])
def test_dates_follow_the_timezone_setting(monkeypatch, zone, lang, day, clock):
    if zone:
        monkeypatch.setenv("TIMEZONE", zone)
    else:
        monkeypatch.delenv("TIMEZONE", raising=False)
    assert day in format_date(LATE_EVENING_UTC, lang) and clock in format_datetime(LATE_EVENING_UTC, lang)
    assert str(local_now().tzinfo) == (zone or "Asia/Ho_Chi_Minh")


def test_vietnamese_and_english_write_dates_differently(monkeypatch):
    monkeypatch.delenv("TIMEZONE", raising=False)
    assert format_date(LATE_EVENING_UTC, "vi") != format_date(LATE_EVENING_UTC, "en")
    assert "thg 11" in format_date(LATE_EVENING_UTC, "vi") or "/11/" in format_date(LATE_EVENING_UTC, "vi")
