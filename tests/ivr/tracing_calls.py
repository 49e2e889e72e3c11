"""Helpers for the tracing-call tests: a person on a list with a call in progress, and that call walked
by the sandbox's TwiML walker against an in-process app (so each test can use its own settings)."""
from __future__ import annotations

from datetime import timedelta

from twilio.request_validator import RequestValidator

from core import clock
from ivr.models import CallAttempt, TracingContact, TracingList
from sandbox.twiml_walker import walk

PHONE = "+84980000001"
SID = "CA" + "0" * 31 + "1"


def person(db, settings, classification: str = "F1", lang: str = "vi", phone: str = PHONE,
           status: str = "calling") -> tuple[int, int | None]:
    """(contact id, attempt id) of a person being called now, exposed two days ago; any other status has
    no attempt and is due now."""
    with db() as session:
        lst = TracingList(name=f"script-{classification}-{lang}-{phone}")
        session.add(lst)
        session.flush()
        contact = TracingContact(list_id=lst.id, phone=phone, name="Lê Văn A", classification=classification,
                                 language=lang, status=status, attempts=1, purpose="tracing",
                                 exposure_date=clock.local_now(settings).date() - timedelta(days=2))
        session.add(contact)
        session.flush()
        if status != "calling":
            contact.next_attempt_at, contact.attempts = clock.now(settings), 0
            session.commit()
            return contact.id, None
        attempt = CallAttempt(contact_id=contact.id, attempt_no=1, purpose="tracing", to_phone=phone,
                              from_number=settings.twilio_from_number, status="in-progress", call_sid=SID,
                              started_at=clock.now(settings))
        session.add(attempt)
        session.commit()
        return contact.id, attempt.id


def answer(app, settings, ids: tuple[int, int], keys: list, answered_by: str = "human",
           dial_status: str = "completed") -> list[dict]:
    """The person picks up (or a machine does) and presses `keys`; returns the walker's transcript."""
    client = app.test_client()
    validator = RequestValidator(settings.twilio_auth_token)
    base = settings.public_url.rstrip("/")

    def fetch(url: str, method: str, params: dict) -> tuple[int, str]:
        signature = validator.compute_signature(url, params)
        response = client.post(url[len(base):], data=params, headers={"X-Twilio-Signature": signature})
        return response.status_code, response.get_data(as_text=True)

    contact_id, attempt_id = ids
    params = {"CallSid": SID, "AccountSid": settings.twilio_account_sid, "From": settings.twilio_from_number,
              "To": PHONE, "CallStatus": "in-progress", "Direction": "outbound-api", "AnsweredBy": answered_by}
    return walk(fetch, f"{base}/voice/tracing/answer?contact={contact_id}&attempt={attempt_id}", params, keys,
                dial_status=dial_status)
