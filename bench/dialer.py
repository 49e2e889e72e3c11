"""Dialer benchmark: 2,000 people at 10 calls per second with at most 20 in progress, then the hotline's
TwiML latency at 100 concurrent callers. Starts Redis, the sandbox, the web app (gunicorn) and workers,
and stops them. Last line: RESULT achieved_cps=.. max_in_progress=.. duplicates=.. unfinished=.. twiml_p99_ms=..

    .venv/bin/python bench/dialer.py [--people 2000] [--cps 10] [--max-in-progress 20] [--workers 3]
                                     [--naive-people 600] [--web-workers 3]

Then the same measure for a naive design (one RQ job per person, each worker pacing itself by sleeping its
share of the interval; no shared token bucket, no in-progress cap), printed as NAIVE and in RESULT.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.testing import free_port, start_worker, wait_http  # noqa: E402


def _env(tmp: Path, args) -> subprocess.Popen | None:
    """Point every process we start at a fresh database, a fresh Redis and free ports."""
    from core.embedded_redis import start

    os.environ.update({"PORT": str(free_port()), "SANDBOX_PORT": str(free_port()),
                       "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}", "CALLS_PER_SECOND": str(args.cps),
                       "MAX_CALLS_IN_PROGRESS": str(args.max_in_progress), "LOG_LEVEL": "WARNING"})
    os.environ.pop("PUBLIC_URL", None)
    url, proc = start(port=free_port(), data_dir=tmp / "redis")
    os.environ["REDIS_URL"] = url
    return proc


def _spawn(cmd: list[str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(cmd, cwd=ROOT, env=os.environ.copy(), stdout=open(log, "ab"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def _overlap_max(intervals: list[tuple[float, float]]) -> int:
    events = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals], key=lambda x: (x[0], x[1]))
    live = peak = 0
    for _, delta in events:
        live += delta
        peak = max(peak, live)
    return peak


FINAL = ("reached", "unreachable", "opted_out", "closed")


def _script_sandbox(settings) -> None:
    import httpx

    # The sandbox answers at once and fast; the wrong-person key ends each call after one prompt.
    httpx.post(f"{settings.sandbox_url}/_sandbox/twilio/script", timeout=5, json={
        "cps": 1000, "max_concurrent": 10000, "delay_scale": 0.05, "hold": False,
        "default": {"result": "human", "digits": ["2"]}}).raise_for_status()


def _import(settings, name: str, prefix: str, people: int) -> int:
    from ivr.importer import import_rows

    rows = [{"phone": f"{prefix}{i:07d}", "name": f"Bench {i}", "classification": "F2", "exposure_date": "2026-11-20"}
            for i in range(people)]
    return import_rows(settings, name, rows).list_id


def _settle(settings, list_id: int, people: int) -> None:
    """Wait until every person of the list is in a final state (or a generous deadline passes)."""
    from sqlalchemy import select

    from core.db import session_scope
    from ivr.models import TracingContact

    deadline = time.monotonic() + people / settings.calls_per_second * 3 + 120
    while time.monotonic() < deadline:
        with session_scope(settings.database_url) as session:
            left = session.scalar(select(TracingContact.id).where(TracingContact.list_id == list_id,
                                                                  TracingContact.status.not_in(FINAL)).limit(1))
        if left is None:
            return
        time.sleep(1)


def measure(settings, list_id: int) -> dict:
    """The run of one list, from its call records: achieved CPS, peak calls in progress, duplicates, unfinished."""
    from sqlalchemy import select

    from core import clock
    from core.db import session_scope
    from ivr.models import CallAttempt, TracingContact

    with session_scope(settings.database_url) as session:
        attempts = session.execute(select(CallAttempt.to_phone, CallAttempt.started_at, CallAttempt.placed_at,
                                          CallAttempt.ended_at).join(TracingContact)
                                   .where(TracingContact.list_id == list_id)).all()
        unfinished = len(session.scalars(select(TracingContact.id).where(
            TracingContact.list_id == list_id, TracingContact.status.not_in(FINAL))).all())
    ts = lambda v: clock.as_utc(v).timestamp() if v else time.time()  # noqa: E731
    placed = [(p, ts(a), ts(e), ts(s)) for p, s, a, e in attempts if a is not None]
    starts = sorted(a for _, a, _, _ in placed)
    cps = (len(starts) - 1) / (starts[-1] - starts[0]) if len(starts) > 1 else 0.0
    by_phone: dict[str, list[tuple[float, float]]] = {}
    for phone, start, end, _claimed in placed:
        by_phone.setdefault(phone, []).append((start, end))
    # A duplicate: a second call to a person (each person needs exactly one here), overlapping or not.
    duplicates = sum(len(calls) - 1 for calls in by_phone.values())
    # Claim to final callback: how long a call holds an in-progress slot. By Little's law the slots allow
    # at most max_in_progress / hold calls per second, whatever the pacer does.
    hold = sum(e - c for _, _, e, c in placed) / len(placed) if placed else float("nan")
    return {"achieved_cps": cps, "max_in_progress": _overlap_max([(s, e) for _, s, e, _ in placed]),
            "duplicates": duplicates, "unfinished": unfinished, "calls": len(placed), "hold_s": hold}


def dial_run(settings, people: int) -> dict:
    """Loa's dialer: import `people`, wait until every one is settled, and measure the run."""
    from core import clock

    _script_sandbox(settings)
    tz = ZoneInfo(settings.timezone)
    clock.set_now(settings, datetime.now(tz).replace(hour=9, minute=0))
    list_id = _import(settings, "bench", "097", people)
    _settle(settings, list_id, people)
    return measure(settings, list_id)


def naive_call(contact_id: int, pause_s: float) -> str:
    """The naive design compared against: one RQ job per person, paced by each worker sleeping `pause_s`
    (its share of the rate: workers / cps) before its call; no shared token bucket, no in-progress cap."""
    from sqlalchemy import update

    from core import clock
    from core.db import session_scope
    from core.settings import Settings
    from ivr import dialer
    from ivr.models import CallAttempt, TracingContact

    settings = Settings.from_env()
    time.sleep(pause_s)
    now = clock.now(settings)
    with session_scope(settings.database_url) as session:
        claimed = session.execute(update(TracingContact).where(TracingContact.id == contact_id,
                                                               TracingContact.status == "pending")
                                  .values(status="calling", attempts=1, claimed_at=now)).rowcount
        if not claimed:
            return "taken"
        contact = session.get(TracingContact, contact_id)
        attempt = CallAttempt(contact_id=contact_id, attempt_no=1, purpose="tracing", to_phone=contact.phone,
                              from_number=settings.twilio_from_number, status="creating", started_at=now)
        session.add(attempt)
        session.flush()
    dialer.place(settings, contact, attempt)
    return "placed"


def naive_run(settings, people: int, workers: int) -> dict:
    """The naive design on `workers` fresh workers (the 'default' queue): one job per person."""
    from sqlalchemy import select

    from core.db import session_scope
    from core.redis_conn import get_queue
    from ivr.models import TracingContact

    list_id = _import(settings, "naive", "096", people)
    with session_scope(settings.database_url) as session:
        ids = session.scalars(select(TracingContact.id).where(TracingContact.list_id == list_id)).all()
    queue = get_queue("default", settings)
    pause = workers / settings.calls_per_second
    for contact_id in ids:
        queue.enqueue("bench.dialer.naive_call", contact_id, pause, result_ttl=0)
    _settle(settings, list_id, people)
    return measure(settings, list_id)


def _callers(url: str, token: str, account: str, to: str, first: int, count: int, calls_each: int,
             think_s: float, go_at: float) -> list[float]:
    """`count` callers (threads) of one client process; each request's latency in ms."""
    import random

    import httpx
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(token)
    timings: list[float] = []
    lock = threading.Lock()

    def caller(i: int) -> None:
        # Signed beforehand: the client's own CPU work stays out of the timed part.
        requests = []
        for k in range(calls_each):
            params = {"CallSid": f"CA{i:016d}{k:016d}", "AccountSid": account, "From": f"+8498{i:07d}", "To": to,
                      "CallStatus": "ringing", "Direction": "inbound", "ApiVersion": "2010-04-01"}
            requests.append((params, {"X-Twilio-Signature": validator.compute_signature(url, params)}))
        rng = random.Random(i)
        with httpx.Client(timeout=10) as http:
            # Calls are all in progress together, but people do not press keys in the same millisecond:
            # each caller's first request comes within one think time of the start.
            time.sleep(max(0.0, go_at - time.time()) + (think_s * rng.random() if think_s else 0.0))
            for params, headers in requests:
                t0 = time.perf_counter()
                resp = http.post(url, data=params, headers=headers)
                elapsed = (time.perf_counter() - t0) * 1000
                if resp.status_code == 200:
                    with lock:
                        timings.append(elapsed)
                if think_s:
                    time.sleep(think_s * rng.uniform(0.5, 1.5))  # the caller hears the prompt before acting

    threads = [threading.Thread(target=caller, args=(first + i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return timings


def twiml_latency(settings, callers: int = 100, calls_each: int = 10, think_s: float = 1.0, procs: int = 4) -> float:
    """p99 in ms of POST /voice/incoming with `callers` concurrent callers, starting within one think time.

    Each caller waits `think_s` (about; a real prompt is 5-10 s) before its next call, as a person would;
    think_s=0 sends back-to-back requests, which measures throughput (p99 ~ callers / requests per second)
    more than latency. Callers run in `procs` client processes so one client's GIL does not skew the timings.
    """
    from concurrent.futures import ProcessPoolExecutor

    url = f"{settings.public_url}/voice/incoming"
    per = callers // procs
    go_at = time.time() + 2.0
    with ProcessPoolExecutor(procs) as pool:
        futures = [pool.submit(_callers, url, settings.twilio_auth_token, settings.twilio_account_sid,
                               settings.twilio_from_number, n * per, per, calls_each, think_s, go_at)
                   for n in range(procs)]
        timings = sorted(t for f in futures for t in f.result())
    if len(timings) < per * procs * calls_each:
        print(f"twiml: only {len(timings)} of {per * procs * calls_each} requests answered 200")
    return timings[int(len(timings) * 0.99) - 1] if timings else float("nan")


def main() -> None:
    """Start everything, run both phases, stop everything, print the RESULT line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--cps", type=float, default=10.0)
    parser.add_argument("--max-in-progress", type=int, default=20)
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--naive-people", type=int, default=600, help="people for the naive design (0: skip it)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="loa-bench-dialer-"))
    redis_proc = _env(tmp, args)
    from core import migrate
    from core.settings import Settings

    settings = Settings.from_env()
    migrate.upgrade(settings.database_url)
    servers = [
        _spawn([sys.executable, "-m", "sandbox"], tmp / "sandbox.log"),
        _spawn([str(ROOT / ".venv/bin/gunicorn"), "--workers", str(args.web_workers), "--threads", "8",
                "--bind", f"127.0.0.1:{settings.port}", "core.app:create_app()"], tmp / "web.log"),
    ]
    workers = [start_worker(["calls"], log=tmp / f"worker{i}.log") for i in range(args.workers)]
    naive_workers: list[subprocess.Popen] = []
    naive = None
    try:
        wait_http(settings.sandbox_url + "/_sandbox/twilio/script")
        wait_http(settings.public_url + "/healthz")
        t0 = time.monotonic()
        run = dial_run(settings, args.people)
        print(f"dial run: {run['calls']} calls in {time.monotonic() - t0:.0f} s, mean slot hold {run['hold_s']:.2f} s "
              f"(Little's bound {args.max_in_progress / run['hold_s']:.2f} cps); logs in {tmp}")
        _stop(workers)  # the naive design runs alone, on its own workers
        if args.naive_people:
            naive_workers = [start_worker(["default"], log=tmp / f"naive{i}.log") for i in range(args.workers)]
            t0 = time.monotonic()
            naive = naive_run(settings, args.naive_people, args.workers)
            print(f"naive run (one job per call, each worker sleeps {args.workers}/{args.cps:g} s before its call, "
                  f"no shared bucket, no in-progress cap): {naive['calls']} calls in {time.monotonic() - t0:.0f} s")
            print(f"NAIVE achieved_cps={naive['achieved_cps']:.2f} max_in_progress={naive['max_in_progress']} "
                  f"duplicates={naive['duplicates']} unfinished={naive['unfinished']}")
            _stop(naive_workers)
        saturated = twiml_latency(settings, think_s=0)
        print(f"twiml back-to-back (no pause between a caller's requests): p99 {saturated:.1f} ms")
        p99 = twiml_latency(settings)
    finally:
        _stop(workers + naive_workers + servers)
        if redis_proc:
            time.sleep(1)  # the workers stop before their Redis
            _stop([redis_proc])
    naive_part = (f" naive_cps={naive['achieved_cps']:.2f} naive_max_in_progress={naive['max_in_progress']}"
                  if naive else "")
    print(f"RESULT achieved_cps={run['achieved_cps']:.2f} max_in_progress={run['max_in_progress']} "
          f"duplicates={run['duplicates']} unfinished={run['unfinished']} twiml_p99_ms={p99:.1f}{naive_part}")


def _stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
