"""Working the curators' queue: list what the NLU could not answer, label it, export the labels as training data.

The loop it closes: a citizen's question the model missed -> a curator says which intent it was ->
`training_yaml()` writes it as Rasa NLU data for `nlu/data/` -> the next `make run` retrains.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.privacy import mask_phone, replace_phones
from nlu.data import NLU_DIR, data_files, load_answers, load_examples
from nlu.intents import CONVERSATION_INTENTS, FAQ_INTENTS
from nlu.models import UnansweredQuestion

LABELS = frozenset(CONVERSATION_INTENTS) | frozenset(FAQ_INTENTS)
STATUSES = ("new", "resolved")
MAX_PAGE = 500


class CurationError(ValueError):
    """A request the queue cannot take (unknown label, bad status), with the reason to show."""


def question_json(row: UnansweredQuestion) -> dict:
    """A queued question as curators see it: phone numbers masked, guesses best first."""
    return {
        "id": row.id, "channel": row.channel, "language": row.language, "reason": row.reason,
        "text": mask_phone(row.text), "status": row.status, "label": row.label,
        "predictions": [{"intent": intent, "confidence": conf} for intent, conf in (row.predictions or [])],
        "created_at": _iso(row.created_at), "resolved_at": _iso(row.resolved_at),
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def list_questions(session: Session, status: str = "new", reason: str | None = None, limit: int = 100,
                   before_id: int | None = None) -> list[UnansweredQuestion]:
    """Queued questions, newest first; `status` new, resolved or all; page with `before_id`."""
    if status not in (*STATUSES, "all"):
        raise CurationError(f"status must be one of new, resolved, all (got {status!r})")
    query = select(UnansweredQuestion).order_by(UnansweredQuestion.id.desc()).limit(max(1, min(limit, MAX_PAGE)))
    if status != "all":
        query = query.where(UnansweredQuestion.status == status)
    if reason:
        query = query.where(UnansweredQuestion.reason == reason)
    if before_id:
        query = query.where(UnansweredQuestion.id < before_id)
    return list(session.scalars(query))


def counts(session: Session) -> dict[str, dict[str, int]]:
    """How many questions per status and reason: {"new": {"low_confidence": 3, ...}, ...}."""
    out: dict[str, dict[str, int]] = defaultdict(dict)
    rows = session.execute(select(UnansweredQuestion.status, UnansweredQuestion.reason, func.count())
                           .group_by(UnansweredQuestion.status, UnansweredQuestion.reason))
    for status, reason, n in rows:
        out[status][reason] = n
    return dict(out)


def resolve(session: Session, question_id: int, label: str | None, now: datetime) -> UnansweredQuestion:
    """Mark a question handled, labelled with the intent it belongs to (None: nothing to learn from it).

    Raises LookupError for an unknown id and CurationError for a label outside the intent contract;
    labelling again replaces the label (curators correct each other)."""
    if label is not None and label not in LABELS:
        raise CurationError(f"unknown label {label!r}: use an intent of nlu/intents.py (e.g. faq/quarantine, report)")
    row = session.get(UnansweredQuestion, question_id)
    if row is None:
        raise LookupError(question_id)
    row.status, row.label = "resolved", label
    row.resolved_at = row.resolved_at or now
    return row


def known_texts() -> set[str]:
    """Sentences already in the training data or in any evaluation file (never to be exported into data)."""
    files = [*data_files(), *sorted((NLU_DIR / "test").glob("*.yml"))]
    return {text.strip().lower() for text, _ in load_examples(files)}


def training_yaml(session: Session, exclude: set[str] | None = None) -> tuple[str, int]:
    """Labelled questions as Rasa NLU YAML (phone numbers replaced, repeats and known sentences left out),
    and how many examples it holds."""
    exclude = known_texts() if exclude is None else exclude
    rows = session.scalars(select(UnansweredQuestion).where(UnansweredQuestion.status == "resolved",
                                                            UnansweredQuestion.label.is_not(None))
                           .order_by(UnansweredQuestion.id))
    by_label: dict[str, list[str]] = defaultdict(list)
    seen = set(exclude)
    for row in rows:
        text = " ".join(replace_phones(row.text).split())
        key = text.lower()
        if text and key not in seen:
            seen.add(key)
            by_label[row.label].append(text)
    blocks = [{"intent": label, "examples": "".join(f"- {t}\n" for t in texts)}
              for label, texts in sorted(by_label.items())]
    header = ("# Citizens' questions labelled by curators (exported by nlu.curation). Review, then move into\n"
              "# nlu/data/: the next `make run` or `make test` retrains. Phone numbers are replaced.\n")
    body = yaml.dump({"version": "3.1", "nlu": blocks}, allow_unicode=True, sort_keys=False, width=1000,
                     Dumper=_LiteralDumper)
    return header + body, sum(len(t) for t in by_label.values())


class _LiteralDumper(yaml.SafeDumper):
    """Writes multi-line strings as `|` blocks, the way Rasa's own data files look."""


_LiteralDumper.add_representer(str, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None))


def answers_status(today: date, warn_days: int = 30) -> list[dict]:
    """Every vetted answer with its valid-until date: expired, expiring within `warn_days`, or current."""
    out = []
    for topic, entry in sorted(load_answers().items()):
        until = entry.get("valid_until")
        until = date.fromisoformat(until) if isinstance(until, str) else until
        left = (until - today).days if until else None
        state = "expired" if left is None or left < 0 else "expiring" if left <= warn_days else "current"
        out.append({"topic": topic, "valid_until": until.isoformat() if until else None, "days_left": left,
                    "state": state, "source": entry.get("source", ""), "authority": entry.get("authority", ""),
                    "languages": sorted(k for k in ("vi", "en") if entry.get(k))})
    return out
