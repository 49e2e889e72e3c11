"""Which processes serve which RQ queues (the Procfile), and how loudly RQ logs in each."""
from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from core.redis_conn import QUEUES
from core.worker import LoaWorker, QuietMaintenance, rq_log_level

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.nodb


def procfile_workers() -> dict[str, list[str]]:
    """Procfile process name -> the queues its `python -m core.worker` serves."""
    workers = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        argv = shlex.split(command)
        if "core.worker" in argv:
            workers[name.strip()] = argv[argv.index("core.worker") + 1:]
    return workers


def test_every_queue_has_a_worker_and_the_dialer_has_its_own():
    workers = procfile_workers()
    assert sorted(q for queues in workers.values() for q in queues) == sorted(QUEUES)
    # Dialer ticks hold a worker for half a second each: chat replies must never wait behind them.
    assert [queues for queues in workers.values() if "calls" in queues] == [["calls"]]


@pytest.mark.parametrize("queues, level, expected", [
    (["calls"], "INFO", "WARNING"),
    (["calls"], "DEBUG", "DEBUG"),
    (["inbound", "broadcasts", "default"], "INFO", "INFO"),
    (["inbound", "calls"], "INFO", "INFO"),
])
def test_rq_log_level(queues, level, expected):
    assert rq_log_level(queues, level) == expected


def test_maintenance_runs_quietly(redis_client, caplog):
    """Every 10 s of maintenance must not print a line per queue; jobs and warnings still show."""
    import uuid

    from rq import Queue

    # A queue of its own: no other worker holds its maintenance lock, so RQ does log the line here.
    queue = Queue(f"quiet-{uuid.uuid4().hex}", connection=redis_client)
    worker = LoaWorker([queue], connection=redis_client)
    worker.log.addFilter(QuietMaintenance())
    with caplog.at_level("INFO", logger=worker.log.name):
        worker.clean_registries()
        worker.log.info("Worker %s: default: Job OK (%s)", worker.name, "j1")
    redis_client.delete(f"rq:clean_registries:{queue.name}")
    assert [r.getMessage() for r in caplog.records] == [f"Worker {worker.name}: default: Job OK (j1)"]
    caplog.clear()
    with caplog.at_level("DEBUG", logger=worker.log.name):  # debugging a worker shows the maintenance again
        worker.clean_registries()
    redis_client.delete(f"rq:clean_registries:{queue.name}")
    assert [r.getMessage() for r in caplog.records if "cleaning registries" in r.getMessage()] == [
        f"Worker {worker.name}: cleaning registries for queue: {queue.name}"]
