"""Nothing accepted is lost: 2,000 citizens' messages at 50/s while two workers are SIGKILLed, Redis is
restarted once and the database is unreachable for 10 s. Counts, at the provider stand-in, who got an answer,
who got more than one, and the apologies; compares with the naive pipeline in the same run (INBOUND_MAX_ATTEMPTS=1:
a failed message is apologised for at once and dropped, as Loa did before the retries and dead letters).

    .venv/bin/python bench/faults.py [--messages 2000] [--rate 50] [--workers 2] [--db-outage 10]

The database is the machine's PostgreSQL (127.0.0.1:5432, database loa_faults, made afresh) reached through a
TCP proxy that this script stops for the outage, so no other user of that server is disturbed; without a
PostgreSQL server the run uses SQLite and skips the outage (db_outage_s=0). Redis is a private embedded
redis-server (append-only file), stopped and started again on the same port. Workers that die are started
again, as a supervisor (honcho, systemd) does in production. The engine is Loa's own, the NLU its fallback
matcher (Rasa is not started: its latency is not what is measured).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core import embedded_redis  # noqa: E402
from core.testing import free_port, wait_http  # noqa: E402

PY = sys.executable
SECRET = "sandbox-webhook-secret"
APOLOGY = ("Xin lỗi, hệ thống", "Sorry, something went wrong")
FIRST_CHAT = 7_100_000


class DbProxy:
    """A TCP proxy to PostgreSQL that can be switched off (connections reset, new ones refused) and on again."""

    def __init__(self, target_port: int = 5432):
        self.port, self.target = free_port(), target_port
        self.loop = asyncio.new_event_loop()
        self.server = None
        self.writers: set = set()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()

    async def _pipe(self, reader, writer) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def _client(self, reader, writer) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target)
        except OSError:
            writer.close()
            return
        self.writers |= {writer, up_writer}
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        self.writers -= {writer, up_writer}

    def up(self) -> None:
        """Accept connections."""
        async def start():
            self.server = await asyncio.start_server(self._client, "127.0.0.1", self.port)
        asyncio.run_coroutine_threadsafe(start(), self.loop).result()

    def down(self) -> None:
        """Refuse new connections and reset the open ones: the database is gone."""
        async def stop():
            self.server.close()
            for writer in list(self.writers):
                writer.transport.abort()
            self.writers.clear()
        asyncio.run_coroutine_threadsafe(stop(), self.loop).result()


def postgres_answers() -> bool:
    """True when the machine's PostgreSQL listens on 127.0.0.1:5432."""
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            return True
    except OSError:
        return False


def fresh_database() -> None:
    """Drop and create the loa_faults database on the machine's PostgreSQL."""
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS loa_faults WITH (FORCE)")
        conn.execute("CREATE DATABASE loa_faults")


class Stack:
    """Private Redis, the database (through the proxy), the sandbox, the web app and supervised workers."""

    def __init__(self, workers: int, use_postgres: bool, naive: bool):
        self.tmp = Path(tempfile.mkdtemp(prefix="loa-faults-"))
        self.redis_port, self.web_port, self.sandbox_port = free_port(), free_port(), free_port()
        self.proxy = DbProxy() if use_postgres else None
        db = (f"postgresql+psycopg://postgres@127.0.0.1:{self.proxy.port}/loa_faults" if use_postgres
              else f"sqlite:///{self.tmp / 'loa.db'}")
        self.env = {**os.environ, "DATABASE_URL": db, "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
                    "LOG_LEVEL": "WARNING", "SANDBOX_PORT": str(self.sandbox_port), "PORT": str(self.web_port),
                    "NLU_URL": f"http://127.0.0.1:{free_port()}", "PYTHONPATH": str(ROOT)}
        if naive:
            self.env["INBOUND_MAX_ATTEMPTS"] = "1"
        self.redis = None
        self.workers: list[subprocess.Popen | None] = [None] * workers
        self.others: list[subprocess.Popen] = []
        self.restarts = 0
        self.log = open(self.tmp / "stack.log", "ab")
        self.watching = True

    def start(self) -> "Stack":
        """Start everything, migrate, and wait until it answers."""
        if self.proxy:
            fresh_database()
            self.proxy.up()
        self.start_redis()
        subprocess.run([PY, "-m", "core.migrate"], cwd=ROOT, env=self.env, check=True, stdout=subprocess.DEVNULL)
        self.others.append(self._spawn([PY, "-m", "sandbox"]))
        self.others.append(self._spawn([PY, "-m", "gunicorn", "-k", "gthread", "-w", "2", "--threads", "8", "-b",
                                        f"127.0.0.1:{self.web_port}", "--log-level", "warning",
                                        "core.app:create_app()"]))
        for i in range(len(self.workers)):
            self.workers[i] = self._worker()
        for port in (self.sandbox_port, self.web_port):
            wait_http(f"http://127.0.0.1:{port}/", timeout=60)
        httpx.post(f"http://127.0.0.1:{self.sandbox_port}/_sandbox/faults",
                   json={"channel": "telegram", "rate_limit": "off"}, timeout=10).raise_for_status()
        threading.Thread(target=self._supervise, daemon=True).start()
        return self

    def start_redis(self) -> None:
        """(Re)start the private redis-server on its port with its append-only file."""
        _url, self.redis = embedded_redis.start(self.redis_port, self.tmp / "redis")

    def restart_redis(self) -> None:
        """Stop Redis (it writes its append-only file out) and start it again on the same port."""
        embedded_redis.stop(self.redis)
        time.sleep(1.0)
        self.start_redis()

    def _spawn(self, cmd: list[str]) -> subprocess.Popen:
        return subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=self.log, stderr=self.log,
                                start_new_session=True)

    def _worker(self) -> subprocess.Popen:
        return self._spawn([PY, "-m", "core.worker", "inbound"])

    def _supervise(self) -> None:
        while self.watching:
            for i, proc in enumerate(self.workers):
                if proc is not None and proc.poll() is not None and self.watching:
                    self.workers[i] = self._worker()
                    self.restarts += 1
            time.sleep(0.5)

    def kill_worker(self, i: int) -> int:
        """SIGKILL worker i (and its children); returns the items that were in flight (being processed)."""
        import redis

        client = redis.Redis.from_url(self.env["REDIS_URL"])
        in_flight = sum(client.llen(key) for key in client.scan_iter("loa:processing:*"))
        os.killpg(self.workers[i].pid, signal.SIGKILL)
        return in_flight

    def stop(self) -> None:
        """Stop everything this stack started and remove its files."""
        self.watching = False
        for proc in [*self.workers, *self.others]:
            if proc is None:
                continue
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for proc in [*self.workers, *self.others]:
            if proc is not None:
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        embedded_redis.stop(self.redis)
        if self.proxy:
            self.proxy.down()
        shutil.rmtree(self.tmp, ignore_errors=True)


def update(i: int) -> bytes:
    """A Telegram update: citizen i says hello."""
    chat = FIRST_CHAT + i
    return json.dumps({"update_id": 500_000 + i, "message": {
        "message_id": 10 + i, "date": int(time.time()), "text": "xin chao",
        "chat": {"id": chat, "type": "private", "first_name": "Dan"},
        "from": {"id": chat, "is_bot": False, "first_name": "Dan", "language_code": "vi"}}}).encode()


async def offer(url: str, count: int, rate: float, deadline_s: float = 120.0) -> int:
    """POST `count` updates at `rate`/s; like a provider, retry each on 5xx or no answer until accepted.
    Returns how many were accepted (answered 200)."""
    import aiohttp

    accepted = 0
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as client:
        async def one(i: int) -> None:
            nonlocal accepted
            body, give_up = update(i), time.monotonic() + deadline_s
            while time.monotonic() < give_up:
                try:
                    async with client.post(url, data=body, headers=headers) as resp:
                        if resp.status == 200:
                            accepted += 1
                            return
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    pass
                await asyncio.sleep(1.0)

        start, tasks = time.monotonic(), []
        for i in range(count):
            await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
            tasks.append(asyncio.create_task(one(i)))
        await asyncio.gather(*tasks)
    return accepted


def replies_by_chat(sandbox_port: int) -> dict[int, list[str]]:
    """Every message the Telegram stand-in delivered, by chat."""
    messages = httpx.get(f"http://127.0.0.1:{sandbox_port}/_sandbox/messages", params={"channel": "telegram"},
                         timeout=60).json()
    out: dict[int, list[str]] = {}
    for message in messages:
        out.setdefault(int(message["user_id"]), []).append(message["text"])
    return out


def run(args, naive: bool) -> dict:
    """One run of the faults scenario; returns its counts."""
    use_pg = postgres_answers() and not args.sqlite
    stack = Stack(args.workers, use_pg, naive).start()
    in_flight, dead = 0, 0
    try:
        url = f"http://127.0.0.1:{stack.web_port}/webhooks/telegram"
        duration = args.messages / args.rate

        def faults() -> None:
            nonlocal in_flight
            time.sleep(duration * 0.15)
            in_flight += stack.kill_worker(0)
            time.sleep(duration * 0.2)
            in_flight += stack.kill_worker(1 % len(stack.workers))
            time.sleep(duration * 0.15)
            stack.restart_redis()
            time.sleep(duration * 0.15)
            if stack.proxy and args.db_outage > 0:
                stack.proxy.down()
                time.sleep(args.db_outage)
                stack.proxy.up()

        chaos = threading.Thread(target=faults)
        chaos.start()
        accepted = asyncio.run(offer(url, args.messages, args.rate))
        chaos.join()
        # Let the work finish: retries after the outage take up to a minute.
        deadline = time.monotonic() + args.settle
        while time.monotonic() < deadline:
            if len(replies_by_chat(stack.sandbox_port)) >= accepted:
                break
            time.sleep(2)
        time.sleep(3)  # late duplicates, if any, show themselves
        replies = replies_by_chat(stack.sandbox_port)
        import redis

        dead = redis.Redis.from_url(stack.env["REDIS_URL"]).llen("loa:dead-letter")
    finally:
        stack.stop()
    apologies = sum(1 for texts in replies.values() for text in texts if text.startswith(APOLOGY))
    answered = sum(1 for i in range(args.messages) if replies.get(FIRST_CHAT + i))
    # Each hello is answered with one message (the menu); anything more is a duplicate (or an apology and then
    # the real answer, which a citizen would read as one too many).
    duplicated = sum(max(0, len(texts) - 1) for texts in replies.values())
    return {"accepted": accepted, "answered": answered, "lost": accepted - answered, "duplicated": duplicated,
            "in_flight": in_flight, "apologies": apologies, "dead_letters": dead,
            "apologies_per_failed_item": round(apologies / dead, 2) if dead else 0.0,
            "worker_restarts": stack.restarts, "db_outage_s": args.db_outage if use_pg else 0}


def main() -> None:
    """Run the scenario for Loa's pipeline, then for the naive one, and print the RESULT line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--db-outage", type=float, default=10.0)
    parser.add_argument("--settle", type=float, default=240.0)
    parser.add_argument("--sqlite", action="store_true", help="use SQLite (no database outage)")
    parser.add_argument("--no-naive", action="store_true")
    args = parser.parse_args()
    loa = run(args, naive=False)
    print("loa:", loa, flush=True)
    naive = None if args.no_naive else run(args, naive=True)
    if naive:
        print("naive:", naive, flush=True)
    fields = " ".join(f"{k}={v}" for k, v in loa.items())
    if naive:
        fields += f" naive_lost={naive['lost']} naive_duplicated={naive['duplicated']} naive_apologies={naive['apologies']}"
    print(f"RESULT {fields}")


if __name__ == "__main__":
    main()
