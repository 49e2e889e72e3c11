"""`make run` (core.run) stops every process it started, on Ctrl-C and on SIGTERM alike."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.testing import free_port, wait_until

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.nodb


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0): look at its state.
    state = Path(f"/proc/{pid}/stat").read_text().split()[2] if Path(f"/proc/{pid}/stat").exists() else "X"
    return state not in ("Z", "X")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stopping_make_run_stops_its_processes(tmp_path, sig, settings):
    procfile, pidfile = tmp_path / "Procfile", tmp_path / "child.pid"
    procfile.write_text(f"sleeper: {sys.executable} -c \"import os,time; open('{pidfile}','w').write(str(os.getpid())); "
                        f"time.sleep(120)\"\n")
    # Its own embedded Redis (REDIS_URL unset): the run's Redis belongs to the run's database (loa:owner).
    env = {**{k: v for k, v in os.environ.items() if k != "REDIS_URL"}, "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
           "REDIS_EMBEDDED_PORT": str(free_port()), "REDIS_EMBEDDED_DIR": str(tmp_path / "redis")}
    code = f"import sys, core.run as r; r.PROCFILE = {str(procfile)!r}; sys.exit(r.main())"
    # Its own session, like a terminal's job: SIGINT from the test reaches core.run only.
    run = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        child = int(wait_until(lambda: pidfile.exists() and pidfile.read_text(), timeout=60))
        assert _alive(child)
        time.sleep(0.5)  # honcho has installed its own handlers by now
        run.send_signal(sig)
        run.wait(timeout=30)
        wait_until(lambda: not _alive(child), timeout=15)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
        if pidfile.exists() and _alive(int(pidfile.read_text())):
            os.kill(int(pidfile.read_text()), signal.SIGKILL)
