"""Fixtures for the dialer tests: signed Twilio requests, a clock inside the calling window, CSV rows."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from twilio.request_validator import RequestValidator


@pytest.fixture()
def sign(settings):
    """sign(url, params) -> the X-Twilio-Signature Twilio would send."""
    validator = RequestValidator(settings.twilio_auth_token)
    return lambda url, params: validator.compute_signature(url, params)


@pytest.fixture()
def daytime(settings, redis_client):
    """The schedule clock set to 09:00 today in Asia/Ho_Chi_Minh (inside the calling window)."""
    from core import clock

    tz = ZoneInfo(settings.timezone)
    nine = datetime.combine(datetime.now(tz).date(), datetime.min.time(), tzinfo=tz).replace(hour=9)
    clock.set_now(settings, nine)
    yield nine
    clock.reset(settings)


@pytest.fixture()
def nighttime(settings, redis_client):
    """The schedule clock set to 23:00 today (outside the calling window): an import is not dialled at once,
    even by the session's worker, so a test can look at the people just as the import left them."""
    from core import clock

    tz = ZoneInfo(settings.timezone)
    eleven = datetime.combine(datetime.now(tz).date(), datetime.min.time(), tzinfo=tz).replace(hour=23)
    clock.set_now(settings, eleven)
    yield eleven
    clock.reset(settings)


def good_phone(i: int) -> str:
    """A valid Vietnamese mobile number, distinct for each i (Viettel 098 prefix)."""
    return f"098{i:07d}"


def make_rows(n: int, bad_every: int | None = None, start: int = 0) -> tuple[list[dict], int]:
    """n rows; when `bad_every` is set, every bad_every-th row is broken in a rotating way. Returns (rows, bad)."""
    rng = random.Random(7)
    rows, bad = [], 0
    for i in range(n):
        row = {"phone": good_phone(start + i), "name": f"Nguyễn Văn {i}", "classification": rng.choice(["F1", "F2", "returnee"]),
               "commune": "", "language": "vi", "exposure_date": (date(2026, 11, 20) - timedelta(days=i % 5)).isoformat()}
        if bad_every and i % bad_every == bad_every - 1:
            kind = bad % 5
            if kind == 0:
                row["phone"] = "12345"  # invalid phone
            elif kind == 1:
                row["name"] = ""  # missing field
            elif kind == 2:
                row["phone"] = good_phone(start + i - 1)  # duplicate of the row before
            elif kind == 3:
                row["classification"] = "F9"
            else:
                row["exposure_date"] = "not a date"
            bad += 1
        rows.append(row)
    return rows, bad


@pytest.fixture()
def quiet_dialer(settings, db, redis_client):
    """The call centre paused for the test: the session's worker keeps a dialer running (its watchdog revives
    it), which would otherwise claim and call the people a test sets up and checks by hand. (After `db`: the
    pause is a row, which emptying the tables would lift.)"""
    from ivr import dialer, pauses

    dialer.pause(settings)
    yield
    pauses.resume(settings)  # without the dialer's wake-up kick, as before
