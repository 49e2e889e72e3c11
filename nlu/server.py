"""Start and stop a real Rasa NLU server (nlu/serve.sh) from Python: tests, evaluation and bench use it."""
from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx

NLU_DIR = Path(__file__).resolve().parent
MODELS_DIR = NLU_DIR / "models"
RASA_BIN = NLU_DIR / ".venv" / "bin" / "rasa"


def latest_model(models_dir: Path = MODELS_DIR) -> Path | None:
    """The newest trained model in `models_dir`, or None."""
    models = sorted(Path(models_dir).glob("loa-nlu-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def unavailable_reason(models_dir: Path = MODELS_DIR) -> str | None:
    """Why a real Rasa server cannot be started here (None when it can)."""
    if not RASA_BIN.exists():
        return "nlu/.venv has no rasa: run bash nlu/install.sh"
    if latest_model(models_dir) is None:
        return f"no trained model in {models_dir}: run bash nlu/train.sh"
    return None


def start_rasa_server(port: int, model: Path | None = None, log: Path | None = None) -> subprocess.Popen:
    """Start `bash nlu/serve.sh` on 127.0.0.1:`port` in its own process group; call wait_ready next."""
    env = {**os.environ, "NLU_PORT": str(port), "RASA_TELEMETRY_ENABLED": "false"}
    if model is not None:
        env["NLU_MODEL"] = str(model)
    out = open(log, "ab") if log else subprocess.DEVNULL
    return subprocess.Popen(["bash", str(NLU_DIR / "serve.sh")], env=env, stdout=out, stderr=out,
                            stdin=subprocess.DEVNULL, start_new_session=True)


def wait_ready(url: str, proc: subprocess.Popen | None = None, timeout: float = 180.0) -> None:
    """Wait until Rasa at `url` has a model loaded (GET /status names one); raise if it dies or times out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the Rasa server exited with code {proc.returncode}")
        try:
            response = httpx.get(f"{url.rstrip('/')}/status", timeout=2.0)
            if response.status_code == 200 and response.json().get("model_file"):
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"Rasa at {url} was not ready within {timeout:.0f}s")


def stop_rasa_server(proc: subprocess.Popen, timeout: float = 20.0) -> None:
    """Stop the server started by start_rasa_server (its whole process group)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=timeout)
    except ProcessLookupError:
        pass
