"""Status callbacks: signature check, SequenceNumber order, outcomes never overwritten, retry decisions."""
from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from core import clock
from core.testing import wait_until
from ivr.models import CallAttempt, TracingContact, TracingList

# The session's worker runs a dialer too: it must not call the people these tests set up by hand.
pytestmark = pytest.mark.usefixtures("quiet_dialer")


@pytest.fixture()
def calling(settings, db, redis_client, daytime):
    """One contact in 'calling' with a placed attempt (sid CA...01), as the dialer leaves it."""
    with db() as session:
        lst = TracingList(name="status-tests")
        session.add(lst)
        session.flush()
        contact = TracingContact(list_id=lst.id, phone="+84980000001", name="Lê Văn A", classification="F1",
                                 language="vi", status="calling", attempts=1, purpose="tracing")
        session.add(contact)
        session.flush()
        attempt = CallAttempt(contact_id=contact.id, attempt_no=1, purpose="tracing", to_phone=contact.phone,
                              from_number=settings.twilio_from_number, status="queued", call_sid="CA" + "0" * 31 + "1",
                              started_at=clock.now(settings))
        session.add(attempt)
        session.commit()
        return contact.id, attempt.id


def _post(client, settings, sign, attempt_id, **params):
    url = f"{settings.public_url}/voice/status?attempt={attempt_id}"
    params = {"CallSid": "CA" + "0" * 31 + "1", "AccountSid": settings.twilio_account_sid, **params}
    return client.post(f"/voice/status?attempt={attempt_id}", data=params,
                       headers={"X-Twilio-Signature": sign(url, params)})


def _state(db, contact_id, attempt_id):
    with db() as session:
        return session.get(TracingContact, contact_id), session.get(CallAttempt, attempt_id)


def test_unsigned_or_badly_signed_is_403(client, settings, calling, sign):
    _contact_id, attempt_id = calling
    params = {"CallSid": "CA1", "CallStatus": "ringing", "SequenceNumber": "1"}
    assert client.post(f"/voice/status?attempt={attempt_id}", data=params).status_code == 403
    bad = {"X-Twilio-Signature": sign(f"{settings.public_url}/voice/status?attempt=999", params)}
    assert client.post(f"/voice/status?attempt={attempt_id}", data=params, headers=bad).status_code == 403
    assert client.post("/voice/tracing/answer?contact=1&attempt=1", data=params).status_code == 403


def test_signature_behind_a_proxy(client, settings, calling, sign):
    """Twilio signed the public https URL; the proxy forwards plain http to us."""
    _contact_id, attempt_id = calling
    params = {"CallSid": "CA" + "0" * 31 + "1", "CallStatus": "ringing", "SequenceNumber": "1"}
    signature = sign(f"https://loa.example.gov.vn/voice/status?attempt={attempt_id}", params)
    headers = {"X-Twilio-Signature": signature, "X-Forwarded-Proto": "https", "X-Forwarded-Host": "loa.example.gov.vn"}
    assert client.post(f"/voice/status?attempt={attempt_id}", data=params, headers=headers).status_code == 204


def test_out_of_order_callbacks_keep_the_latest_and_the_outcome(client, settings, db, calling, sign):
    contact_id, attempt_id = calling
    assert _post(client, settings, sign, attempt_id, CallStatus="ringing", SequenceNumber="1").status_code == 204
    # The final callback arrives before the 'answered' one.
    assert _post(client, settings, sign, attempt_id, CallStatus="busy", SequenceNumber="3").status_code == 204
    assert _post(client, settings, sign, attempt_id, CallStatus="in-progress", SequenceNumber="2").status_code == 204
    assert _post(client, settings, sign, attempt_id, CallStatus="initiated", SequenceNumber="0").status_code == 204
    # A stray repeat of a final status with a new number must not overwrite the reason either.
    assert _post(client, settings, sign, attempt_id, CallStatus="completed", SequenceNumber="4").status_code == 204
    contact, attempt = _state(db, contact_id, attempt_id)
    assert (attempt.status, attempt.last_sequence_number, attempt.outcome) == ("busy", 3, "busy")
    assert contact.status == "pending" and contact.last_outcome == "busy"
    delay = clock.as_utc(contact.next_attempt_at) - clock.as_utc(attempt.ended_at)
    assert delay == timedelta(seconds=settings.retry_busy_s)


@pytest.mark.parametrize("status,answered_by,outcome,delay_setting", [
    ("no-answer", None, "no_answer", "retry_no_answer_s"),
    ("failed", None, "failed", "retry_failed_s"),
    ("completed", "machine_start", "machine", "retry_machine_s"),
    ("completed", "human", "no_confirmation", "retry_no_answer_s"),
])
def test_retry_delay_per_outcome(client, settings, db, calling, sign, status, answered_by, outcome, delay_setting):
    contact_id, attempt_id = calling
    extra = {"AnsweredBy": answered_by} if answered_by else {}
    _post(client, settings, sign, attempt_id, CallStatus=status, SequenceNumber="5", **extra)
    contact, attempt = _state(db, contact_id, attempt_id)
    assert attempt.outcome == outcome and contact.status == "pending"
    delay = clock.as_utc(contact.next_attempt_at) - clock.as_utc(attempt.ended_at)
    # A retry that would fall outside the calling window waits for the next opening.
    assert delay >= timedelta(seconds=getattr(settings, delay_setting))


def test_last_attempt_makes_the_person_unreachable(client, settings, db, calling, sign, worker, sandbox_clean):
    """The last failed attempt marks the person unreachable and the queued job sends them the SMS once."""
    contact_id, attempt_id = calling
    with db() as session:
        session.get(TracingContact, contact_id).attempts = settings.max_call_attempts
        session.commit()
    _post(client, settings, sign, attempt_id, CallStatus="no-answer", SequenceNumber="3")
    contact, _attempt = _state(db, contact_id, attempt_id)
    assert contact.status == "unreachable" and contact.unreachable_at is not None
    # The suite's worker runs the job: assert on what it did, not on the queue it may already have drained.
    wait_until(lambda: _state(db, contact_id, attempt_id)[0].sms_sent_at is not None, timeout=20)
    sent = wait_until(lambda: httpx.get(f"{sandbox_clean.url}/_sandbox/sms", timeout=5,
                                        params={"to": contact.phone, "direction": "outbound-api"}).json(), timeout=10)
    assert len(sent) == 1


def test_script_outcome_is_never_overwritten(client, settings, db, calling, sign):
    contact_id, attempt_id = calling
    from core.db import session_scope
    from ivr.status import set_outcome

    with session_scope(settings.database_url) as session:
        assert set_outcome(session, attempt_id, "reached")
        assert not set_outcome(session, attempt_id, "wrong_person")
    _post(client, settings, sign, attempt_id, CallStatus="completed", SequenceNumber="4", AnsweredBy="human")
    contact, attempt = _state(db, contact_id, attempt_id)
    assert attempt.outcome == "reached" and contact.status == "reached"
    assert contact.followup_until is not None or contact.exposure_date is None
