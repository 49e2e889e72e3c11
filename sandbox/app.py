"""The sandbox: local stand-ins for the Zalo OA API, the Telegram Bot API and Twilio, in one Flask app.

Routes: /zalo/openapi/..., /zalo/oauth/..., /telegram/bot<token>/<method>, /twilio/2010-04-01/...,
and /_sandbox/... for tests and people to inspect what was sent and to inject faults.
"""
from __future__ import annotations

import importlib

from flask import Flask, jsonify

from core.production import refuse_sandbox
from core.settings import Settings
from sandbox.keys import ForeignSecret, refuse_foreign

PARTS = ("sandbox.zalo", "sandbox.zalo_zns", "sandbox.telegram", "sandbox.twilio", "sandbox.inspect")


def create_sandbox(settings: Settings | None = None) -> Flask:
    """Build the sandbox app; each provider part is a blueprint with its own in-memory state."""
    settings = settings or Settings.from_env()
    refuse_sandbox(settings)  # never next to a production Loa
    refuse_foreign(settings)  # never signs with production keys
    app = Flask("loa-sandbox")
    app.config["LOA_SETTINGS"] = settings
    resetters = []
    for name in PARTS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):
                continue
            raise
        app.register_blueprint(module.bp)
        if hasattr(module, "reset"):
            resetters.append(module.reset)

    @app.errorhandler(ForeignSecret)
    def _foreign(exc: ForeignSecret):
        return jsonify(error="foreign_secret", description=str(exc)), 403

    @app.post("/_sandbox/reset")
    def reset():
        """Forget every recorded message, call and injected fault."""
        for fn in resetters:
            fn()
        return jsonify(ok=True)

    return app
