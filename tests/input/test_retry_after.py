"""Retry-After in both forms RFC 9110 allows (seconds, HTTP-date): the parser's table, and a Zalo 429 from the
sandbox carrying an HTTP-date that becomes a Throttled error with the right wait."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from bot.channels.errors import Throttled
from bot.channels.retry_after import MAX_WAIT_S, retry_after_seconds
from bot.channels.zalo import ZaloAdapter
from bot.messages import Reply
from tests.bot.helpers import fault

NOW = datetime(2026, 12, 2, 8, 0, 0, tzinfo=timezone.utc)

# (case, header value, seconds to wait; the default is 60)
VALUES = [
    ("seconds", "120", 120.0),
    ("seconds with spaces", " 7 ", 7.0),
    ("fractional seconds", "1.5", 1.5),
    ("IMF-fixdate", "Wed, 02 Dec 2026 08:02:00 GMT", 120.0),
    ("obsolete RFC 850 date", "Wednesday, 02-Dec-26 08:02:00 GMT", 120.0),
    ("obsolete asctime date", "Wed Dec  2 08:02:00 2026", 120.0),
    ("date with a numeric zone", "Wed, 02 Dec 2026 15:02:00 +0700", 120.0),
    ("date already past: retry now", "Wed, 02 Dec 2026 07:00:00 GMT", 0.0),
    ("a year away: at most a day", "Thu, 02 Dec 2027 08:00:00 GMT", MAX_WAIT_S),
    ("huge seconds: at most a day", "99999999999", MAX_WAIT_S),
    ("negative seconds: default", "-5", 60.0),
    ("not a number: default", "soon", 60.0),
    ("impossible date: default", "Wed, 31 Feb 2026 08:00:00 GMT", 60.0),
    ("NaN: default", "nan", 60.0),
    ("infinity: default", "inf", 60.0),
    ("empty: default", "", 60.0),
    ("absent: default", None, 60.0),
]


@pytest.mark.parametrize("case,value,seconds", VALUES, ids=[v[0] for v in VALUES])
def test_retry_after_values(case, value, seconds):
    assert retry_after_seconds(value, 60.0, now=NOW) == seconds


def test_zalo_429_with_an_http_date(settings, db, sandbox_clean):
    zalo = ZaloAdapter(settings)
    zalo.send("z-date", [Reply(text="warm up")])  # a valid token first, so the fault hits the send
    when = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=300)
    fault(settings, {"channel": "zalo", "fail_next": {"count": 1, "status": 429,
                                                       "retry_after": format_datetime(when, usegmt=True)}})
    with pytest.raises(Throttled) as caught:
        zalo.send("z-date", [Reply(text="hello")])
    # The date is 300 s after it was written; a little of that has passed by the time it is read.
    assert 240 <= caught.value.retry_after <= 300
