"""Claims: one number is never in two calls at once, even when it is on two lists (the NOT EXISTS check,
and under PostgreSQL's READ COMMITTED the partial unique index behind it); follow-ups keep 'reached'."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from core import clock
from ivr import claims
from ivr.models import TracingContact, TracingList

# The session's worker runs a dialer too: it must not call the people these tests set up by hand.
pytestmark = pytest.mark.usefixtures("quiet_dialer")


def _people(db, settings, lists: int, phone: str = "+84984000001") -> list[int]:
    with db() as session:
        ids = []
        for n in range(lists):
            lst = TracingList(name=f"claims-{n}")
            session.add(lst)
            session.flush()
            contact = TracingContact(list_id=lst.id, phone=phone, name=f"P {n}", classification="F1", language="vi",
                                     status="pending", purpose="tracing", attempts=0,
                                     next_attempt_at=clock.now(settings))
            session.add(contact)
            session.flush()
            ids.append(contact.id)
        session.commit()
        return ids


def test_the_database_refuses_a_second_call_to_one_number(settings, db, redis_client, daytime):
    first, second = _people(db, settings, 2)
    with db() as session:
        session.execute(update(TracingContact).where(TracingContact.id == first).values(status="calling"))
        session.commit()
        with pytest.raises(IntegrityError):
            session.execute(update(TracingContact).where(TracingContact.id == second).values(status="calling"))
        session.rollback()
        # A follow-up call counts as a call too.
        with pytest.raises(IntegrityError):
            session.execute(update(TracingContact).where(TracingContact.id == second)
                            .values(status="reached", followup_status="calling"))
        session.rollback()


def test_concurrent_claimers_take_one_list_entry_per_number(settings, db, redis_client, daytime):
    _people(db, settings, 3)
    won, barrier = [], threading.Barrier(6)

    def claimer():
        barrier.wait()
        claimed = claims.claim_next(settings)
        if claimed:
            won.append(claimed[0].id)

    threads = [threading.Thread(target=claimer) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(won) == 1
