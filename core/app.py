"""The Flask app factory: `create_app(settings=None)` with one blueprint per feature."""
from __future__ import annotations

import importlib

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from core import redis_owner
from core.privacy import configure_logging
from core.production import is_production, refuse_unsafe
from core.settings import ROOT, Settings

# Feature blueprints, registered when their module exists (each issue adds its own).
BLUEPRINTS = (
    "core.health:bp",
    "bot.webhooks:bp",
    "bot.pipeline_api:bp",
    "ivr.views:bp",
    "ivr.sms:bp",
    "ivr.status:bp",
    "ivr.tracing_script:bp",
    "ivr.api:bp",
    "nlu.curators_api:bp",
    "broadcasts.views:bp",
    "broadcasts.callbacks:bp",
    "console.views:bp",
)


def _optional_blueprint(spec: str):
    module_name, attr = spec.split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            return None
        raise
    return getattr(module, attr)


def create_app(settings: Settings | None = None) -> Flask:
    """Build the web app for `settings` (read from the environment when None)."""
    settings = settings or Settings.from_env()
    refuse_unsafe(settings)  # production never serves with sandbox secrets, an embedded Redis or SQLite
    if is_production(settings):
        redis_owner.claim_if_reachable(settings)  # (not in development: tests build apps on Redis that is down)
    configure_logging(settings.log_level, settings)
    # Served from the package, not the working directory: Zalo fetches the contact card's image from here.
    app = Flask("loa", static_folder=str(ROOT / "core" / "static"))
    app.config["LOA_SETTINGS"] = settings
    app.config["SECRET_KEY"] = settings.secret_key
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    if settings.proxy_hops:
        # Behind a load balancer the client's address is in X-Forwarded-For: the console's sign-in limit and
        # the audit log must see the staff member's address, not the balancer's.
        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    for spec in BLUEPRINTS:
        blueprint = _optional_blueprint(spec)
        if blueprint is not None:
            app.register_blueprint(blueprint)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        # Providers and scripts read JSON; never leak a stack trace.
        return jsonify(error=exc.name, description=exc.description), exc.code

    return app
