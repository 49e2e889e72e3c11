"""The tracing call as the person on the list hears it, walked by keypad: who we ask for, what their status
means (from the settings), the answering machine's message, the CDC offer after symptoms; and the rules
around the dialer: opted-out numbers, the calling window, closed cases."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from core import clock
from core.app import create_app
from core.models import Alert, Declaration
from ivr import claims, dialer, followup
from ivr.models import CallAttempt, OptOut, TracingContact
from tests.ivr.hotline_calls import events, set_local_time, spoken
from tests.ivr.tracing_calls import PHONE, answer, person

# The session's worker runs a dialer too: it must not call the people these tests set up by hand.
pytestmark = pytest.mark.usefixtures("quiet_dialer")

# Identity, year of birth + confirm, fever yes and six noes, four danger signs no, onset today, contact yes,
# epidemic area no, two doses, no chronic condition: a HIGH result, so the CDC is offered.
SYMPTOMATIC = ["1", "1985#", "1", "1", *["2"] * 6, *["2"] * 4, "1", "1", "2", "2", "2"]


@pytest.fixture()
def nine(settings, db, redis_client):
    """Loa's clock at 09:00 local time (inside the calling window and the CDC's hours)."""
    set_local_time(settings, 9)
    yield
    clock.reset(settings)


@pytest.mark.parametrize("lang, asks, status", [
    ("vi", "Nếu bạn là Lê Văn A, bấm phím 1.", "10 ngày"),
    ("en", "If you are Lê Văn A, press 1.", "Please stay in quarantine at home for 10 days"),
])
def test_the_person_is_asked_by_name_and_told_their_quarantine_from_the_settings(settings, db, nine, lang, asks,
                                                                                    status):
    ten_days = settings.with_(quarantine_days_f1=10)
    text = spoken(answer(create_app(ten_days), ten_days, person(db, settings, lang=lang), ["1", None]))
    assert asks in text and status in text


def test_an_f2_with_no_quarantine_days_is_told_to_watch_their_health(settings, db, nine):
    text = spoken(answer(create_app(settings), settings, person(db, settings, "F2", "en"), ["1", None]))
    assert "(you are an F2)" in text and "You do not need to quarantine." in text


def test_an_answering_machine_hears_the_hotline_number_and_nothing_personal(settings, db, nine):
    ids = person(db, settings, lang="en")
    text = spoken(answer(create_app(settings), settings, ids, [], answered_by="machine_start"))
    assert settings.hotline_number in text and "Lê Văn A" not in text and "F1" not in text
    with db() as session:
        assert session.get(CallAttempt, ids[1]).outcome == "machine"


@pytest.mark.parametrize("dial_status, ending", [
    ("completed", "Thank you. Goodbye."),
    ("no-answer", "Nobody could answer. Staff have been alerted and will call you back."),
])
def test_symptoms_raise_an_alert_and_the_cdc_on_duty_is_dialled(settings, db, nine, dial_status, ending):
    # Numbers with their own hours: only the morning one is on duty at 09:00, and it is dialled as a number.
    shifts = settings.with_(cdc_numbers=["+842373000001@07:00-12:00", "+842373000002@12:00-21:00"])
    ids = person(db, settings, lang="en")
    transcript = answer(create_app(shifts), shifts, ids, [*SYMPTOMATIC, "1"], dial_status=dial_status)
    assert [dial["numbers"] for dial in events(transcript, "dial")] == [["+842373000001"]]
    text = spoken(transcript)
    assert text.splitlines()[-1].startswith(ending) and transcript[-1]["reason"] == "hangup"
    if dial_status == "completed":  # a finished conversation with the CDC is not "nobody answered"
        assert "Nobody could answer" not in text
    with db() as session:
        declaration = session.scalars(select(Declaration)).one()
        assert declaration.tracing_contact_id == ids[0] and declaration.answers["symptoms"] == ["fever"]
        assert session.scalars(select(Alert.declaration_id)).all() == [declaration.id]


def test_outside_the_cdc_hours_the_offer_promises_a_call_back(settings, db, redis_client):
    set_local_time(settings, 20)
    try:
        morning = settings.with_(cdc_numbers=["+842373000001@07:00-12:00"])
        transcript = answer(create_app(morning), morning, person(db, settings, lang="en"), [*SYMPTOMATIC, "1"])
    finally:
        clock.reset(settings)
    assert not events(transcript, "dial")
    assert "The CDC line is closed now. Staff have been alerted and will call you back." in spoken(transcript)


def _pending(db, settings, phone: str = PHONE) -> int:
    """A person due for their first tracing call now."""
    return person(db, settings, phone=phone, status="pending")[0]


def test_pressing_9_opts_out_and_the_number_is_never_called_again(settings, db, nine):
    ids = person(db, settings, lang="en")
    text = spoken(answer(create_app(settings), settings, ids, ["9"]))
    assert "You will receive no more automated calls." in text
    with db() as session:
        assert session.scalars(select(OptOut.channel).where(OptOut.phone == PHONE)).all() == ["voice"]
    with db() as session:  # the call ends (the status callback's job)
        session.execute(update(TracingContact).where(TracingContact.id == ids[0]).values(status="opted_out"))
        session.commit()
    # The same number on a later list, due now: it is skipped and marked, never claimed.
    again = _pending(db, settings)
    assert claims.claim_next(settings) is None
    with db() as session:
        assert session.get(TracingContact, again).status == "opted_out"


def test_nobody_is_called_outside_the_calling_window(settings, db, nighttime):
    contact_id = _pending(db, settings)
    assert dialer.step(settings) == "outside_window"
    with db() as session:
        assert session.get(TracingContact, contact_id).status == "pending"
        assert session.scalars(select(CallAttempt).where(CallAttempt.status != "completed")).all() == []


def test_a_closed_case_gets_no_more_daily_check_calls(settings, db, daytime):
    contact_id = _pending(db, settings)
    with db() as session:
        session.execute(update(TracingContact).where(TracingContact.id == contact_id)
                        .values(status="reached", followup_until=daytime.date() + timedelta(days=5),
                                last_followup_on=daytime.date() - timedelta(days=1)))
        session.commit()
    assert followup.close_case(settings, contact_id)
    assert followup.schedule_followups(settings) == 0
    assert claims.claim_next(settings) is None
    with db() as session:
        contact = session.get(TracingContact, contact_id)
        # None, or "stopped" when the suite's running dialer had already scheduled today's check call: either
        # way nothing is waiting to be called.
        assert contact.status == "closed" and contact.followup_status in (None, "stopped")
