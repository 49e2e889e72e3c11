"""Procfile.production: gunicorn, a worker for every queue, the dialer alone, Rasa, and never the sandbox."""
from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from core.redis_conn import QUEUES
from core.run import PRODUCTION_PROCFILE

pytestmark = pytest.mark.nodb


def _processes() -> dict[str, list[str]]:
    out = {}
    for line in Path(PRODUCTION_PROCFILE).read_text().splitlines():
        name, _, command = line.partition(":")
        out[name.strip()] = shlex.split(command)
    return out


def test_production_processes():
    processes = _processes()
    assert not any("sandbox" in argv for argv in processes.values())
    assert "gunicorn" in processes["web"][0] and "--workers" in processes["web"]
    served = {name: argv[argv.index("core.worker") + 1:] for name, argv in processes.items() if "core.worker" in argv}
    assert sorted(q for queues in served.values() for q in queues) == sorted(QUEUES)
    assert [queues for queues in served.values() if "calls" in queues] == [["calls"]]
    assert any("nlu/serve.sh" in argv for argv in processes.values())
