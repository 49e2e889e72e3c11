"""NLU test fixtures: the lead's shared fixtures (settings, db, ...) plus a real Rasa server.

`rasa_server` (session) serves the newest model in nlu/models on the port of settings.nlu_url, so
`get_client(settings)` in end-to-end tests talks to real Rasa. It skips when nlu/.venv or a model is
missing, and reuses a server already answering there (TEST_NLU_PORT with Rasa started by hand).
"""
from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.conftest import app, client, db, migrated, redis_client, settings  # noqa: F401  (shared fixtures)


def _answers(url: str) -> bool:
    try:
        return bool(httpx.get(f"{url}/status", timeout=2).json().get("model_file"))
    except (httpx.HTTPError, ValueError):
        return False


@pytest.fixture(scope="session")
def rasa_server(settings):  # noqa: F811
    """A real Rasa NLU server at settings.nlu_url (started here unless one already answers)."""
    from nlu.server import start_rasa_server, stop_rasa_server, unavailable_reason, wait_ready

    if _answers(settings.nlu_url):
        yield settings.nlu_url
        return
    reason = unavailable_reason()
    if reason:
        pytest.skip(f"no real Rasa for this test: {reason}")
    log = Path(tempfile.mkdtemp(prefix="loa-rasa-")) / "rasa.log"
    proc = start_rasa_server(urlsplit(settings.nlu_url).port, log=log)
    try:
        wait_ready(settings.nlu_url, proc)
    except RuntimeError as exc:
        stop_rasa_server(proc)
        pytest.fail(f"{exc}; see {log}")
    yield settings.nlu_url
    stop_rasa_server(proc)
