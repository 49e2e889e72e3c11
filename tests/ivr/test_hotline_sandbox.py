"""End to end through the Twilio stand-in: a person calls the hotline (POST /_sandbox/twilio/incoming_call),
the sandbox walks Loa's TwiML over HTTP with its own signatures, and the call shows up in /_sandbox/calls."""
from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from core.models import Declaration, Report
from tests.ivr.hotline_calls import CALLER, LOW_RISK, set_local_time

pytestmark = pytest.mark.slow


@pytest.fixture()
def hotline(sandbox_clean, web, db, redis_client, settings):
    """Sandbox and Loa running, at 09:00 local time."""
    set_local_time(settings, 9)
    yield sandbox_clean
    from core import clock

    clock.reset(settings)


def ring(sandbox, digits: list, **extra) -> dict:
    response = httpx.post(f"{sandbox.url}/_sandbox/twilio/incoming_call",
                          json={"from": CALLER, "digits": digits, "hangup_after_digits": True, **extra}, timeout=60)
    response.raise_for_status()
    return response.json()


def said(call: dict) -> str:
    return "\n".join(e["text"] for e in call["transcript"] if e["verb"] == "say")


@pytest.mark.parametrize("lang_key, result", [("1", "Mức nguy cơ: THẤP"), ("2", "Risk level: LOW")])
def test_a_caller_declares_through_the_twilio_stand_in(hotline, db, lang_key, result):
    call = ring(hotline, [lang_key, "1", *LOW_RISK])
    assert result in said(call)
    assert call["direction"] == "inbound" and call["status"] == "completed"
    assert not [e for e in call["transcript"] if e["verb"] == "error"]  # every webhook was signed and answered
    with db() as session:
        assert session.scalars(select(Declaration.channel)).all() == ["voice"]
    listed = httpx.get(f"{hotline.url}/_sandbox/calls", params={"to": call["to"]}, timeout=10).json()
    assert call["sid"] in [c["sid"] for c in listed]


def test_a_report_and_the_cdc_through_the_twilio_stand_in(hotline, db):
    call = ring(hotline, ["2", "4", "5", "0"], dial_status="no-answer")
    verbs = [e["verb"] for e in call["transcript"]]
    assert verbs.count("record") == 2 and "dial" in verbs  # the report, then the voicemail
    with db() as session:
        assert session.scalars(select(Report.category)).all() == ["other"]
