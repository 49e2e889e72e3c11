"""Staff-only routes: `Authorization: Bearer <STAFF_API_TOKEN>`; with no token configured they stay closed."""
from __future__ import annotations

import functools
import hmac

from flask import abort, current_app, request


def staff_only(view):
    """Decorator: 401 without the staff API token."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        expected = current_app.config["LOA_SETTINGS"].staff_api_token
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            abort(401)
        return view(*args, **kwargs)

    return wrapper
