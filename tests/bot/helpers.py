"""Helpers the channel and pipeline tests share: recorded payloads, signing, sandbox reads, echo workers."""
from __future__ import annotations

import hashlib
import json
import re
import time
from pathlib import Path

import httpx
import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ECHO = "tests.bot.echo_handler.handle"


def payload(provider: str, name: str) -> bytes:
    """The recorded body `tests/fixtures/<provider>/<name>.json`, byte for byte."""
    return (FIXTURES / provider / f"{name}.json").read_bytes()


def fresh(body: bytes) -> bytes:
    """A recorded Zalo body stamped now (same length), since Loa refuses events over 5 minutes old."""
    return re.sub(rb'"timestamp":"[0-9]{13}"', b'"timestamp":"%d"' % int(time.time() * 1000), body, count=1)


def zalo_signature(body: bytes, secret: str) -> str:
    """X-ZEvent-Signature for a body, the way Zalo computes it (app_id and timestamp from the body)."""
    try:
        event = json.loads(body)
    except ValueError:
        event = {}
    raw = str(event.get("app_id", "")).encode() + body + str(event.get("timestamp", "")).encode() + secret.encode()
    return "mac=" + hashlib.sha256(raw).hexdigest()


def zalo_text_event(user_id: str, text: str, msg_id: str, app_id: str = "1000000000000000001") -> bytes:
    """A user_send_text body like Zalo sends."""
    return json.dumps({"app_id": app_id, "user_id_by_app": "5521", "event_name": "user_send_text",
                       "timestamp": str(int(time.time() * 1000)), "sender": {"id": user_id}, "recipient": {"id": "2000000000000000002"},
                       "message": {"msg_id": msg_id, "text": text}}, ensure_ascii=False).encode()


def zalo_headers(settings, body: bytes) -> dict:
    """Headers of a correctly signed Zalo webhook."""
    return {"Content-Type": "application/json", "X-ZEvent-Signature": zalo_signature(body, settings.zalo_oa_secret_key)}


def telegram_headers(settings) -> dict:
    """Headers of a Telegram webhook with our secret token."""
    return {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": settings.telegram_webhook_secret}


def sandbox_messages(settings, channel: str, user_id: str) -> list[dict]:
    """What the sandbox recorded as sent to one user, oldest first."""
    resp = httpx.get(f"{settings.sandbox_url}/_sandbox/messages", params={"channel": channel, "user_id": user_id},
                     timeout=5)
    resp.raise_for_status()
    data = resp.json()
    return data["messages"] if isinstance(data, dict) else data


def own_redis_url(url: str, db: int | None = None) -> str:
    """The same Redis server on another database number, so no shared test worker takes our jobs.

    By default 8 above the suite's own (0 -> 8, 3 -> 11): two suites on different databases of one
    server (a CI run beside a developer's run) must not flush each other's private database."""
    base, _, current = url.rpartition("/")
    if db is None:
        db = ((int(current) if current.isdigit() else 0) + 8) % 16
    return f"{base}/{db}"


@pytest.fixture()
def pipeline_settings(settings):
    """Settings on a private Redis database, with the echo engine; that database is emptied first."""
    from core.redis_conn import get_redis

    own = settings.with_(redis_url=own_redis_url(settings.redis_url), bot_handler=ECHO)
    get_redis(own).flushdb()
    return own


@pytest.fixture()
def own_app(pipeline_settings, migrated):
    """The web app on the private Redis database."""
    from core.app import create_app

    return create_app(pipeline_settings)


@pytest.fixture()
def own_client(own_app):
    """A test client for `own_app`."""
    return own_app.test_client()


def start_echo_workers(settings, count: int = 1, log_dir=None, **env):
    """Real RQ worker processes on the private Redis database, running the echo engine."""
    from core.testing import start_worker

    environ = {"REDIS_URL": settings.redis_url, "BOT_HANDLER": ECHO, **{k.upper(): str(v) for k, v in env.items()}}
    return [start_worker(["inbound"], env=environ, log=(log_dir / f"worker{i}.log") if log_dir else None)
            for i in range(count)]


def stop_workers(procs) -> None:
    """Stop worker processes we started, with their process groups: RQ's scheduler runs in a child process."""
    import os
    import signal

    for proc in procs:
        try:
            os.killpg(proc.pid, signal.SIGTERM)  # start_worker gives each worker its own session
        except ProcessLookupError:
            pass
    for proc in procs:
        try:
            proc.wait(timeout=10)
        except Exception:  # noqa: BLE001
            os.killpg(proc.pid, signal.SIGKILL)


def fault(settings, *specs: dict) -> None:
    """Inject faults or change knobs in the sandbox (POST /_sandbox/faults)."""
    httpx.post(f"{settings.sandbox_url}/_sandbox/faults", json=list(specs), timeout=5).raise_for_status()


def sandbox_tokens(settings) -> dict:
    """The Zalo tokens the sandbox considers valid right now, and how many refreshes it served."""
    return httpx.get(f"{settings.sandbox_url}/_sandbox/zalo/token", timeout=5).json()
