"""Broadcast dispatch benchmark. Starts its own Redis, database, sink, sandbox and workers, and stops them.

(a) 100,000 Zalo recipients, limits lifted, against a minimal aiohttp sink answering like the Zalo API
    (bench/broadcast_sink.py): deliveries per second with one worker and with two, and the naive design (one
    RQ job per message, a blocking send and a one-row UPDATE) on --naive messages, in the same run;
(b) 1,500 Telegram messages against the sandbox enforcing 30/s (two workers sharing the bucket): achieved rate
    as a percent of 30/s, and how many 429s came back;
(c) planning 1,000,000 recipients on PostgreSQL: seconds and the planner's peak memory (its own process).

    .venv/bin/python bench/broadcast.py [--quick] [--recipients 100000] [--naive 3000] [--telegram 1500]
                                        [--plan 1000000] [--sqlite]

PostgreSQL (127.0.0.1:5432, user postgres) gets a database of its own, loa_bench_broadcast, dropped at the
start; --sqlite runs (a) and (b) on a temporary SQLite file instead. Last line:
RESULT per_worker_dps=.. naive_dps=.. ratio=.. two_worker_dps=.. tg_rate_pct=.. tg_429=.. plan_1m_s=.. plan_1m_mb=..
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.broadcast_data import fresh_postgres, plan_cost, seed  # noqa: E402
from core.testing import free_port, start_worker, wait_http  # noqa: E402

_http = None


def campaign(url: str, topic: str, planned: bool = True) -> int:
    """A launched-ready urgent campaign for the subscribers of `topic`, planned now (not timed)."""
    from broadcasts.models import Campaign
    from broadcasts.planning import plan
    from core.db import session_factory

    with session_factory(url)() as db:
        row = Campaign(title="bench", body_vi="Thông báo thử", buttons=[], audience={"topic": topic},
                       allow_sms=False, urgent=True, state="scheduled", in_flight_lost=0)
        db.add(row)
        db.commit()
        if planned:
            plan(db, row.id, chunk_size=500)
            db.commit()
        return row.id


def unfinished(url: str, campaign_id: int) -> int:
    """Rows still queued or in flight."""
    from broadcasts import leases
    from core.db import session_factory

    with session_factory(url)() as db:
        return leases.unfinished(db, campaign_id)


def workers_up(settings, count: int) -> None:
    """Wait until `count` RQ workers have registered (their start-up is not part of the measure)."""
    from rq import Worker

    from core.redis_conn import get_redis

    deadline = time.monotonic() + 60
    while len(Worker.all(connection=get_redis(settings))) < count and time.monotonic() < deadline:
        time.sleep(0.1)


def dispatch_rate(settings, tmp: Path, topic: str, workers: int, label: str) -> tuple[float, int]:
    """Launch a campaign to `topic` with `workers` workers; (deliveries per second, campaign id)."""
    from broadcasts.dispatch import launch
    from core.db import session_factory

    url = settings.database_url
    campaign_id = campaign(url, topic)
    with session_factory(url)() as db:
        total = len(db.execute(__import__("sqlalchemy").text(
            "SELECT id FROM delivery WHERE campaign_id = :c"), {"c": campaign_id}).all())
    procs = [start_worker(["broadcasts"], log=tmp / f"{label}-{i}.log") for i in range(workers)]
    try:
        workers_up(settings, workers)
        started = time.perf_counter()
        launch(settings, campaign_id)
        while unfinished(url, campaign_id):
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
    finally:
        for proc in procs:
            _stop(proc)
    print(f"{label}: {total} deliveries in {elapsed:.1f} s with {workers} worker(s): {total / elapsed:.0f}/s",
          flush=True)
    return total / elapsed, campaign_id


def naive_send(url: str, api: str, delivery_id: int, user_id: str) -> None:
    """The naive design's job: one message, a blocking POST, one UPDATE of its row."""
    global _http
    import httpx
    from sqlalchemy import text

    from core.db import get_engine

    _http = _http or httpx.Client(timeout=10)
    data = _http.post(f"{api}/v3.0/oa/message/cs", json={"recipient": {"user_id": user_id},
                                                         "message": {"text": "Thông báo thử"}},
                      headers={"access_token": "bench"}).json()
    with get_engine(url).begin() as conn:
        conn.execute(text("UPDATE delivery SET status = 'sent', provider_msg_id = :m WHERE id = :i"),
                     {"m": data["data"]["message_id"], "i": delivery_id})


def naive_rate(settings, tmp: Path, topic: str, count: int) -> float:
    """Messages per second of one RQ job per message on one worker."""
    from rq import Queue
    from sqlalchemy import text

    from core.db import session_factory
    from core.redis_conn import get_redis

    url = settings.database_url
    campaign_id = campaign(url, topic)
    with session_factory(url)() as db:
        rows = db.execute(text("SELECT id, address FROM delivery WHERE campaign_id = :c ORDER BY id LIMIT :n"),
                          {"c": campaign_id, "n": count}).all()
    queue = Queue("broadcasts", connection=get_redis(settings))
    jobs = [Queue.prepare_data("bench.broadcast.naive_send", (url, settings.zalo_api_base, rid, addr), result_ttl=0)
            for rid, addr in rows]
    proc = start_worker(["broadcasts"], log=tmp / "naive.log")
    try:
        workers_up(settings, 1)
        started = time.perf_counter()
        for start in range(0, len(jobs), 500):
            queue.enqueue_many(jobs[start:start + 500])
        while True:
            with session_factory(url)() as db:
                done = db.scalar(text("SELECT count(*) FROM delivery WHERE campaign_id = :c AND status = 'sent'"),
                                 {"c": campaign_id})
            if done >= len(rows):
                break
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
    finally:
        _stop(proc)
    print(f"naive: {len(rows)} deliveries in {elapsed:.1f} s, one RQ job each: {len(rows) / elapsed:.0f}/s", flush=True)
    return len(rows) / elapsed


def telegram_rate(settings, tmp: Path, topic: str, count: int) -> tuple[float, int]:
    """(achieved rate as % of 30/s, 429s) for `count` Telegram messages through the sandbox, two workers."""
    import httpx
    from datetime import datetime

    from core.db import session_factory
    from sqlalchemy import text

    sandbox = subprocess.Popen([sys.executable, "-m", "sandbox"], cwd=ROOT, env=os.environ.copy(),
                               stdout=open(tmp / "sandbox.log", "ab"), stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_http(f"{settings.sandbox_url}/_sandbox/faults")
        _, campaign_id = dispatch_rate(settings, tmp, topic, 2, "telegram")
        found = httpx.get(f"{settings.sandbox_url}/_sandbox/messages", params={"channel": "telegram"},
                          timeout=60).json()
    finally:
        _stop(sandbox)
    stamps = sorted(datetime.fromisoformat(m["time"]).timestamp() for m in found)
    rate = (len(stamps) - 1) / (stamps[-1] - stamps[0])
    with session_factory(settings.database_url)() as db:
        retries = db.scalar(text("SELECT coalesce(sum(attempts - 1), 0) FROM delivery WHERE campaign_id = :c"),
                            {"c": campaign_id})
    print(f"telegram: {len(stamps)} messages at {rate:.2f}/s ({rate / 30 * 100:.1f}% of 30/s), "
          f"{retries} retried after a 429", flush=True)
    return rate / 30 * 100, int(retries)


def _stop(proc: subprocess.Popen) -> None:
    import signal

    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def main() -> None:
    """Run (a), (b) and (c) and print the RESULT line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 / 1,000 naive / 300 Telegram / 100,000 planned")
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--naive", type=int, default=3_000)
    parser.add_argument("--telegram", type=int, default=1_500)
    parser.add_argument("--plan", type=int, default=1_000_000)
    parser.add_argument("--sqlite", action="store_true", help="(a) and (b) on SQLite")
    args = parser.parse_args()
    if args.quick:
        args.recipients, args.naive, args.telegram, args.plan = 10_000, 1_000, 300, 100_000
    tmp = Path(tempfile.mkdtemp(prefix="loa-bench-broadcast-"))
    from core.embedded_redis import start

    pg = fresh_postgres()
    url = f"sqlite:///{tmp / 'bench.db'}" if args.sqlite or pg is None else pg
    sink_port = free_port()
    redis_url, redis_proc = start(port=free_port(), data_dir=tmp / "redis")
    # The sink stands where the sandbox would (SANDBOX_PORT) for (a); the sandbox takes that place for (b).
    os.environ.update({"DATABASE_URL": url, "REDIS_URL": redis_url, "PORT": str(free_port()),
                       "SANDBOX_PORT": str(sink_port), "LOG_LEVEL": "WARNING", "ZALO_ACCESS_TOKEN": "bench"})
    for name in ("PUBLIC_URL", "ZALO_API_BASE", "ZALO_OAUTH_BASE", "TELEGRAM_API_BASE", "TWILIO_API_BASE"):
        os.environ.pop(name, None)
    sink = subprocess.Popen([sys.executable, str(ROOT / "bench" / "broadcast_sink.py"), str(sink_port)], cwd=ROOT,
                            stdout=open(tmp / "sink.log", "ab"), stderr=subprocess.STDOUT, start_new_session=True)
    try:
        from core import migrate
        from core.settings import Settings

        migrate.upgrade(url)
        wait_http(f"http://127.0.0.1:{sink_port}/count")
        if Settings.from_env().zalo_api_base != f"http://127.0.0.1:{sink_port}/zalo/openapi":
            raise SystemExit("ZALO_API_BASE must be the sink's")
        lifted = Settings.from_env(broadcast_zalo_per_second=0.0, broadcast_telegram_per_second=30.0)
        seed(url, 1, args.recipients, "zalo", "bench")
        seed(url, 10_000_001, args.telegram, "telegram", "tg")
        one, _ = dispatch_rate(lifted, tmp, "bench", 1, "one worker")
        two, _ = dispatch_rate(lifted, tmp, "bench", 2, "two workers")
        naive = naive_rate(lifted, tmp, "bench", args.naive)
        os.environ["SANDBOX_PORT"] = str(free_port())
        tg_pct, tg_429 = telegram_rate(Settings.from_env(broadcast_zalo_per_second=0.0,
                                                         broadcast_telegram_per_second=30.0), tmp, "tg", args.telegram)
        if pg is not None:
            plan_s, plan_mb = plan_cost(pg, 20_000_001, args.plan, campaign)
        else:
            plan_s, plan_mb = float("nan"), float("nan")
            print("plan: PostgreSQL does not answer on 127.0.0.1:5432; skipped", flush=True)
    finally:
        _stop(sink)
        if redis_proc is not None:
            redis_proc.kill()
    print(f"(machine load while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; logs in {tmp})")
    print(f"RESULT per_worker_dps={one:.0f} naive_dps={naive:.0f} ratio={one / naive:.1f} two_worker_dps={two:.0f} "
          f"tg_rate_pct={tg_pct:.1f} tg_429={tg_429} plan_1m_s={plan_s:.1f} plan_1m_mb={plan_mb:.0f}")


if __name__ == "__main__":
    main()
