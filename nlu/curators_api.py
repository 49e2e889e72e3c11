"""Staff JSON API for the curators' queue: questions the NLU could not answer, their labels, the answers' dates.

Every route needs `Authorization: Bearer <staff API token>` and a role allowed to (core.staff_auth, core.roles).
  GET  /api/curators/questions?status=new|resolved|all&reason=R&limit=N&before_id=ID
  POST /api/curators/questions/<id>/resolve   {"label": "faq/quarantine"} or {"label": null}
  GET  /api/curators/training-data            labelled questions as Rasa NLU YAML
  GET  /api/curators/answers?warn_days=30     every answer's valid-until date and state
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, request

from core import clock
from core.db import session_scope
from core.staff_auth import require
from nlu import curation

bp = Blueprint("curators_api", __name__, url_prefix="/api/curators")


def _int_arg(name: str, default: int | None) -> int | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    if not raw.isdigit():
        abort(400, f"{name} must be a whole number")
    return int(raw)


@bp.get("/questions")
@require("curators.read", audit_as="curators.questions.view")
def questions():
    """A page of the queue, newest first, with the counts per status and reason."""
    settings = current_app.config["LOA_SETTINGS"]
    with session_scope(settings.database_url) as session:
        try:
            rows = curation.list_questions(session, request.args.get("status", "new"), request.args.get("reason"),
                                           _int_arg("limit", 100), _int_arg("before_id", None))
        except curation.CurationError as exc:
            abort(400, str(exc))
        return jsonify(questions=[curation.question_json(r) for r in rows], counts=curation.counts(session))


@bp.post("/questions/<int:question_id>/resolve")
@require("curators.write", audit_as="curators.resolve", target=("unanswered_question", "question_id"))
def resolve(question_id: int):
    """Resolve one question with the intent it belongs to, or null when there is nothing to learn."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or "label" not in body or not (body["label"] is None or isinstance(body["label"], str)):
        abort(400, 'expected {"label": "<intent>"} or {"label": null}')
    settings = current_app.config["LOA_SETTINGS"]
    with session_scope(settings.database_url) as session:
        try:
            row = curation.resolve(session, question_id, body["label"], clock.now(settings))
        except curation.CurationError as exc:
            abort(400, str(exc))
        except LookupError:
            abort(404, f"no question {question_id}")
        session.flush()
        return jsonify(curation.question_json(row))


@bp.get("/training-data")
@require("curators.read", audit_as="curators.training_data.export")
def training_data():
    """The labelled questions as a Rasa NLU data file, ready to review and add to nlu/data/."""
    settings = current_app.config["LOA_SETTINGS"]
    with session_scope(settings.database_url) as session:
        text, count = curation.training_yaml(session)
    return Response(text, mimetype="application/x-yaml", headers={"X-Loa-Examples": str(count)})


@bp.get("/answers")
@require("answers.read")
def answers():
    """Every vetted answer with its valid-until date: expired ones are not given to citizens."""
    settings = current_app.config["LOA_SETTINGS"]
    today = clock.local_now(settings).date()
    return jsonify(today=today.isoformat(), answers=curation.answers_status(today, _int_arg("warn_days", 30)))
