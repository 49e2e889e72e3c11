"""Shared fixtures: a real database (SQLite, or PostgreSQL via TEST_DATABASE_URL), a real Redis
(REDIS_URL, or an embedded server), the sandbox and the web app served over real HTTP, and a real
RQ worker in a subprocess. The environment is set before anything reads it, so subprocesses
(workers) see the same settings."""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest

from core.testing import free_port

_TMP = Path(tempfile.mkdtemp(prefix="loa-tests-"))
os.environ["PORT"] = str(free_port())
os.environ["SANDBOX_PORT"] = str(free_port())
os.environ.pop("PUBLIC_URL", None)
os.environ["DATABASE_URL"] = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{_TMP / 'loa-test.db'}"
os.environ.setdefault("NLU_URL", "http://127.0.0.1:%d" % int(os.environ.get("TEST_NLU_PORT", free_port())))
os.environ.setdefault("LOG_LEVEL", "WARNING")
if not os.environ.get("REDIS_URL"):
    from core.embedded_redis import start as _start_redis

    import atexit

    os.environ["REDIS_URL"], _redis_proc = _start_redis(port=free_port(), data_dir=_TMP / "redis")
    if _redis_proc is not None:
        atexit.register(_redis_proc.kill)  # never leave a redis-server behind a test run

from core.settings import Settings  # noqa: E402  (after the environment is set)


@pytest.fixture(scope="session")
def settings() -> Settings:
    """Settings for the whole test run, read from the environment set above."""
    return Settings.from_env()


@pytest.fixture(scope="session")
def migrated(settings):
    """The test database at the newest schema (dropped and rebuilt once per run)."""
    from core import migrate
    from core.db import Base, get_engine
    from core.models import load_all_models

    load_all_models()
    engine = get_engine(settings.database_url)
    with engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    migrate.upgrade(settings.database_url)
    # Workers refuse a Redis whose loa:owner names another database; a previous run (another temp SQLite file,
    # or the PostgreSQL run on the same CI Redis) may have left its own: this run's database owns it now.
    from core import redis_owner
    from core.redis_conn import get_redis

    redis_owner.assign(get_redis(settings), settings.database_url)
    return settings.database_url


@pytest.fixture()
def db(migrated, settings):
    """A clean database: every table emptied before the test; yields a session factory."""
    from core.db import Base, get_engine, session_factory

    from sqlalchemy.exc import OperationalError

    engine = get_engine(settings.database_url)
    for attempt in range(5):
        try:
            with engine.begin() as conn:
                if engine.dialect.name == "postgresql":
                    # One statement, one lock on every table: a worker still finishing the previous test's
                    # work cannot slip a row in between two DELETEs (a foreign key error on the second).
                    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
                    conn.exec_driver_sql(f"TRUNCATE {names} CASCADE")
                else:
                    for table in reversed(Base.metadata.sorted_tables):
                        conn.execute(table.delete())
            break
        except OperationalError:
            # That worker's transaction and the TRUNCATE can deadlock; PostgreSQL cancels one of them.
            if attempt == 4:
                raise
            time.sleep(0.5)
    return session_factory(settings.database_url)


@pytest.fixture()
def redis_client(settings):
    """The real Redis, with Loa's keys (loa:*) and RQ's queues emptied before the test."""
    from core.redis_conn import get_redis

    client = get_redis(settings)
    for key in client.scan_iter("loa:*", count=1000):
        client.delete(key)
    from rq import Queue

    from core.redis_conn import QUEUES

    for name in QUEUES:
        Queue(name, connection=client).empty()
    return client


@pytest.fixture(scope="session")
def sandbox(settings):
    """The provider stand-ins served over HTTP on SANDBOX_PORT."""
    from core.testing import ServerThread
    from sandbox.app import create_sandbox
    from sandbox.serving import keep_underscore_headers

    server = ServerThread(create_sandbox(settings), settings.sandbox_port)
    keep_underscore_headers(server.server)  # Zalo authenticates with `access_token`/`secret_key` headers
    server.start()
    yield server
    server.stop()


@pytest.fixture()
def sandbox_clean(sandbox):
    """The sandbox with its recorded messages, calls and injected faults cleared."""
    import httpx

    httpx.post(f"{sandbox.url}/_sandbox/reset", timeout=5).raise_for_status()
    return sandbox


@pytest.fixture(scope="session")
def web(settings, migrated):
    """Loa's web app served over HTTP on PORT."""
    from core.app import create_app
    from core.testing import ServerThread

    server = ServerThread(create_app(settings), settings.port).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def worker(settings, migrated):
    """A real RQ worker subprocess on every Loa queue."""
    from core.redis_conn import QUEUES
    from core.testing import start_worker

    proc = start_worker(list(QUEUES), log=_TMP / "worker.log")
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except Exception:  # noqa: BLE001
        proc.kill()


@pytest.fixture()
def app(settings, migrated):
    """An in-process Flask app (for the test client)."""
    from core.app import create_app

    return create_app(settings)


@pytest.fixture()
def client(app):
    """Flask's test client."""
    return app.test_client()
