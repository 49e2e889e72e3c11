"""Fixtures for the sandbox tests: an HTTP client on the sandbox and a webhook receiver standing in for Loa."""
from __future__ import annotations

import threading

import httpx
import pytest
from flask import Flask, request

from core.testing import ServerThread, free_port
from sandbox.serving import keep_underscore_headers


class Receiver:
    """A tiny HTTP server that records every webhook it gets and answers with scripted statuses."""

    def __init__(self):
        self.hits: list[dict] = []
        self.statuses: list[int] = []  # answered in order; 200 once used up
        self._lock = threading.Lock()
        app = Flask("receiver")

        @app.post("/<path:path>")
        def hook(path):
            with self._lock:
                self.hits.append({"path": "/" + path, "headers": dict(request.headers), "body": request.get_data()})
                status = self.statuses.pop(0) if self.statuses else 200
            return ("ok", status)

        self.server = ServerThread(app, free_port())
        keep_underscore_headers(self.server.server)  # to see Zalo's `num_retry` header
        self.server.start()

    @property
    def url(self) -> str:
        """Base URL of the receiver."""
        return self.server.url

    def clear(self) -> None:
        """Forget hits and scripted statuses."""
        with self._lock:
            self.hits.clear()
            self.statuses.clear()


@pytest.fixture(scope="session")
def _receiver():
    receiver = Receiver()
    yield receiver
    receiver.server.stop()


@pytest.fixture()
def receiver(_receiver):
    """The webhook receiver, emptied."""
    _receiver.clear()
    return _receiver


@pytest.fixture()
def api(sandbox_clean):
    """An httpx client on the freshly reset sandbox."""
    with httpx.Client(base_url=sandbox_clean.url, timeout=10) as client:
        yield client
