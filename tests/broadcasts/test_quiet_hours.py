"""Quiet hours: a non-urgent campaign sends nothing between QUIET_HOURS (21:00-07:00 Hanoi time by default)."""
from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from broadcasts.quiet_hours import in_quiet_hours, quiet_until, sending_allowed_now

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.nodb

# (case, QUIET_HOURS, local time, urgent, allowed, held until local)
CASES = [
    ("morning", "21:00-07:00", "09:00", False, True, None),
    ("just before quiet hours", "21:00-07:00", "20:59", False, True, None),
    ("quiet hours start", "21:00-07:00", "21:00", False, False, "2026-12-03 07:00"),
    ("late night: held until next morning", "21:00-07:00", "23:30", False, False, "2026-12-03 07:00"),
    ("after midnight: held until this morning", "21:00-07:00", "02:00", False, False, "2026-12-02 07:00"),
    ("quiet hours end", "21:00-07:00", "07:00", False, True, None),
    ("urgent goes at night", "21:00-07:00", "23:30", True, True, None),
    ("a daytime span", "12:00-13:30", "12:45", False, False, "2026-12-02 13:30"),
    ("no quiet hours", "", "23:30", False, True, None),
]


@pytest.mark.parametrize("case,span,local,urgent,allowed,until", CASES, ids=[c[0] for c in CASES])
def test_quiet_hours(settings, case, span, local, urgent, allowed, until):
    config = settings.with_(quiet_hours=span, timezone="Asia/Ho_Chi_Minh")
    when = datetime.fromisoformat(f"2026-12-02 {local}").replace(tzinfo=HANOI)
    campaign = SimpleNamespace(urgent=urgent)
    assert sending_allowed_now(campaign, config, when) is allowed
    held = quiet_until(campaign, config, when)
    assert (held.astimezone(HANOI).strftime("%Y-%m-%d %H:%M") if held else None) == until
    if not urgent:
        assert in_quiet_hours(config, when) is (not allowed)
