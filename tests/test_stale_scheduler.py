"""A starting worker frees the scheduler lock of a scheduler that died on this host, and only that."""
import os
import socket
import subprocess
import sys

import pytest
from rq.scheduler import SCHEDULER_KEY_TEMPLATE, SCHEDULER_LOCKING_KEY_TEMPLATE

from core.stale_scheduler import release_stale_locks

pytestmark = pytest.mark.nodb


def _hold(r, queue, name, host, pid):
    r.set(SCHEDULER_LOCKING_KEY_TEMPLATE % queue, name, ex=60)
    r.hset(SCHEDULER_KEY_TEMPLATE % name, mapping={"hostname": host, "pid": pid})


@pytest.mark.parametrize("case,host,alive,freed", [
    ("dead holder on this host", "here", False, True),
    ("live holder on this host", "here", True, False),
    ("holder on another host", "elsewhere", False, False),
])
def test_release_stale_locks(redis_client, case, host, alive, freed):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    pid = os.getpid() if alive else dead.pid
    _hold(redis_client, "inbound", f"sched-{case}", socket.gethostname() if host == "here" else "other-host", pid)
    try:
        assert release_stale_locks(redis_client, ["inbound"]) == (["inbound"] if freed else [])
        assert (redis_client.get(SCHEDULER_LOCKING_KEY_TEMPLATE % "inbound") is None) == freed
    finally:
        redis_client.delete(SCHEDULER_LOCKING_KEY_TEMPLATE % "inbound", SCHEDULER_KEY_TEMPLATE % f"sched-{case}")
