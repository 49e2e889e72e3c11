"""The custom Rasa components (normaliser, SVM classifier) checked inside nlu/.venv, where Rasa lives."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from nlu.server import RASA_BIN

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.nodb
def test_custom_components_pass_their_checks():
    if not RASA_BIN.exists():
        pytest.skip("nlu/.venv has no rasa: run bash nlu/install.sh")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", "RASA_TELEMETRY_ENABLED": "false"}
    done = subprocess.run([str(RASA_BIN.parent / "python"), str(Path(__file__).with_name("components_check.py"))],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip().endswith("components ok"), done.stdout + done.stderr
