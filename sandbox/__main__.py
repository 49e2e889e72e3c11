"""Serve the sandbox: `python -m sandbox` (port from SANDBOX_PORT, default 8099)."""
from __future__ import annotations

import sys

from werkzeug.serving import run_simple

from core.privacy import configure_logging
from core.production import NotProductionReady
from sandbox.keys import ForeignSecret
from core.settings import Settings
from sandbox.app import create_sandbox
from sandbox.serving import UnderscoreHeadersHandler

if __name__ == "__main__":
    settings = Settings.from_env()
    configure_logging(settings.log_level, settings)
    try:
        app = create_sandbox(settings)
    except (NotProductionReady, ForeignSecret) as exc:
        sys.exit(f"the sandbox refuses to start: {exc}")
    # One process on purpose: the stand-ins keep their state in memory; threads serve concurrency.
    run_simple("127.0.0.1", settings.sandbox_port, app, threaded=True, use_reloader=False,
               request_handler=UnderscoreHeadersHandler)  # Zalo's headers have underscores
