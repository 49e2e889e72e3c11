"""Questions: what the bot could not answer, for curators to label as a topic (becomes training data)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from console.access import db_scope, page, record, settings
from console.blueprint import bp
from console.i18n import gettext as _
from core import clock
from nlu import curation


@bp.get("/questions")
@page("curators.read", audit_as="curators.questions.view")
def questions():
    """The queue of unanswered questions (phone numbers in them masked), newest first."""
    status = request.args.get("status", "new")
    if status not in ("new", "resolved", "all"):
        status = "new"
    with db_scope() as db:
        rows = [curation.question_json(r) for r in curation.list_questions(db, status, limit=100)]
        counts = curation.counts(db)
    return render_template("console/questions.html", rows=rows, counts=counts, status=status,
                           labels=sorted(curation.LABELS))


@bp.post("/questions/<int:question_id>/label")
@page("curators.write")
def label(question_id: int):
    """Label a question with the topic it belongs to ("none": nothing to learn from it)."""
    chosen = request.form.get("label", "").strip()
    try:
        with db_scope() as db:
            curation.resolve(db, question_id, None if chosen in ("", "none") else chosen, clock.now(settings()))
    except curation.CurationError as exc:
        flash(str(exc))
        return redirect(url_for("console.questions"))
    except LookupError:
        abort(404)
    record("curators.resolve", "unanswered_question", question_id, label=chosen or None)
    flash(_("Question %(id)s labelled.", id=question_id))
    return redirect(url_for("console.questions"))
