"""Serving the sandbox: a request handler that keeps headers whose names contain underscores.

Zalo's API authenticates with the headers `access_token` and `secret_key`. Werkzeug's server drops every
header with an underscore in its name (a guard against spoofing behind proxies), so without this handler
the stand-in would never see Loa's token. Used by `python -m sandbox` and the tests' `sandbox` fixture.
"""
from __future__ import annotations

from werkzeug.serving import WSGIRequestHandler


class UnderscoreHeadersHandler(WSGIRequestHandler):
    """WSGIRequestHandler that passes `access_token: ...` through as HTTP_ACCESS_TOKEN."""

    def make_environ(self):
        """The usual WSGI environ plus the underscore headers werkzeug leaves out."""
        environ = super().make_environ()
        for key, value in self.headers.items():
            if "_" in key:
                environ.setdefault("HTTP_" + key.upper().replace("-", "_"), value.replace("\r\n", ""))
        return environ


def keep_underscore_headers(server) -> None:
    """Switch an already built werkzeug server (e.g. core.testing.ServerThread.server) to this handler."""
    server.RequestHandlerClass = UnderscoreHeadersHandler
