"""Phone numbers never reach a log line, however the citizen wrote them and wherever they appear."""
from __future__ import annotations

import logging
import sys

import pytest

from core.privacy import MaskingFormatter, mask_phone

pytestmark = pytest.mark.nodb


@pytest.mark.parametrize("text,masked", [
    ("0912345678", "0******678"),
    ("sđt 0912 345 678 nhé", "sđt 0******678 nhé"),
    ("84912345678", "84******678"),
    ("+84912345678", "+84******678"),
    ("+84 912 345 678", "+84 ******678"),
    ("(+84) 912.345.678", "(+84) ******678"),
    ("year 1985, hotline 1900 9095, zalo id 4143046553463412237", "year 1985, hotline 1900 9095, zalo id 4143046553463412237"),
])
def test_phone_numbers_are_masked_in_every_written_form(text, masked):
    assert mask_phone(text) == masked


def test_a_traceback_that_carries_a_phone_number_is_masked():
    try:
        raise ValueError("duplicate key (phone)=(+84 912 345 678)")
    except ValueError:
        record = logging.LogRecord("t", logging.ERROR, __file__, 1, "insert failed for %s", ("0912345678",),
                                   sys.exc_info())
    line = MaskingFormatter("%(message)s").format(record)
    assert "345 678" not in line and "0912345678" not in line and "+84 ******678" in line and "0******678" in line


def test_a_number_in_a_url_query_is_masked_and_gunicorn_logs_no_query_strings():
    from pathlib import Path

    from core.privacy import mask_phone

    assert "84912345678" not in mask_phone('"GET /console/tracing/people?q=%2B84912345678 HTTP/1.1"')
    root = Path(__file__).resolve().parent.parent
    for procfile in ("Procfile", "Procfile.production"):
        web = next(line for line in (root / procfile).read_text().splitlines() if line.startswith("web:"))
        # %(U)s is the path without its query: a search for a phone number never reaches the access log.
        assert "--access-logformat" in web and "%(U)s" in web and "%(r)s" not in web and "%(q)s" not in web
