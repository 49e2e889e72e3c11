"""`make run`'s embedded Redis keeps its data across a restart and is stopped with it; a Redis that belongs
to another database is refused by core.run and by workers."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from rq import Queue
from rq.registry import ScheduledJobRegistry

from bot import inbox, outbox
from bot.channels.errors import ConnectionFailed
from bot.messages import Inbound, Reply
from core import embedded_redis, redis_owner
from core.embedded_redis import _answers
from core.testing import free_port, wait_until
from ivr import dialer

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.nodb
USER = "ops-restart-u1"


def _env(tmp_path: Path, port: int, **extra) -> dict:
    environ = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    return {**environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}", "REDIS_EMBEDDED_PORT": str(port),
            "REDIS_EMBEDDED_DIR": str(tmp_path / "redis"), **extra}


def _start_run(tmp_path: Path, env: dict) -> tuple[subprocess.Popen, Path]:
    """`python -m core.run` with a one-line Procfile (a sleeper that writes its pid)."""
    procfile, pidfile = tmp_path / "Procfile", tmp_path / "child.pid"
    pidfile.unlink(missing_ok=True)
    procfile.write_text(f"sleeper: {sys.executable} -c \"import os,time; open('{pidfile}','w').write(str(os.getpid())); "
                        f"time.sleep(120)\"\n")
    code = f"import sys, core.run as r; r.PROCFILE = {str(procfile)!r}; sys.exit(r.main())"
    run = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True, start_new_session=True)
    return run, pidfile


def _stop_run(run: subprocess.Popen) -> None:
    run.send_signal(signal.SIGTERM)
    try:
        run.wait(timeout=60)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)


def test_a_restart_of_make_run_loses_nothing_and_stops_its_redis(tmp_path, settings):
    port = free_port()
    env = _env(tmp_path, port)
    own = settings.with_(redis_url=f"redis://127.0.0.1:{port}/0", database_url=env["DATABASE_URL"])
    run, pidfile = _start_run(tmp_path, env)
    try:
        wait_until(lambda: pidfile.exists() and pidfile.read_text(), timeout=90)  # migrated, Redis up
        # Write: an accepted message, a reply waiting to be retried in an hour, a staff pause.
        assert inbox.accept(own, [Inbound(channel="zalo", user_id=USER, text="xin chao", msg_id="m1")]) == 1
        assert outbox.defer(own, "zalo", USER, [Reply(text="later")], 1, ConnectionFailed("down", retry_after=3600))
        since = dialer.pause(own)
    finally:
        _stop_run(run)
    # Stop: the redis-server it started is gone with it.
    assert not _answers(port)
    # Start again and read.
    run, pidfile = _start_run(tmp_path, env)
    try:
        wait_until(lambda: pidfile.exists() and pidfile.read_text(), timeout=90)
        client = redis.Redis.from_url(own.redis_url)
        keys = inbox.InboxKeys("zalo", USER)
        assert [b'"xin chao"' in item for item in client.lrange(keys.inbox, 0, -1)] == [True]
        assert any(job.func_name == inbox.DRAIN_JOB for job in Queue("inbound", connection=client).jobs)
        scheduled = ScheduledJobRegistry("inbound", connection=client).get_job_ids()
        assert [Queue("inbound", connection=client).fetch_job(j).func_name for j in scheduled] == [outbox.SEND_LATER_JOB]
        client.delete(dialer.pauses.CACHE_KEY)  # the cache may have expired meanwhile; the pause may not
        assert dialer.paused_since(own) == since
    finally:
        _stop_run(run)
    assert not _answers(port)


def test_make_run_refuses_a_redis_of_another_database(tmp_path):
    port = free_port()
    url, proc = embedded_redis.start(port, tmp_path / "other-redis")
    try:
        redis_owner.assign(redis.Redis.from_url(url), "sqlite:////somewhere/else/loa.db")
        env = _env(tmp_path, port)
        run, pidfile = _start_run(tmp_path, {**env, "REDIS_URL": url})
        try:
            assert run.wait(timeout=60) == 2
            assert "holds the data of another database" in run.stderr.read()
            assert not pidfile.exists()  # nothing was started
        finally:
            if run.poll() is None:
                os.killpg(run.pid, signal.SIGKILL)
        # A worker refuses too, and starts once the Redis is this database's.
        worker = [sys.executable, "-m", "core.worker", "default"]
        refused = subprocess.run(worker, cwd=ROOT, env={**env, "REDIS_URL": url}, capture_output=True, text=True,
                                 timeout=60)
        assert refused.returncode != 0 and "holds the data of another database" in refused.stderr
    finally:
        embedded_redis.stop(proc)


def test_claim_marks_a_fresh_redis_and_refuses_another_database(tmp_path):
    port = free_port()
    url, proc = embedded_redis.start(port, tmp_path / "redis")
    try:
        client = redis.Redis.from_url(url)
        ours = f"sqlite:///{tmp_path / 'a.db'}"
        assert redis_owner.claim(client, ours) == client.get(redis_owner.OWNER_KEY).decode()
        redis_owner.claim(client, ours)  # the same database again: fine
        with pytest.raises(redis_owner.RedisOwnedElsewhere):
            redis_owner.claim(client, f"sqlite:///{tmp_path / 'b.db'}")
        redis_owner.assign(client, f"sqlite:///{tmp_path / 'b.db'}")  # an operator moved the database
        redis_owner.claim(client, f"sqlite:///{tmp_path / 'b.db'}")
    finally:
        embedded_redis.stop(proc)


def test_a_rotated_password_is_the_same_database():
    one = redis_owner.fingerprint("postgresql+psycopg://loa:first@db.internal:5432/loa")
    assert one == redis_owner.fingerprint("postgresql+psycopg://loa:second@db.internal:5432/loa")
    assert one == redis_owner.fingerprint("postgresql://loa@db.internal:5432/loa")
    assert one != redis_owner.fingerprint("postgresql+psycopg://loa:first@db.internal:5432/other")


def test_a_production_web_app_refuses_another_databases_redis(tmp_path):
    from core.app import create_app
    from tests.ops.test_production import real

    port = free_port()
    url, proc = embedded_redis.start(port, tmp_path / "redis")
    try:
        redis_owner.assign(redis.Redis.from_url(url), "postgresql+psycopg://loa@db.internal/other")
        with pytest.raises(redis_owner.RedisOwnedElsewhere):
            create_app(real(redis_url=url, staff_api_token="s" * 40))
        create_app(real(redis_url=url, database_url="postgresql+psycopg://loa@db.internal/other"))
    finally:
        embedded_redis.stop(proc)
    # Redis away at boot: the app still starts (health says 503 until it is back).
    create_app(real(redis_url=f"redis://127.0.0.1:{free_port()}/0"))
