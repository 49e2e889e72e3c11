"""GET /healthz: the state of the database, Redis and the NLU."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from core.db import get_engine
from core.redis_conn import get_redis

bp = Blueprint("health", __name__)


def _nlu_state(settings) -> str:
    try:
        from nlu.client import get_client
    except ImportError:
        return "keywords"
    return get_client(settings).state()


@bp.get("/healthz")
def healthz():
    """Report each dependency as ok/degraded/down; 503 when the database or Redis is down."""
    settings = current_app.config["LOA_SETTINGS"]
    checks: dict[str, str] = {}
    try:
        with get_engine(settings.database_url).connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means down
        checks["database"] = f"down: {type(exc).__name__}"
    try:
        get_redis(settings).ping()
        checks["redis"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["redis"] = f"down: {type(exc).__name__}"
    checks["nlu"] = _nlu_state(settings)
    healthy = checks["database"] == "ok" and checks["redis"] == "ok"
    return jsonify(status="ok" if healthy else "down", **checks), 200 if healthy else 503
