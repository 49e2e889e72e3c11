"""Webhook ack latency and end-to-end reply latency at a steady 200 signed Zalo webhooks per second,
for Loa's design (verify -> dedupe -> inbox -> RQ workers) against the naive one (the engine and the
send inside the webhook), in the same run. Starts and stops everything it needs.

    .venv/bin/python bench/webhooks.py [--rate 200] [--seconds 30] [--naive-seconds 15] [--workers 2] [--no-rasa] [--echo]
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.testing import free_port, wait_http  # noqa: E402

PY = sys.executable
APP_ID = "1000000000000000001"


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of values, nearest rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def signed_event(user_id: str, msg_id: str, text: str, secret: str) -> tuple[bytes, dict]:
    """A user_send_text body and its X-ZEvent-Signature, as Zalo would send them."""
    ts = str(int(time.time() * 1000))
    body = json.dumps({"app_id": APP_ID, "user_id_by_app": user_id, "event_name": "user_send_text", "timestamp": ts,
                       "sender": {"id": user_id}, "recipient": {"id": "2000000000000000002"},
                       "message": {"msg_id": msg_id, "text": text}}, ensure_ascii=False).encode()
    mac = hashlib.sha256(APP_ID.encode() + body + ts.encode() + secret.encode()).hexdigest()
    return body, {"Content-Type": "application/json", "X-ZEvent-Signature": f"mac={mac}"}


class Stack:
    """Redis, a migrated SQLite database, the sandbox, Loa's web app (gunicorn), the naive app and 2 workers."""

    def __init__(self, handler: str | None, workers: int = 2, with_rasa: bool = True):
        self.workers, self.with_rasa = workers, with_rasa
        self.roles: dict[str, subprocess.Popen] = {}
        self.tmp = Path(tempfile.mkdtemp(prefix="loa-bench-"))
        self.procs: list[subprocess.Popen] = []
        self.web_port, self.naive_port, self.sandbox_port = free_port(), free_port(), free_port()
        self.env = {**os.environ, "DATABASE_URL": f"sqlite:///{self.tmp / 'loa.db'}", "LOG_LEVEL": "WARNING",
                    "SANDBOX_PORT": str(self.sandbox_port), "PORT": str(self.web_port),
                    "NLU_URL": f"http://127.0.0.1:{free_port()}", "PYTHONPATH": str(ROOT)}
        if handler:
            self.env["BOT_HANDLER"] = handler

    def start(self) -> "Stack":
        """Start everything and wait until it answers."""
        if not os.environ.get("REDIS_URL"):
            from core.embedded_redis import start as start_redis

            url, proc = start_redis(port=free_port(), data_dir=self.tmp / "redis")
            self.env["REDIS_URL"] = url
            if proc:
                self.procs.append(proc)
                self.roles["redis"] = proc
        if self.with_rasa:
            from nlu.server import start_rasa_server, wait_ready

            port = int(self.env["NLU_URL"].rsplit(":", 1)[1])
            proc = start_rasa_server(port, log=self.tmp / "rasa.log")
            self.procs.append(proc)
            self.roles["rasa"] = proc
            wait_ready(self.env["NLU_URL"], proc)
        subprocess.run([PY, "-m", "core.migrate"], cwd=ROOT, env=self.env, check=True, stdout=subprocess.DEVNULL)
        log = open(self.tmp / "stack.log", "ab")
        # Acks are what must stay fast: the workers and the provider stand-in yield the CPU to the web
        # processes and the load generator (on a 2-core machine they all compete).
        self._spawn(["nice", "-n", "10", PY, "-m", "sandbox"], log, "sandbox")
        for port, app, role in ((self.web_port, "core.app:create_app()", "web"),
                                (self.naive_port, "bench.webhooks:naive_app()", "naive")):
            self._spawn([PY, "-m", "gunicorn", "-k", "gthread", "-w", "2", "--threads", "8", "-b",
                         f"127.0.0.1:{port}", "--log-level", "warning", app], log, role)
        for i in range(self.workers):
            self._spawn(["nice", "-n", "10", PY, "-m", "core.worker", "inbound"], log, f"worker{i}")
        for port in (self.sandbox_port, self.web_port, self.naive_port):
            wait_http(f"http://127.0.0.1:{port}/", timeout=60)
        self._wait_workers(timeout=120)
        # Real Zalo allows about 20 calls/s per app; this measures Loa, so the stand-in's limit is lifted.
        httpx.post(f"http://127.0.0.1:{self.sandbox_port}/_sandbox/faults",
                   json={"channel": "zalo", "rate_limit": "off"}, timeout=10).raise_for_status()
        return self

    def _wait_workers(self, timeout: float) -> None:
        """Wait until every worker has registered with RQ (it warms the engine and the matcher first)."""
        import redis
        from rq import Worker

        client = redis.Redis.from_url(self.env["REDIS_URL"])
        deadline = time.monotonic() + timeout
        while len(Worker.all(connection=client)) < self.workers and time.monotonic() < deadline:
            time.sleep(0.5)

    def wait_idle(self, timeout: float) -> None:
        """Wait until no inbound job is waiting (the workers caught up), at most `timeout` seconds."""
        import redis

        client = redis.Redis.from_url(self.env["REDIS_URL"])
        deadline = time.monotonic() + timeout
        while client.llen("rq:queue:inbound") and time.monotonic() < deadline:
            time.sleep(1)

    def _spawn(self, cmd: list[str], log, role: str) -> None:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True)
        self.procs.append(proc)
        self.roles[role] = proc

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds used so far by each started process and its children (one session each), by role."""
        tick = os.sysconf("SC_CLK_TCK")
        by_session: dict[int, float] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            # After the command: state ppid pgrp session ... utime(12) stime(13) counted from state.
            by_session[int(fields[3])] = by_session.get(int(fields[3]), 0.0) + (int(fields[11]) + int(fields[12])) / tick
        return {role: by_session.get(proc.pid, 0.0) for role, proc in self.roles.items()}

    def stop(self) -> None:
        """Stop every process this stack started, then remove its files."""
        for proc in self.procs:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(self.tmp, ignore_errors=True)


def naive_app():
    """The naive design, for comparison: the engine runs and the reply is sent inside the webhook."""
    from flask import Flask, abort, request

    from bot.channels import get_adapter
    from bot.inbound import process, resolve_handler
    from core.settings import Settings

    settings = Settings.from_env()
    app = Flask("naive")
    engine = resolve_handler(settings.bot_handler)

    @app.post("/webhooks/zalo")
    def webhook():
        adapter = get_adapter("zalo", settings)
        body = request.get_data()
        if not adapter.verify(request.headers, body):
            abort(403)
        for inbound in adapter.parse(body):
            process(settings, inbound, engine)
        return {"status": "done"}

    return app


async def offer_load(url: str, bodies: list[tuple[bytes, dict]], rate: float) -> tuple[list[float], list[float], float]:
    """POST the bodies at a steady rate (open loop: late answers never slow the offer); returns send times,
    ack latencies in ms (NaN when failed) and the rate actually offered. aiohttp, not httpx: at 200
    requests/s httpx's own CPU time (on the same 2 cores) showed up as webhook latency."""
    import aiohttp

    sent = [0.0] * len(bodies)
    acks = [float("nan")] * len(bodies)
    connector = aiohttp.TCPConnector(limit=400)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as client:
        async def one(i: int) -> None:
            body, headers = bodies[i]
            sent[i] = time.time()
            start = time.perf_counter()
            try:
                async with client.post(url, data=body, headers=headers) as resp:
                    await resp.read()
                    if resp.status == 200:
                        acks[i] = (time.perf_counter() - start) * 1000
            except (aiohttp.ClientError, asyncio.TimeoutError):
                pass

        tasks, t0 = [], time.perf_counter()
        for i in range(len(bodies)):
            delay = t0 + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(i)))
        offered = len(bodies) / (time.perf_counter() - t0)
        await asyncio.gather(*tasks)
    return sent, acks, offered


def reply_latencies(sandbox: str, users: list[str], sent: list[float], timeout: float) -> list[float]:
    """Per user, ms from the webhook being sent to the first reply message the sandbox recorded (its own clock):
    when the citizen sees an answer (a menu's second button card follows within milliseconds)."""
    index = {user: i for i, user in enumerate(users)}
    deadline = time.monotonic() + timeout
    last: dict[int, float] = {}  # user index -> time of the first reply
    seen = 0  # a cursor, so that polling costs the sandbox (on the same CPU) only the new messages
    with httpx.Client(timeout=30) as client:
        while True:
            data = client.get(f"{sandbox}/_sandbox/messages", params={"channel": "zalo", "after": seen}).json()
            seen += len(data)
            for m in data:
                i = index.get(m["user_id"])
                if i is not None and i not in last:
                    last[i] = datetime.fromisoformat(m["time"]).timestamp()
            if len(last) >= len(users) or time.monotonic() > deadline:
                break
            time.sleep(1.0)
    return [(last[i] - sent[i]) * 1000 for i in sorted(last)]


def run_phase(stack: Stack, port: int, label: str, rate: float, seconds: float, secret: str) -> dict:
    """Offer load to one app and measure acks and replies."""
    count = int(rate * seconds)
    users = [f"{label}{i:06d}" for i in range(count)]
    bodies = [signed_event(u, f"{label}-m{i}", "xin chào", secret) for i, u in enumerate(users)]
    cpu_before, own_before = stack.cpu_seconds(), time.process_time()
    sent, acks, offered = asyncio.run(offer_load(f"http://127.0.0.1:{port}/webhooks/zalo", bodies, rate))
    load_cpu = time.process_time() - own_before
    ok = [a for a in acks if a == a]
    replies = reply_latencies(f"http://127.0.0.1:{stack.sandbox_port}", users, sent, timeout=max(60.0, seconds * 4))
    # Where the CPU went, per message: the polling of the sandbox above is left out of the load generator's share.
    cpu = {role: (after - cpu_before.get(role, 0.0)) * 1000 / count for role, after in stack.cpu_seconds().items()}
    workers = sum(v for role, v in cpu.items() if role.startswith("worker"))
    parts = {"web": cpu.get("web", 0.0), "naive": cpu.get("naive", 0.0), "workers": workers,
             "rasa": cpu.get("rasa", 0.0), "sandbox": cpu.get("sandbox", 0.0), "redis": cpu.get("redis", 0.0),
             "load": load_cpu * 1000 / count}
    print(f"{label:6s} CPU ms per message: " + "  ".join(f"{k} {v:.1f}" for k, v in parts.items() if v >= 0.05),
          flush=True)
    result = dict(offered=offered, acked=len(ok), sent=count, replied=len(replies), ack_p50=pct(ok, 50),
                  ack_p99=pct(ok, 99), reply_p50=pct(replies, 50), reply_p95=pct(replies, 95))
    print(f"{label:6s} offered {offered:.0f}/s  acked {len(ok)}/{count}  replied {len(replies)}/{count}  "
          f"ack p50 {result['ack_p50']:.1f} ms p99 {result['ack_p99']:.1f} ms  "
          f"reply p50 {result['reply_p50']:.0f} ms p95 {result['reply_p95']:.0f} ms", flush=True)
    return result


def main() -> None:
    """Run both designs under the same load and print the RESULT line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--naive-seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=2, help="inbound RQ workers")
    parser.add_argument("--no-rasa", action="store_true", help="leave Rasa out: the degraded-mode matcher answers")
    parser.add_argument("--echo", action="store_true", help="use an echo engine instead of bot.engine")
    args = parser.parse_args()
    handler = "bench.webhooks.echo" if args.echo else None
    try:
        import bot.engine  # noqa: F401
    except ImportError:
        handler = "bench.webhooks.echo"
    from core.settings import Settings

    secret = Settings.from_env().zalo_oa_secret_key
    from nlu.server import unavailable_reason

    no_rasa = args.no_rasa or handler is not None or unavailable_reason() is not None
    stack = Stack(handler, args.workers, with_rasa=not no_rasa).start()
    try:
        print(f"engine: {handler or 'bot.engine.handle'}; NLU: {'degraded-mode matcher' if no_rasa else 'Rasa'}; "
              f"{args.workers} workers; stack in {stack.tmp}", flush=True)
        run_phase(stack, stack.web_port, "warm", 20, 2, secret)
        queued = run_phase(stack, stack.web_port, "queued", args.rate, args.seconds, secret)
        stack.wait_idle(timeout=300)  # the naive run must not share the CPU with the queued run's backlog
        naive = run_phase(stack, stack.naive_port, "naive", args.rate, args.naive_seconds, secret)
    finally:
        stack.stop()
    print(f"RESULT ack_p50_ms={queued['ack_p50']:.1f} ack_p99_ms={queued['ack_p99']:.1f} "
          f"reply_p50_ms={queued['reply_p50']:.0f} reply_p95_ms={queued['reply_p95']:.0f} "
          f"offered_rps={queued['offered']:.0f} replied={queued['replied']}/{queued['sent']} "
          f"naive_ack_p50_ms={naive['ack_p50']:.1f} naive_ack_p99_ms={naive['ack_p99']:.1f} "
          f"naive_acked={naive['acked']}/{naive['sent']}")


def echo(settings, inbound):
    """A trivial engine for running the bench without bot.engine."""
    from bot.messages import Reply

    return [Reply(text=f"echo: {inbound.text}")]


if __name__ == "__main__":
    main()
