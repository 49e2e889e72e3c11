"""Staff JSON API for the message pipeline: the dead letters (messages whose processing kept failing) and replay.

GET  /api/pipeline/dead-letters              newest first; the citizen's address and text need pipeline.personal
POST /api/pipeline/dead-letters/<id>/replay  back to the end of the citizen's inbox (after the cause is fixed)
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify

from bot import dead_letters
from core.staff_auth import can, current_staff, require

bp = Blueprint("bot_pipeline_api", __name__, url_prefix="/api/pipeline")


@bp.get("/dead-letters")
@require("pipeline.read", audit_as="pipeline.dead_letters.view")
def list_dead_letters():
    """The messages kept after their last failed attempt."""
    personal = can(current_staff(), "pipeline.personal")
    return jsonify(dead_letters=dead_letters.listing(current_app.config["LOA_SETTINGS"], personal=personal))


@bp.post("/dead-letters/<entry_id>/replay")
@require("pipeline.replay", audit_as="pipeline.dead_letters.replay", target=("dead_letter", "entry_id"))
def replay(entry_id: str):
    """Give one dead letter to the engine again."""
    if not dead_letters.replay(current_app.config["LOA_SETTINGS"], entry_id):
        abort(404)
    return jsonify(ok=True)
