"""Staff pauses live in the database: a Redis that loses its data does not resume calling; lists pause alone."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from core import clock
from core.app import create_app
from ivr import claims, dialer, pauses
from ivr.models import DialerPause, TracingContact, TracingList

TOKEN = {"Authorization": "Bearer ops-bootstrap-token"}


@pytest.fixture()
def daytime(settings, db, redis_client):
    """The schedule clock at 09:00 in Vietnam (inside the calling window); pauses lifted afterwards."""
    tz = ZoneInfo(settings.timezone)
    clock.set_now(settings, datetime.combine(datetime.now(tz).date(), datetime.min.time(), tzinfo=tz).replace(hour=9))
    yield
    clock.reset(settings)
    pauses.resume(settings)


def _wipe(redis_client) -> None:
    """What a Redis restarted without persistence looks like to Loa: none of its keys."""
    for key in redis_client.scan_iter("loa:*", count=1000):
        redis_client.delete(key)


def _two_lists_due(db, settings) -> dict[str, int]:
    """A list "A" and a list "B", each with one person due now; name -> list id."""
    ids = {}
    with db() as session:
        for n, name in enumerate(("A", "B")):
            lst = TracingList(name=f"ops-pause-{name}")
            session.add(lst)
            session.flush()
            session.add(TracingContact(list_id=lst.id, phone=f"+8498100000{n}", name=name, classification="F1",
                                       status="pending", next_attempt_at=clock.now(settings)))
            ids[name] = lst.id
        session.commit()
    return ids


def test_a_wiped_redis_keeps_the_call_centre_paused(settings, db, redis_client, daytime):
    since = dialer.pause(settings)
    _wipe(redis_client)
    assert dialer.paused_since(settings) == since
    assert dialer.step(settings) == "paused"
    with db() as session:
        assert session.get(DialerPause, "all") is not None  # the truth, where a wipe cannot reach
    dialer.resume(settings)
    _wipe(redis_client)
    assert dialer.paused_since(settings) is None


def test_a_paused_list_gets_no_call_and_the_others_go_on(settings, db, redis_client, daytime):
    ids = _two_lists_due(db, settings)
    dialer.pause(settings)  # the session's worker may run a dialer: it must not claim behind this test's back
    dialer.pause(settings, list_id=ids["A"])
    _wipe(redis_client)  # a list's pause survives a wipe too
    contact, _attempt = claims.claim_next(settings)
    assert contact.list_id == ids["B"]
    assert claims.claim_next(settings) is None  # A's person waits
    dialer.resume(settings, list_id=ids["A"])
    contact, _attempt = claims.claim_next(settings)
    assert contact.list_id == ids["A"]


def test_staff_pause_and_resume_a_list(settings, db, redis_client, daytime):
    ids = _two_lists_due(db, settings)
    dialer.pause(settings)  # no dialer of the session's worker calls these people while the test looks
    api = create_app(settings.with_(staff_api_token="ops-bootstrap-token")).test_client()
    assert api.post(f"/api/tracing/lists/{ids['A']}/pause").status_code == 401
    assert api.post("/api/tracing/lists/999999/pause", headers=TOKEN).status_code == 404
    answer = api.post(f"/api/tracing/lists/{ids['A']}/pause", headers=TOKEN)
    paused = answer.get_json()
    assert answer.status_code == 200, paused
    assert paused["paused"] and paused["paused_since"]
    again = api.post(f"/api/tracing/lists/{ids['A']}/pause", headers=TOKEN).get_json()
    assert again["paused_since"] == paused["paused_since"]  # pausing twice keeps the first time
    assert api.get(f"/api/tracing/lists/{ids['A']}", headers=TOKEN).get_json()["paused_since"] == paused["paused_since"]
    state = api.get("/api/tracing/dialer", headers=TOKEN).get_json()
    assert list(state["paused_lists"]) == [str(ids["A"])]
    with db() as session:
        assert session.get(DialerPause, f"list:{ids['A']}").paused_by == "bootstrap"
    resumed = api.post(f"/api/tracing/lists/{ids['A']}/resume", headers=TOKEN).get_json()
    assert (resumed["paused"], resumed["paused_since"]) == (False, None)
