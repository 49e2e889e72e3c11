"""Fixtures for the Twilio stand-in tests: a tiny app serving TwiML that checks every webhook's signature,
and the real twilio library pointed at the sandbox. Test modules import the fixtures they use."""
from __future__ import annotations

import threading

import httpx
import pytest
from flask import Flask, request
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from core.testing import ServerThread, free_port, wait_until


class TwimlApp:
    """Serves TwiML per path (a string or a function of the form) and records every request it gets."""

    def __init__(self, auth_token: str):
        self.docs: dict[str, object] = {}
        self.hits: list[dict] = []
        self.validator = RequestValidator(auth_token)
        self._lock = threading.Lock()
        app = Flask("twiml-app")

        @app.route("/<path:path>", methods=["GET", "POST"])
        def hook(path):
            form = request.form if request.method == "POST" else {}
            hit = {"path": "/" + path, "method": request.method, "form": request.form.to_dict(),
                   "args": request.args.to_dict(),
                   "valid": self.validator.validate(request.url, form, request.headers.get("X-Twilio-Signature", ""))}
            with self._lock:
                self.hits.append(hit)
            doc = self.docs.get("/" + path, "")
            if callable(doc):
                doc = doc({**request.args.to_dict(), **request.form.to_dict()})
            if isinstance(doc, tuple):
                return doc
            return doc, 200, {"Content-Type": "text/xml"}

        self.server = ServerThread(app, free_port()).start()

    def url(self, path: str) -> str:
        """Absolute URL of a path on this app."""
        return self.server.url + path

    def at(self, path: str) -> list[dict]:
        """Requests received on one path, in order."""
        with self._lock:
            return [h for h in self.hits if h["path"] == path]

    def all(self) -> list[dict]:
        """Every request received."""
        with self._lock:
            return list(self.hits)


@pytest.fixture()
def hooks(settings, sandbox_clean):
    """A fresh TwiML/webhook app (and a reset sandbox)."""
    app = TwimlApp(settings.twilio_auth_token)
    yield app
    app.server.stop()


@pytest.fixture()
def tw(settings, sandbox_clean):
    """The real twilio client, pointed at the sandbox the way Loa's dialer does it."""
    client = Client(settings.twilio_account_sid, settings.twilio_auth_token)
    client.api.base_url = settings.twilio_api_base
    return client


def script(sandbox, **body) -> dict:
    """POST /_sandbox/twilio/script and return its answer."""
    resp = httpx.post(f"{sandbox.url}/_sandbox/twilio/script", json=body, timeout=10)
    resp.raise_for_status()
    return resp.json()


def calls(sandbox, to: str | None = None) -> list[dict]:
    """GET /_sandbox/calls."""
    return httpx.get(f"{sandbox.url}/_sandbox/calls", params={"to": to} if to else {}, timeout=10).json()


def call_view(sandbox, sid: str) -> dict:
    """The sandbox's view of one call."""
    return next(c for c in calls(sandbox) if c["sid"] == sid)


def wait_final(sandbox, sid: str, timeout: float = 15.0) -> dict:
    """Wait until a call is over and its last status callback (if any) went out; returns its view."""
    def done():
        view = call_view(sandbox, sid)
        sent = [c for c in view["callbacks"] if c["event"] == "completed"]
        terminal = view["status"] in ("completed", "busy", "no-answer", "failed", "canceled")
        expects = view["status_callback"] and "completed" in view["events"]
        return view if terminal and (sent or not expects) else None
    return wait_until(done, timeout=timeout)
