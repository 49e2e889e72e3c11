"""Which processes serve which RQ queues (the Procfile), and how loudly RQ logs in each."""
from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from core.redis_conn import QUEUES
from core.worker import rq_log_level

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
