"""A tracing run against the Twilio sandbox over real HTTP, on a controllable clock: retries at the
configured delays, the final states, alerts for symptomatic answers, SMS for the unreachable; and a
worker killed with SIGKILL mid-run."""
from __future__ import annotations

import os
import signal
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from core import clock
from core.models import Alert, Declaration
from core.testing import start_worker, wait_until
from ivr.importer import import_rows
from ivr.models import CallAttempt, TracingContact

pytest.importorskip("sandbox.twilio", reason="the Twilio stand-in (sandbox/twilio.py) is not there yet")
pytestmark = pytest.mark.slow

# Keys for one whole health check by keypad: identity, year of birth (+ confirm), 7 symptoms, 4 danger
# signs when symptomatic, onset, contact, epidemic area, doses, chronic, then the CDC offer.
SYMPTOMATIC = ["1", "1985", "1", "1", "2", "2", "2", "2", "2", "2", "2", "2", "2", "2", "1", "1", "2", "2", "2", "2"]
HEALTHY = ["1", "1990", "1", "2", "2", "2", "2", "2", "2", "2", "2", "2", "2", "2"]
PEOPLE = {
    "0981000001": [{"result": "busy"}, {"result": "human", "digits": SYMPTOMATIC}],
    "0981000002": [{"result": "no-answer"}] * 4,
    "0981000003": [{"result": "machine", "answered_by": "machine_start"}, {"result": "human", "digits": ["2"]}],
    "0981000004": [{"result": "failed"}, {"result": "human", "digits": HEALTHY}],
}


def _e164(national: str) -> str:
    return "+84" + national[1:]


def _script(sandbox, to: str, outcomes: list[dict]) -> None:
    httpx.post(f"{sandbox.url}/_sandbox/twilio/script", json={"to": to, "outcomes": outcomes},
               timeout=5).raise_for_status()


def _contacts(db) -> dict[str, TracingContact]:
    with db() as session:
        return {c.phone: c for c in session.scalars(select(TracingContact))}


def _quiet(settings, db):
    """Nobody is being called and nobody is due now (tracing or follow-up): the run waits for the clock."""
    now = clock.now(settings)
    contacts = _contacts(db).values()
    due = lambda c: clock.as_utc(c.next_attempt_at) <= now  # noqa: E731
    return all("calling" not in (c.status, c.followup_status)
               and not (c.status == "pending" and due(c))
               and not (c.status == "reached" and c.followup_status == "pending" and due(c)) for c in contacts)


def _followups_done(db, phones: list[str]) -> bool:
    """Each of `phones` has a finished follow-up (check) call."""
    with db() as session:
        done = session.scalars(select(CallAttempt.to_phone).where(CallAttempt.purpose == "followup",
                                                                  CallAttempt.ended_at.is_not(None))).all()
    return set(phones) <= set(done)


def test_mixed_outcomes_retries_final_states_alerts_sms(settings, db, redis_client, sandbox_clean, web, worker, daytime):
    for national, outcomes in PEOPLE.items():
        _script(sandbox_clean, _e164(national), outcomes)
    rows = [{"phone": n, "name": f"Người {i}", "classification": "F1", "exposure_date": str(daytime.date() - timedelta(days=2))}
            for i, n in enumerate(PEOPLE)]
    assert import_rows(settings, "run", rows).imported == 4
    for _ in range(8):  # each round: calls settle, then the clock jumps to the next tracing retry
        wait_until(lambda: _quiet(settings, db), timeout=60, interval=0.2)
        pending = [c for c in _contacts(db).values() if c.status == "pending"]
        if not pending:
            break
        due = min(clock.as_utc(c.next_attempt_at) for c in pending)
        clock.advance(settings, (due - clock.now(settings)).total_seconds() + 1)
    people = _contacts(db)
    states = {n: people[_e164(n)].status for n in PEOPLE}
    assert states == {"0981000001": "reached", "0981000002": "unreachable",
                      "0981000003": "unreachable", "0981000004": "reached"}
    # Contact 3's machine retry moved the clock to the next day: the F1s reached on day one got their
    # daily check call (a separate round: nobody answers it here) and are still "reached".
    reached = [_e164("0981000001"), _e164("0981000004")]
    wait_until(lambda: _followups_done(db, reached), timeout=60, interval=0.2)
    people = _contacts(db)
    assert [people[p].status for p in reached] == ["reached", "reached"]
    assert [people[p].followup_status for p in reached] == ["pending", "pending"]  # retried later today
    with db() as session:
        followups = session.scalars(select(CallAttempt).where(CallAttempt.purpose == "followup")).all()
        assert sorted((a.to_phone, a.outcome) for a in followups) == [(p, "no_confirmation") for p in reached]
        attempts = session.scalars(select(CallAttempt).where(CallAttempt.purpose == "tracing")
                                   .order_by(CallAttempt.id)).all()
        by_phone: dict[str, list[CallAttempt]] = {}
        for a in attempts:
            by_phone.setdefault(a.to_phone, []).append(a)
        outcomes = {n: [a.outcome for a in by_phone[_e164(n)]] for n in PEOPLE}
        assert outcomes == {"0981000001": ["busy", "reached"], "0981000002": ["no_answer"] * 4,
                            "0981000003": ["machine", "wrong_person"], "0981000004": ["failed", "reached"]}
        # Each retry came no earlier than its configured delay after the call before it ended.
        delays = {"busy": settings.retry_busy_s, "no_answer": settings.retry_no_answer_s,
                  "machine": settings.retry_machine_s, "failed": settings.retry_failed_s}
        for calls in by_phone.values():
            for before, after in zip(calls, calls[1:]):
                gap = clock.as_utc(after.started_at) - clock.as_utc(before.ended_at)
                assert timedelta(seconds=delays[before.outcome]) <= gap < timedelta(seconds=delays[before.outcome] + 120)
        declarations = session.scalars(select(Declaration)).all()
        assert sorted(d.tracing_contact_id for d in declarations) == sorted(
            [people[_e164("0981000001")].id, people[_e164("0981000004")].id])
        alerts = session.scalars(select(Alert)).all()
        symptomatic = next(d for d in declarations if d.tracing_contact_id == people[_e164("0981000001")].id)
        assert [a.declaration_id for a in alerts] == [symptomatic.id]
    # The unreachable person (not the wrong number) got the SMS.
    wait_until(lambda: _contacts(db)[_e164("0981000002")].sms_sent_at is not None, timeout=20)
    assert _contacts(db)[_e164("0981000003")].sms_sent_at is None
    assert people[_e164("0981000001")].followup_until == daytime.date() - timedelta(days=2) + timedelta(days=settings.f1_followup_days)


def test_worker_killed_mid_run_nobody_called_twice_nobody_lost(settings, db, redis_client, sandbox_clean, web, daytime, tmp_path):
    httpx.post(f"{sandbox_clean.url}/_sandbox/twilio/script",
               json={"default": {"result": "human", "digits": ["2"]}, "delay_scale": 0.05}, timeout=5).raise_for_status()
    env = {"CALLS_PER_SECOND": "10", "MAX_CALLS_IN_PROGRESS": "8"}
    workers = [start_worker(["calls"], env=env, log=tmp_path / f"w{i}.log") for i in range(2)]
    try:
        rows = [{"phone": f"0982{i:06d}", "name": f"K {i}", "classification": "F2", "exposure_date": "2026-11-20"}
                for i in range(60)]
        import_rows(settings.with_(calls_per_second=10), "kill", rows)
        with db() as session:
            wait_until(lambda: session.scalar(select(CallAttempt.id).where(CallAttempt.id > 0).offset(15).limit(1)),
                       timeout=60)
        os.killpg(workers[0].pid, signal.SIGKILL)
        workers[0].wait(timeout=10)
        workers[0] = start_worker(["calls"], env=env, log=tmp_path / "w0-restarted.log")
        wait_until(lambda: all(c.status == "unreachable" for c in _contacts(db).values()), timeout=180, interval=0.5)
    finally:
        for proc in workers:
            proc.terminate()
    with db() as session:
        attempts = session.scalars(select(CallAttempt)).all()
    placed = [a for a in attempts if a.status != "abandoned"]
    assert len({a.contact_id for a in placed}) == 60  # nobody lost
    by_phone: dict[str, list[CallAttempt]] = {}
    for a in placed:
        by_phone.setdefault(a.to_phone, []).append(a)
    for calls in by_phone.values():  # never two calls to one person at once
        calls.sort(key=lambda a: a.started_at)
        for before, after in zip(calls, calls[1:]):
            assert before.ended_at is not None and before.ended_at <= after.started_at
    assert all(len(calls) == 1 for calls in by_phone.values())
